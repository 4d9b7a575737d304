"""The API as production runs it, on loopback: uvicorn or granian with several worker
processes in a session of their own, warmed up before the load; nginx in front of it on
request (``--via-nginx``)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from loadtests.harness import ROOT, child_environment, say
from loadtests.nginx import running_nginx

Kind = Literal["uvicorn", "granian"]
APP = "quiz_api.api.app:create_app"


@dataclass(frozen=True)
class ServerPlan:
    kind: Kind
    port: int
    workers: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_ports(count: int) -> list[int]:
    """``count`` different ports that nothing listens on now. (Each socket stays bound until
    all are chosen: one at a time, the kernel may hand out the same port twice.)"""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def free_port() -> int:
    return free_ports(1)[0]


def server_command(plan: ServerPlan) -> list[str]:
    """Production mode on loopback: no access log (nginx keeps it), uvloop + httptools."""
    where = ["--host", "127.0.0.1", "--port", str(plan.port), "--workers", str(plan.workers)]
    if plan.kind == "granian":
        granian = str(Path(sys.executable).with_name("granian"))
        return [
            granian, "--interface", "asgi", "--factory", *where,
            "--loop", "uvloop", "--http", "1", "--respawn-failed-workers",
            "--backlog", "4096", "--log-level", "warning", APP,
        ]  # fmt: skip
    return [
        sys.executable, "-m", "uvicorn", APP, "--factory", *where,
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
        "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--backlog", "4096",
        # Without nginx in front (which keeps its upstream connections open), phones that
        # think for longer than uvicorn's default 5 s would reconnect for every request.
        "--timeout-keep-alive", "75",
        # JSON lines from the master process too, as the systemd unit has it.
        "--log-config", str(ROOT / "deploy" / "uvicorn-log.json"),
    ]  # fmt: skip


def server_environment(
    database_url: str, content: Path, workdir: Path, redis_url: str | None
) -> dict[str, str]:
    """The server's settings: production mode with a secret of its own, the run's database
    and content, the benchmark endpoints, loopback as the trusted proxy; Redis or not."""
    env = child_environment(
        QUIZ_ENV="production",
        QUIZ_SECRET_KEY=secrets.token_urlsafe(48),
        QUIZ_DATABASE_URL=database_url,
        QUIZ_CONTENT_DIR=str(content),
        QUIZ_SITE_DIR=str(workdir / "no-site"),
        QUIZ_BENCHMARK_ENDPOINTS="true",
        QUIZ_TRUSTED_PROXIES="127.0.0.1",
    )
    # Prometheus' multiprocess mode, as the systemd unit sets it: an empty folder per run.
    metrics_dir = workdir / "prometheus"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    env.pop("QUIZ_REDIS_URL", None)  # the caller's own Redis is not the run's
    if redis_url:
        env["QUIZ_REDIS_URL"] = redis_url
    return env


def wait_healthy(base: str, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    """Until ``base``/healthz answers 200; RuntimeError when the process exits first or
    ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)  # polling a process that is starting up: nothing to wait on instead
    raise RuntimeError("the server did not become healthy in time")


@contextmanager
def running_server(
    plan: ServerPlan, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The server healthy and warmed up; at the end its whole process group gets TERM, and
    KILL after 20 s."""
    command = server_command(plan)
    say(f"server: {' '.join(command[1:] if plan.kind == 'uvicorn' else command)}")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_healthy(plan.base, process)
            warm_up(plan.base, 10 * plan.workers)
            yield process
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def in_front(
    nginx_port: int | None, plan: ServerPlan, workdir: Path
) -> AbstractContextManager[object]:
    """nginx with the repository's configuration in front of the server on ``nginx_port``
    (``--via-nginx``), believing the simulated phones' X-Forwarded-For; else nothing."""
    if nginx_port is None:
        return nullcontext()
    (workdir / "site").mkdir(exist_ok=True)
    say(f"nginx: deploy/nginx.conf on port {nginx_port} in front of port {plan.port}")
    return running_nginx(
        workdir / "nginx", nginx_port, plan.port, workdir / "site", believe_forwarded_for=True
    )


def _call(base: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def warm_up(base: str, rounds: int) -> None:
    """A few whole attempts before measuring, on fresh connections so that every worker
    gets some: imports, compiled statements and the question cache are ready, as on a
    server that has been up for a while."""
    for n in range(rounds):
        address = f"192.0.2.{n % 250 + 1}"
        token = _call(
            base, "POST", "/api/v1/participants", {"track": "adult"}, **{"X-Forwarded-For": address}
        )["token"]
        auth = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
        paper = _call(base, "POST", "/api/v1/attempts", **auth)
        answers = [{"question_id": q["id"], "choices": ["A"]} for q in paper["questions"]]
        _call(
            base,
            "POST",
            f"/api/v1/attempts/{paper['attempt_id']}/submit",
            {"answers": answers},
            **auth,
        )
        _call(base, "GET", "/api/v1/leaderboards/adult", **auth)
        _warm_survey(base, auth)
        _call(base, "GET", "/api/v1/stats")
        _call(base, "GET", "/api/v1/noop")


def _warm_survey(base: str, auth: dict[str, str]) -> None:
    """The survey read and answered once by a participant who just finished: its first use
    in a worker reads and validates the survey (100-200 ms), which a server that has been up
    for a while did long ago. A run without a survey skips it."""
    try:
        survey = _call(base, "GET", "/api/v1/survey", **auth)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return
        raise
    answers = {
        q["id"]: q["options"][0]["value"] for q in survey["questions"] if q["type"] == "scale"
    }
    if survey.get("eligible"):
        body = {"survey": survey["survey"], "answers": answers}
        _call(base, "POST", "/api/v1/survey/responses", body, **auth)


def worker_pids(master: int) -> list[int]:
    """The server's worker processes (multiprocessing's resource tracker is not one)."""
    import psutil

    return [
        child.pid
        for child in psutil.Process(master).children(recursive=True)
        if "resource_tracker" not in " ".join(child.cmdline())
    ]
