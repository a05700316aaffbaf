"""``churn report``: the static HTML report, a portfolio page and one scorecard per account."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from churn_scorecard.console import console, progress_callback

DEFAULT_OUT = Path("runs/report")


def report(
    scores: Annotated[
        Path | None,
        typer.Option(
            help="Scores file `churn score` wrote (scores.parquet or scores.csv). "
            "Default: the latest scoring of every account in the history."
        ),
    ] = None,
    history: Annotated[
        str | None,
        typer.Option(
            help="History store for the trends: a DuckDB path or postgresql:// URL "
            "(default: runs/history.duckdb when it exists)."
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Folder to write index.html, style.css and accounts/*.html to.")
    ] = DEFAULT_OUT,
    currency: Annotated[str, typer.Option(help="Symbol printed before amounts.")] = "$",
) -> None:
    """Write the portfolio (ranked by ARR at risk) and a scorecard per account as static HTML.

    The pages need no server and no network: open index.html in a browser. See docs/pages.md.
    """
    from serving.history import DEFAULT_PATH, open_history
    from serving.pages import ScoresFileError, read_scores, write_report

    started = time.perf_counter()
    use_history = history is not None or DEFAULT_PATH.exists()
    if scores is None and not use_history:
        raise ScoresFileError(
            f"no scores to report: give --scores FILE (from `churn score`) or --history URL; "
            f"the default history {DEFAULT_PATH} does not exist yet"
        )
    frame = read_scores(scores) if scores is not None else None
    if not use_history:
        console.print("No history store: each scorecard shows this scoring only (no trend).")
        with progress_callback() as progress:
            written = write_report(frame, out, currency=currency, progress=progress)
    else:
        with open_history(history) as store:
            if frame is None:
                frame = store.latest_scores()
                if frame.empty:
                    raise ScoresFileError(
                        f"history {store.description} holds no scores yet; run `churn score` first"
                    )
            with progress_callback() as progress:
                written = write_report(
                    frame, out, history=store, currency=currency, progress=progress
                )
    seconds = time.perf_counter() - started
    console.print(
        f"Wrote the portfolio and {written.scorecards:,} scorecards in {seconds:.1f} s: "
        f"{written.index.resolve().as_uri()}"
    )
