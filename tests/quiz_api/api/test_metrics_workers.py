"""/metrics with several worker processes: the real server (uvicorn, 2 workers, as the load
tests' harness starts it) in Prometheus' multiprocess mode; every worker's counts add up,
whichever worker answers the scrape, and a dead worker's live gauge is dropped."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, multiprocess

from loadtests.harness.server import (
    ServerPlan,
    free_port,
    server_command,
    server_environment,
    wait_healthy,
)
from loadtests.nginx import stop
from tests.plugins.factories import open_campaign_database

BATCH = 100


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # a new connection each time
        return str(response.read().decode())


def _workers(master: int) -> list[int]:
    """The server's live worker processes (a killed one is a zombie until uvicorn reaps it)."""
    import psutil

    found = []
    for child in psutil.Process(master).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                child.cmdline()
            ):
                found.append(child.pid)
        except psutil.Error:
            continue  # gone or a zombie between the two calls
    return found


def _livez_count(text: str) -> float:
    match = re.search(
        r'^http_requests_total\{method="GET",route="/livez",status="2xx"\} (\S+)$',
        text,
        re.MULTILINE,
    )
    return float(match.group(1)) if match else 0.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int, Path]]:
    tmp = tmp_path_factory.mktemp("workers")
    plan = ServerPlan("uvicorn", free_port(), 2)
    env = server_environment(open_campaign_database(tmp), tmp / "content", tmp, None)
    with (tmp / "server.log").open("wb") as log:
        # Info lines too (the harness asks for warnings only): uvicorn's master writes some.
        command = ["info" if part == "warning" else part for part in server_command(plan)]
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_healthy(plan.base, process)
            folder = Path(env["PROMETHEUS_MULTIPROC_DIR"])
            yield plan.base, folder, process.pid, tmp / "server.log"
        finally:
            stop(process)


def _own_counts(folder: Path, scratch: Path) -> list[float]:
    """Each worker's own count of GET /livez, read from its file alone."""
    own: list[float] = []
    for path in sorted(folder.glob("counter_*.db")):
        alone = scratch / f"{path.stem}-{time.monotonic_ns()}"
        alone.mkdir()
        shutil.copy(path, alone / path.name)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, str(alone))  # type: ignore[no-untyped-call]
        labels = {"method": "GET", "route": "/livez", "status": "2xx"}
        own.append(registry.get_sample_value("http_requests_total", labels) or 0.0)
    return own


def test_counts_of_two_workers_add_up(server: tuple[str, Path, int, Path], tmp_path: Path) -> None:
    base, folder, _, _ = server
    before = _livez_count(_get(f"{base}/metrics"))
    sent = 0
    # The kernel hands new connections to either worker: send until both have served some.
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(8) as pool:
        while len([n for n in _own_counts(folder, tmp_path) if n > 0]) < 2:
            assert time.monotonic() < deadline, "one worker took every connection"
            list(pool.map(_get, [f"{base}/livez"] * BATCH))
            sent += BATCH
    # A worker counts a request just after its answer has left: poll the last few in.
    deadline = time.monotonic() + 10
    while _livez_count(_get(f"{base}/metrics")) < before + sent:
        assert time.monotonic() < deadline, "the counts never added up"
    # Whichever worker answers the scrape, it reports the sum of both.
    for _ in range(4):
        assert _livez_count(_get(f"{base}/metrics")) == before + sent
    assert sum(_own_counts(folder, tmp_path)) == before + sent


def test_a_dead_workers_live_gauge_is_dropped(server: tuple[str, Path, int, Path]) -> None:
    base, folder, master, _ = server
    workers = _workers(master)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)  # uvicorn starts another in its place
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alive = _workers(master)
        if len(alive) == 2 and workers[0] not in alive:
            break
        time.sleep(0.2)  # polling for the replacement process: nothing to wait on instead
    else:
        pytest.fail("uvicorn did not replace the killed worker")
    # The replacement forgot the dead worker's gauge file when it started.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (folder / f"gauge_liveall_{workers[0]}.db").exists():
        _get(f"{base}/livez")
        time.sleep(0.2)
    assert not (folder / f"gauge_liveall_{workers[0]}.db").exists()
    text = _get(f"{base}/metrics")
    pids = set(re.findall(r'^quiz_db_pool_in_use\{pid="(\d+)"\}', text, re.MULTILINE))
    assert str(workers[0]) not in pids


def test_production_logs_are_json_lines_with_the_request_id(
    server: tuple[str, Path, int, Path],
) -> None:
    base, _, _, log = server
    request = urllib.request.Request(
        f"{base}/api/v1/nothing-here", headers={"X-Request-ID": "r-77"}
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    deadline = time.monotonic() + 10
    lines: list[dict[str, object]] = []
    while time.monotonic() < deadline and not any(
        line.get("request_id") == "r-77" for line in lines
    ):
        lines = [json.loads(text) for text in log.read_text().splitlines() if text.strip()]
    assert lines, "the server wrote no log lines"
    for line in lines:  # every line, uvicorn's start-up lines included, is one JSON object
        assert {"time", "level", "message", "request_id"} <= line.keys(), line
    mine = [line for line in lines if line.get("request_id") == "r-77"]
    assert mine and mine[-1]["route"] == "unmatched"
    assert (mine[-1]["method"], mine[-1]["status"]) == ("GET", 404)
    assert isinstance(mine[-1]["duration_ms"], float)
    # uvicorn's own lines: the master's (no app there) and each worker's.
    assert any("Started parent process" in str(line["message"]) for line in lines)
    assert any("Started server process" in str(line["message"]) for line in lines)
