"""Real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) and a report
written from the shared ``scored_world`` scoring run."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "runs" / "screenshots"
"""Screenshots for people to look at (also written under each test's tmp dir)."""


@dataclass
class Watched:
    """A browser page plus everything that went wrong while it loaded."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One Chromium per test module, with a fresh user data dir and no network services.

    Not per session: Playwright's sync API keeps an event loop running in the main thread
    until it stops, which would break later tests that call ``asyncio.run``.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the page tests need Debian's Chromium; "
            "run `apt-get install chromium`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def watched(browser_context: object) -> Iterator[Watched]:
    """A new tab recording console errors, page errors and failed (or 4xx/5xx) requests."""
    page = browser_context.new_page()
    seen = Watched(page)
    page.on(
        "console",
        lambda message: seen.console_errors.append(f"console {message.type}: {message.text}")
        if message.type in ("error", "warning")
        else None,
    )
    page.on("pageerror", lambda error: seen.console_errors.append(f"page error: {error}"))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on(
        "requestfailed",
        lambda request: seen.failed_requests.append(f"failed: {request.url} {request.failure}"),
    )
    page.on(
        "response",
        lambda response: seen.failed_requests.append(f"HTTP {response.status}: {response.url}")
        if response.status >= 400
        else None,
    )
    try:
        yield seen
    finally:
        page.close()


@pytest.fixture(scope="session")
def report_server(report_dir: Path) -> Iterator[str]:
    """A tiny local http.server over the report folder; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(report_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def save_screenshot(page: object, tmp_path: Path, name: str, full_page: bool = True) -> Path:
    """A PNG of the page under the test's tmp dir, copied to runs/screenshots/ for people."""
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=full_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SCREENSHOTS / name)
    return path


@pytest.fixture(scope="session")
def report_scores(scored_world: object) -> pd.DataFrame:
    """The scores file of the shared ``churn score`` run."""
    from serving.pages import read_scores

    return read_scores(scored_world.scores_parquet)


@pytest.fixture(scope="session")
def report_dir(
    scored_world: object, report_scores: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The static report of that run, with the trends from its history."""
    from serving.history import open_history
    from serving.pages import write_report

    out = tmp_path_factory.mktemp("report")
    with open_history(scored_world.history_url) as store:
        write_report(report_scores, out, history=store)
    return out
