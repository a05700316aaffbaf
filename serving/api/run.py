"""Start the service in a child process and wait until it answers: for tests, benchmarks and
the demo. ``start_server(...)`` runs ``churn serve`` exactly as a user would."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from serving.api.errors import ServiceConfigError


@dataclass
class RunningServer:
    """A ``churn serve`` child process, its base URL and its log file."""

    process: subprocess.Popen
    url: str
    log_path: Path

    def log(self) -> str:
        """Everything the server wrote so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the server's process group, SIGKILL it if it lingers."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_server(
    data: Path | None = None,
    *,
    model_uri: str | None = None,
    tracking_uri: str | None = None,
    history: str | None = None,
    api_key_env: str | None = None,
    as_of: str | None = None,
    max_batch: int | None = None,
    reload_interval: float | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    ready_timeout: float = 180.0,
) -> RunningServer:
    """Run ``churn serve`` in its own process group and return once /readyz answers 200.

    ``env`` adds variables (e.g. the API key itself); ``BENTOML_HOME`` defaults to a
    temporary folder and usage tracking is off. Raises :class:`ServiceConfigError` with
    the server's log tail if it exits or is not ready within ``ready_timeout`` seconds.
    """
    port = port or free_port(host)
    command = [
        sys.executable,
        "-m",
        "churn_scorecard",
        "serve",
        "--host",
        host,
        "--port",
        str(port),
    ]
    for option, value in (
        ("--data", data),
        ("--model", model_uri),
        ("--tracking-uri", tracking_uri),
        ("--history", history),
        ("--api-key-env", api_key_env),
        ("--as-of", as_of),
        ("--max-batch", max_batch),
        ("--reload-interval", reload_interval),
    ):
        if value is not None:
            command += [option, str(value)]
    child_env = {**os.environ, **(env or {})}
    child_env.setdefault("BENTOML_HOME", tempfile.mkdtemp(prefix="churn-bentoml-"))
    child_env.setdefault("BENTOML_DO_NOT_TRACK", "True")
    log_path = log_path or Path(tempfile.mkstemp(prefix="churn-serve-", suffix=".log")[1])
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=child_env, start_new_session=True
        )
    server = RunningServer(process, f"http://{host}:{port}", log_path)
    try:
        wait_ready(server, ready_timeout)
    except BaseException:
        server.stop()
        raise
    return server


def wait_ready(server: RunningServer, timeout: float = 180.0) -> None:
    """Poll ``/readyz`` until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServiceConfigError(
                f"the service exited with code {server.process.returncode} before it was ready:\n"
                + _tail(server.log())
            )
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise ServiceConfigError(
        f"the service at {server.url} was not ready after {timeout:.0f} s:\n" + _tail(server.log())
    )


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


def example_curl(url: str, account_id: str | None = None, api_key_env: str | None = None) -> str:
    """A ready-to-paste curl for a running service: /explain of one account, else GET /model."""
    key = f' -H "X-API-Key: ${api_key_env}"' if api_key_env else ""
    if account_id is None:
        return f"curl -s{key} {url}/model"
    body = json.dumps({"account_id": account_id})
    return f"curl -s{key} -H 'Content-Type: application/json' -d '{body}' {url}/explain"
