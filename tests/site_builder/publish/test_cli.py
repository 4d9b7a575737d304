"""The CI templates, the systemd unit and the cron line call the documented commands with
options the command line really has (kept in step when either changes)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.core import TyperGroup

from site_builder.publish.cli import app

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
DOCS = (ROOT / "docs" / "publishing.md").read_text("utf-8")
INVOCATION = re.compile(r"python -m site_builder ([^\n\\]*(?:\\\n[^\n\\]*)*)")


def _scripts(node: object) -> list[str]:
    """Every `run:` (Gitea/Forgejo) and `script:` (GitLab) command of a CI file."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                found.append(value)
            elif key == "script" and isinstance(value, list):
                found.extend(str(line) for line in value)
            else:
                found.extend(_scripts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_scripts(item))
    return found


def _invocations(texts: list[str]) -> list[list[str]]:
    calls = []
    for text in texts:
        for match in INVOCATION.finditer(text):
            words = shlex.split(match.group(1).replace("\\\n", " "), posix=True)
            # the command ends where the shell's redirections begin (cron's log file)
            ends = [i for i, w in enumerate(words) if w.startswith((">", "2>", "|", "&&"))]
            calls.append(words[: ends[0]] if ends else words)
    return calls


def _command(words: list[str]) -> tuple[Any, list[str]]:
    """The command the words name, and the rest of the words (its options)."""
    command: Any = typer.main.get_command(app)
    rest = list(words)
    while isinstance(command, TyperGroup) and rest and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    assert not isinstance(command, TyperGroup), f"no such command: {words}"
    return command, rest


def _check(words: list[str]) -> str:
    command, rest = _command(words)
    known = {opt for param in command.params for opt in param.opts}
    for word in rest:
        if word.startswith("--"):
            assert word in known, f"{command.name} has no option {word}"
    name = " ".join(words[: len(words) - len(rest)])
    assert f"python -m site_builder {name}" in DOCS, f"'{name}' is not in docs/publishing.md"
    return " ".join([name, *(w for w in rest if w in ("--if-due", "--remove"))])


@pytest.mark.parametrize("template", ["gitea-actions.yml", "gitlab-ci.yml"])
def test_ci_templates_run_the_documented_commands(template: str) -> None:
    data = yaml.safe_load((DEPLOY / "ci" / template).read_text("utf-8"))
    called = {_check(words) for words in _invocations(_scripts(data))}
    assert called == {
        "tree check",
        "publish",
        "publish --if-due",
        "preview",
        "preview --remove",
    }


@pytest.mark.parametrize("unit", ["systemd/jd-site-publish.service", "cron/jd-site-publish"])
def test_the_timer_and_the_cron_line_publish_what_is_due(unit: str) -> None:
    lines = (DEPLOY / unit).read_text("utf-8").splitlines(keepends=True)
    calls = _invocations(["".join(line for line in lines if not line.startswith("#"))])
    assert [_check(words) for words in calls] == ["publish --if-due"]


def test_the_timer_runs_every_ten_minutes() -> None:
    timer = (DEPLOY / "systemd" / "jd-site-publish.timer").read_text("utf-8")
    assert "OnCalendar=*:0/10" in timer
    assert (DEPLOY / "cron" / "jd-site-publish").read_text("utf-8").count("*/10 * * * *") == 1
