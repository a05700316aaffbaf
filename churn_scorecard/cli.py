"""The ``churn`` command line: one typer app, one module per subcommand."""

from __future__ import annotations

import os
import sys

import typer

from churn_scorecard.console import errors
from churn_scorecard.errors import ChurnError

os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")
"""MLflow's INFO lines (database migrations, uv detection) are noise on a command line; the
commands print what happened themselves. Set MLFLOW_LOGGING_LEVEL to see them."""

app = typer.Typer(
    name="churn",
    help="Churn-risk scorecards for B2B/SaaS accounts, learned from your own renewal history.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _register_commands() -> None:
    from churn_scorecard.commands import (
        audit,
        demo,
        features,
        report,
        score,
        serve,
        simulate,
        train,
        validate,
    )

    app.command("demo")(demo.demo)
    app.command("simulate")(simulate.simulate)
    app.command("validate")(validate.validate)
    app.command("train")(train.train)
    app.command("features")(features.features)
    app.command("score")(score.score)
    app.command("report")(report.report)
    app.command("audit")(audit.audit)
    app.command("serve")(serve.serve)


_register_commands()


def main() -> None:
    """Run the CLI; user mistakes become one red line on stderr and a non-zero exit code."""
    try:
        app()
    except ChurnError as error:
        errors.print("[bold red]error:[/bold red] ", end="")
        errors.print(str(error), markup=False)
        sys.exit(error.exit_code)
