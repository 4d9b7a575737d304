"""``python -m loadtests run``: its options, defaults and refusals, without running a load
test."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from loadtests.cli import app, parse
from loadtests.nginx import NGINX


def test_runner_arguments() -> None:
    options = parse(["run", "throughput", "--users", "5", "--time", "10s"])
    assert (
        options.database,
        options.server.workers,
        options.load.users,
        options.limits.p95_ms,
        options.limits.p99_ms,
    ) == ("postgres", 2, 5, 100.0, 250.0)
    assert parse(["run", "adults", "--db", "sqlite"]).server.workers == 1
    with pytest.raises(typer.BadParameter, match="one worker"):
        parse(["run", "adults", "--db", "sqlite", "--workers", "2"])
    with pytest.raises(typer.BadParameter, match="not one of adults"):
        parse(["run", "no-such-scenario"])
    with pytest.raises(typer.BadParameter, match="not a run time"):
        parse(["run", "adults", "--time", "soon"])  # refused before anything starts
    assert options.load.port == options.server.port  # locust talks to the server itself
    if NGINX.exists():
        fronted = parse(["run", "adults", "--via-nginx"])
        assert fronted.load.port == fronted.nginx_port != fronted.server.port  # ... or to nginx


def test_a_refused_command_line_exits_2_before_anything_starts() -> None:
    refused = CliRunner().invoke(app, ["run", "adults", "--db", "sqlite", "--workers", "2"])
    assert refused.exit_code == 2
    assert "SQLite takes one writer at a time" in refused.output
    assert "[loadtests]" not in refused.output  # the harness said nothing: nothing ran
