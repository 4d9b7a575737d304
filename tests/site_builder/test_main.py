"""python -m site_builder on typer: the commands, options and exit codes of before."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from site_builder.__main__ import app
from site_builder.corpus import write_sample

runner = CliRunner()


def test_commands_are_listed() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "serve", "budgets", "i18n", "corpus", "bench"):
        assert command in result.output


def test_i18n_check_passes_and_an_unknown_action_is_a_usage_error() -> None:
    assert runner.invoke(app, ["i18n", "check"]).exit_code == 0
    assert runner.invoke(app, ["i18n", "translate"]).exit_code == 2


def test_budgets_of_a_site_over_budget_exit_1(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>" + "x" * 3_000_000 + "</html>", "utf-8")
    result = runner.invoke(app, ["budgets", "--site", str(site), "-v"])
    assert result.exit_code == 1, result.output
    assert "1 page(s) over budget" in result.output


def test_corpus_writes_posts_into_dest(tmp_path: Path) -> None:
    base = write_sample(tmp_path / "content", campaigns=False)
    dest = tmp_path / "corpus"
    result = runner.invoke(app, ["corpus", str(dest), "--posts", "3", "--content", str(base)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(dest)
    assert len(list((dest / "en" / "posts").glob("*.md"))) >= 3


def test_exhibition_time_without_a_hall_exits_1(tmp_path: Path) -> None:
    from site_builder.exhibition.__main__ import app as exhibition_app

    result = runner.invoke(exhibition_app, ["time", "--content", str(tmp_path)])
    assert result.exit_code == 1
    assert "no exhibition/hall.yaml" in str(result.exception) + result.output
