"""``churn demo``: the main job on the embedded defaults, end to end on a simulated world."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from churn_scorecard.commands.simulate import print_world_summary
from churn_scorecard.commands.validate import print_report
from churn_scorecard.console import console, progress_callback


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
) -> None:
    """Simulate a world, validate it through the data layer and print what it holds."""
    from features.data import load_dataset
    from simulator import SimulationConfig, simulate_world

    world_dir = workdir / "world"
    validation_dir = workdir / "validation"

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
    console.print(
        f"Quarantine and report written to [bold]{validation_dir}[/bold] ({len(written)} files)."
    )

    console.rule("[bold]Done")
    console.print(
        f"World: [bold]{world_dir}[/bold]. Next: [bold]churn validate {world_dir}[/bold] "
        "to check it again, or point the same command at your own data."
    )
