"""A real, throw-away PostgreSQL server for the tests: the ``postgres_url`` session fixture.

The server is Debian's ``postgresql`` package (``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/<version>/bin``), started in a temporary directory on a free loopback
port with its socket in that directory, durability off for speed, and removed when the test
session ends. PostgreSQL refuses to run as root, so under root the server runs as ``nobody``.
Loaded for every test as a plugin (``pytest_plugins`` in tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_USER = "nobody"
"""The unprivileged account the server runs as when the tests run as root."""

SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "64MB",
    "max_connections": "40",
}


def postgres_bin() -> Path:
    """The newest PostgreSQL server binary directory; fails with the package to install."""
    candidates = [Path(p) for p in sorted(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")))]
    candidates = [p for p in candidates if (p / "initdb").exists() and (p / "pg_ctl").exists()]
    if not candidates:
        pytest.fail(
            f"PostgreSQL server binaries not found in {POSTGRES_BIN_GLOB}; the tests start a real "
            "PostgreSQL server. Install it with `apt-get install -y postgresql`.",
            pytrace=False,
        )
    return max(candidates, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> dict[str, object]:
    """``subprocess`` arguments running the server as ``nobody`` when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SERVER_USER], check=True)
        account = pwd.getpwnam(SERVER_USER)
    return {"user": account.pw_uid, "group": account.pw_gid}


def _run(command: list[str], user: dict[str, object], log: Path) -> None:
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, **user
    )
    if result.returncode != 0:
        server_log = log.read_text() if log.exists() else ""
        pytest.fail(
            f"`{' '.join(command)}` failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            f"\n{server_log}",
            pytrace=False,
        )


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """Start a throw-away PostgreSQL server; yields its URL, stops and deletes it on exit."""
    bin_dir = postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="churn-postgres-"))
    user = _server_user()
    if user:
        os.chown(root, user["user"], user["group"])  # type: ignore[arg-type]
    data, log = root / "data", root / "server.log"
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            user,
            log,
        )
        port = _free_port()
        options = " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port} -k {root} {options}",
                "start",
            ],
            user,
            log,
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
                **user,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a real PostgreSQL server (superuser ``postgres``, database ``postgres``)."""
    with running_postgres() as url:
        yield url
