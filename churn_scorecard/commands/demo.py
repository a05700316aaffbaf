"""``churn demo``: the main job on the embedded defaults, end to end on a simulated world.

Simulate a world, validate it, train and register a model, score every active account
(twice, a month apart, so the scorecards have a trend and a score change), write the
pages, and serve the model for CRM systems.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from churn_scorecard.commands.simulate import print_world_summary
from churn_scorecard.commands.validate import print_report
from churn_scorecard.console import console, progress_callback

EARLIER_SCORING_DAYS = 30
"""The demo scores once this many days before the end of the world, for the trend."""


def demo(
    workdir: Annotated[
        Path,
        typer.Option(
            help="Folder for the simulated world and the run's outputs (replaced on each run)."
        ),
    ] = Path("data/demo"),
    accounts: Annotated[
        int, typer.Option(min=1, help="How many accounts the simulated world has.")
    ] = 5000,
    seed: Annotated[
        int, typer.Option(help="Seed of the simulated world; the same seed gives the same world.")
    ] = 7,
    port: Annotated[
        int,
        typer.Option(min=1, max=65535, help="Port of the service (a free one if it is taken)."),
    ] = 3000,
    keep_serving: Annotated[
        bool,
        typer.Option(
            " /--check-and-stop",
            help="Keep the service up until Ctrl-C, or (for CI) call it once and stop.",
        ),
    ] = True,
) -> None:
    """Simulate a world, validate it, train, score and explain every account, write the pages
    and serve the model for CRM systems."""
    import pandas as pd

    from churn_scorecard.commands.report import report
    from churn_scorecard.commands.score import score
    from churn_scorecard.commands.train import train
    from features.data import load_dataset
    from serving.scoring import score_source
    from serving.scoring.run import latest_event_time
    from simulator import SimulationConfig, simulate_world

    world_dir = workdir / "world"
    validation_dir = workdir / "validation"
    history = workdir / "history.duckdb"
    pages = workdir / "report"
    history.unlink(missing_ok=True)

    console.rule("[bold]1. Simulate a world")
    with progress_callback() as progress:
        summary = simulate_world(
            SimulationConfig(seed=seed, n_accounts=accounts),
            world_dir,
            overwrite=True,
            progress=progress,
        )
    print_world_summary(summary)

    console.rule("[bold]2. Validate it against the data contract")
    with progress_callback() as progress:
        dataset = load_dataset(world_dir, progress=progress)
    with dataset:
        print_report(dataset.report)
        written = dataset.write_quarantine(validation_dir)
        latest = latest_event_time(dataset)
    console.print(
        f"Quarantine and report written to [bold]{validation_dir}[/bold] ({len(written)} files)."
    )

    console.rule("[bold]3. Train a model from the past renewals")
    train(data_dir=world_dir)

    console.rule("[bold]4. Score and explain every active account")
    earlier = latest - timedelta(days=EARLIER_SCORING_DAYS)
    with progress_callback() as progress:
        run = score_source(
            world_dir,
            as_of=earlier,
            out=workdir / "scores" / f"{earlier:%Y-%m-%d}",
            history_url=str(history),
            progress=progress,
        )
    console.print(
        f"Scored {len(run.batch.frame):,} accounts as of {earlier:%Y-%m-%d} first, so that the "
        "next scoring has a score change and the scorecards a trend."
    )
    scores = workdir / "scores" / f"{latest:%Y-%m-%d}"
    score(world_dir, out=scores, history=str(history))

    console.rule("[bold]5. Scorecard pages")
    report(scores=scores / "scores.parquet", history=str(history), out=pages)

    console.rule("[bold]6. Serve the model for CRM systems")
    riskiest = pd.read_parquet(scores / "scores.parquet").nlargest(1, "arr_at_risk")
    serve_demo(world_dir, history, str(riskiest["account_id"].iloc[0]), port, keep_serving)


def serve_demo(
    world_dir: Path, history: Path, account_id: str, port: int, keep_serving: bool
) -> None:
    """Start ``churn serve`` on the demo model, show one real answer and a curl to paste."""
    import httpx

    from serving.api.run import example_curl, free_port, start_server

    if not _port_is_free(port):
        taken, port = port, free_port()
        console.print(f"Port {taken} is taken; using {port}.")
    with console.status("Starting the service (BentoML)..."):
        server = start_server(world_dir, history=str(history), port=port)
    with server:
        answer = httpx.post(f"{server.url}/explain", json={"account_id": account_id}, timeout=30)
        answer.raise_for_status()
        explained = answer.json()["explanation"]
        drivers = explained["drivers"] or [{"sentence": "no risk drivers"}]
        console.print(
            f"The service is up at [bold]{server.url}[/bold] (OpenAPI docs at {server.url}/, "
            f"pages at {server.url}/portfolio/). It explains {account_id}, the account with the "
            f"most ARR at risk: health {explained['health']}, {explained['band']}, "
            f"first driver: {drivers[0]['sentence']}."
        )
        console.print("Ask it yourself:")
        console.print(example_curl(server.url, account_id), markup=False, soft_wrap=True)
        if not keep_serving:
            console.print("Stopping the service (--check-and-stop).")
            return
        console.print("[dim]Serving until Ctrl-C.[/dim]")
        try:
            server.process.wait()
        except KeyboardInterrupt:
            console.print("Stopping the service.")


def _port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
