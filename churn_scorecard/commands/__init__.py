"""One module per ``churn`` subcommand; each exposes one typer command function."""
