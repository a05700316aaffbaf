"""``churn simulate``: write a seeded synthetic world of accounts as contract tables."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from churn_scorecard.config import load_config
from churn_scorecard.console import console, progress_callback

if TYPE_CHECKING:
    from simulator import WorldSummary


class WorldFormat(str, Enum):
    """File format of the written tables."""

    parquet = "parquet"
    csv = "csv"


def simulate(
    out: Annotated[
        Path,
        typer.Argument(
            help="Folder to write the world to; created if missing, must be empty unless --overwrite."
        ),
    ],
    accounts: Annotated[
        int | None,
        typer.Option(
            min=1, help="How many accounts the world has (default: 2000, or the config file's)."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0, help="Seed of the world; the same seed gives the same files (default: 7)."
        ),
    ] = None,
    format: Annotated[
        WorldFormat,
        typer.Option(
            "--format", help="Write <table>.parquet or <table>.csv files (same rows either way)."
        ),
    ] = WorldFormat.parquet,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="YAML file of simulation settings (keys in docs/simulator.md); --accounts, --seed and "
            "--dirty-fraction override it.",
        ),
    ] = None,
    dirty_fraction: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=0.1,
            help="Share of extra contract-breaking rows per table, 0 for none (default: 0.001).",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite", help="Replace a world already in OUT (other files there are kept)."
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes building chunks in parallel; never changes the files (default: automatic).",
        ),
    ] = None,
) -> None:
    """Simulate accounts whose hidden health drives usage, tickets, surveys, billing and renewals.

    Writes the nine contract tables to the folder OUT (new or empty, unless --overwrite),
    plus OUT/_truth/ with the true churn probability of every decided renewal (the
    ceiling any model can reach).
    """
    from simulator import SimulationConfig, SimulationConfigError, simulate_world

    try:
        settings = load_config(SimulationConfig, config) if config else SimulationConfig()
    except SimulationConfigError as error:
        raise SimulationConfigError(f"{config}: {error}") from None
    overrides = {"n_accounts": accounts, "seed": seed, "dirty_fraction": dirty_fraction}
    settings = SimulationConfig(
        **{**settings.model_dump(), **{k: v for k, v in overrides.items() if v is not None}}
    )
    with progress_callback() as progress:
        summary = simulate_world(
            settings, out, format.value, progress=progress, overwrite=overwrite, workers=workers
        )
    print_world_summary(summary)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def print_world_summary(summary: WorldSummary) -> None:
    """Rows per table, churn per segment and term, the ceiling AUC and the time taken."""
    rows = Table(
        title=f"World in {summary.out_dir} ({summary.fmt}, seed {summary.seed})",
        title_justify="left",
    )
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    rows.add_column("of which dirty", justify="right")
    for name, count in summary.rows.items():
        dirty = sum(summary.dirty_rows.get(name, {}).values())
        rows.add_row(name, f"{count:,}", f"{dirty:,}" if dirty else "")
    console.print(rows)

    churn = Table(title="Churn per decided renewal", title_justify="left")
    churn.add_column("segment")
    for term in summary.churn_rate_by_term:
        churn.add_column(f"{term} renewals", justify="right")
    churn.add_column("all", justify="right")
    for segment, rate in summary.churn_rate_by_segment.items():
        by_term = [
            _percent(summary.churn_rate_by_term[term][segment])
            for term in summary.churn_rate_by_term
        ]
        churn.add_row(segment, *by_term, _percent(rate))
    console.print(churn)

    auc = "-" if summary.ceiling_auc is None else f"{summary.ceiling_auc:.3f}"
    by_term = ", ".join(
        f"{t} {'-' if v is None else f'{v:.3f}'}" for t, v in summary.ceiling_auc_by_term.items()
    )
    console.print(
        f"{summary.decided_renewals:,} decided renewals ({_percent(summary.overall_churn_rate)} churned), "
        f"{summary.upcoming_renewals:,} upcoming. Ceiling ROC-AUC of the true probabilities: "
        f"[bold]{auc}[/bold] ({by_term}). Written in {summary.elapsed_seconds:.1f} s."
    )
