"""Git hooks of a bare content repository: refuse a broken push, publish main, preview
other branches.

The hooks are small shell scripts that call the absolute path of the Python that installed
them, with that installation's code on ``PYTHONPATH``: git runs hooks with hardly any
environment, so nothing may depend on the caller's ``PATH`` or virtualenv.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder import REPO_ROOT
from site_builder.publish.gitbuild import ZERO, GitError, git, resolve
from site_builder.publish.publisher import Publisher, PublishFailed
from site_builder.publish.tree import QUIZ_PATHS

HEADS = "refs/heads/"
HOOKS = ("pre-receive", "post-receive")


@dataclass(frozen=True)
class RefUpdate:
    old: str
    new: str
    ref: str

    @property
    def branch(self) -> str | None:
        return self.ref[len(HEADS) :] if self.ref.startswith(HEADS) else None

    @property
    def deleted(self) -> bool:
        return self.new == ZERO


def parse_updates(lines: Iterable[str]) -> list[RefUpdate]:
    """The lines git gives pre-receive and post-receive on stdin: '<old> <new> <ref>'."""
    updates = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(*parts))
    return updates


def hook_script(hook: str, options: list[str]) -> str:
    command = [sys.executable, "-m", "site_builder", "hooks", hook, *options]
    return (
        "#!/bin/sh\n"
        "# Written by `python -m site_builder hooks install`; run it again to change this.\n"
        f"PYTHONPATH={shlex.quote(str(REPO_ROOT))}\n"
        "export PYTHONPATH\n"
        f"exec {shlex.join(command)}\n"
    )


def install(publisher: Publisher) -> list[str]:
    """Write the hooks into the bare repository, create the web root, publish main now."""
    repo = publisher.repo
    if not (repo / "objects").is_dir() or not (repo / "refs").is_dir():
        raise PublishFailed(f"{repo} is not a bare git repository")
    publisher.web.create()
    options = ["--web-root", str(publisher.web.root.resolve()), "--main", publisher.main]
    if publisher.site_url:
        options += ["--site-url", publisher.site_url]
    messages = []
    for hook in HOOKS:
        path = repo / "hooks" / hook
        path.parent.mkdir(exist_ok=True)
        path.write_text(hook_script(hook, options), "utf-8")
        path.chmod(0o755)
        messages.append(f"installed {path}")
    if resolve(repo, f"{HEADS}{publisher.main}") is not None:
        messages.append(publisher.publish())
    else:
        messages.append(f"{publisher.main} does not exist yet; the first push publishes it")
    return messages


def pre_receive(publisher: Publisher, updates: list[RefUpdate]) -> list[str]:
    """Problems of every pushed branch (empty: accept the push)."""
    problems: list[str] = []
    for update in updates:
        if update.branch is None or update.deleted:
            continue
        try:
            run = publisher.check(update.new, quiz=_touches_quiz(publisher.repo, update))
        except GitError as exc:
            problems.append(f"{update.branch}: {exc}")
            continue
        if not run.ok:
            problems.append(f"{update.branch} ({update.new[:7]}) was refused:")
            problems.extend(run.output.splitlines())
    return problems


def _touches_quiz(repo: Path, update: RefUpdate) -> bool:
    """Whether the push changes what the quiz API reads (a new branch: assume it does)."""
    if update.old == ZERO:
        return True
    changed = git(repo, "diff", "--name-only", update.old, update.new).splitlines()
    return any(path.startswith(QUIZ_PATHS) for path in changed)


def post_receive(publisher: Publisher, updates: list[RefUpdate]) -> tuple[list[str], bool]:
    """Publish main, build or remove previews; returns the messages and whether all went
    well (the push itself has happened either way)."""
    messages: list[str] = []
    ok = True
    for update in updates:
        branch = update.branch
        if branch is None:
            continue
        try:
            if branch == publisher.main:
                messages.append(publisher.publish(unless_live=True))
            else:
                messages.append(publisher.preview(branch))
        except (PublishFailed, GitError) as exc:
            ok = False
            what = "main" if branch == publisher.main else f"preview of {branch}"
            messages.append(f"{what} not published: {exc}")
    return messages, ok


def updates_from_stdin() -> list[RefUpdate]:
    return parse_updates(sys.stdin.read().splitlines())
