"""deploy/nginx.conf, rendered as a deployment renders it and run by Debian's nginx in a folder
of its own: in front of a test server (tests/loadtests/test_nginx.py) and of the load tests'
server (``python -m loadtests run ... --via-nginx``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from string import Template

NGINX = Path("/usr/sbin/nginx")
CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"

# The load generator runs every simulated phone from this machine and names each phone's
# address in X-Forwarded-For; told to believe it (ngx_http_realip_module), nginx treats it
# as the connection's own address, as it would see each phone's address in production.
BELIEVE_FORWARDED_FOR = """
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
"""


def render(**values: str) -> str:
    """What `envsubst` does at deploy time: our ${NAMES}, nginx's $variables untouched."""
    return Template(CONFIG.read_text("utf-8")).safe_substitute(values)


def _wait_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text(errors='replace')}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("nginx did not listen in time")


@contextmanager
def running_nginx(
    folder: Path,
    port: int,
    upstream_port: int,
    site_root: Path,
    *,
    believe_forwarded_for: bool = False,
    web_root: Path | None = None,
    metrics_allow: str = "",
) -> Iterator[subprocess.Popen[bytes]]:
    """nginx with the repository's configuration on 127.0.0.1:``port``, one worker process,
    proxying the API to 127.0.0.1:``upstream_port``; its logs in ``folder / "logs"``;
    previews under ``web_root / "preview"`` (default: beside ``site_root``); ``/metrics``
    for the addresses of ``metrics_allow`` (``allow ...;`` lines) only."""
    for name in ("logs", "temp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    text = render(
        LISTEN=f"127.0.0.1:{port}",
        SITE_ROOT=str(site_root),
        WEB_ROOT=str(web_root or site_root.parent),
        API_UPSTREAMS=f"server 127.0.0.1:{upstream_port};",
        NGINX_USER="root" if os.geteuid() == 0 else os.environ.get("USER", "nobody"),
        NGINX_PID=str(folder / "nginx.pid"),
        NGINX_LOG_DIR=str(folder / "logs"),
        NGINX_TEMP_DIR=str(folder / "temp"),
        WORKER_PROCESSES="1",
        METRICS_ALLOW=metrics_allow,
    )
    if believe_forwarded_for:
        text = text.replace(
            "    server_tokens off;\n", "    server_tokens off;\n" + BELIEVE_FORWARDED_FOR
        )
    conf = folder / "nginx.conf"
    conf.write_text(text, "utf-8")
    startup = folder / "logs" / "startup.log"
    command = [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(startup)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t refused the configuration: {checked.stderr}")
    process = subprocess.Popen([*command, "-g", "daemon off;"])
    try:
        _wait_port(port, process, startup)
        yield process
    finally:
        stop(process)
        shutil.rmtree(folder / "temp", ignore_errors=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a process this module's callers started: TERM, and KILL after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
