"""``churn simulate``: help on every option, a small run, config files and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from churn_scorecard.commands.simulate import simulate
from churn_scorecard.errors import ConfigError
from simulator import TRUTH_DIR, WORLD_FILE, OutputNotEmptyError

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The command alone, registered the way ``churn_scorecard.cli`` registers it."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="rich")
    app.command("simulate")(simulate)
    app.command("noop")(
        lambda: None
    )  # a second command keeps ``simulate`` a subcommand, as in the CLI
    return app


def test_simulate_command_documents_every_option(app: typer.Typer):
    command = typer.main.get_command(app).commands["simulate"]
    # options only: with click 8.5, typer 0.20 drops the help text of arguments (OUT is described in the docstring)
    for parameter in command.params:
        if parameter.param_type_name == "option":
            assert parameter.help, f"{parameter.name} has no help text"
    result = runner.invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0
    for option in (
        "--accounts",
        "--seed",
        "--format",
        "--config",
        "--dirty-fraction",
        "--overwrite",
        "--workers",
    ):
        assert option in result.output


def test_simulate_command_writes_a_world_and_prints_its_summary(app: typer.Typer, tmp_path: Path):
    result = runner.invoke(
        app, ["simulate", str(tmp_path / "w"), "--accounts", "80", "--seed", "2", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "usage_events.csv").exists()
    for text in ("usage_events", "smb", "Ceiling ROC-AUC", "Written in"):
        assert text in result.output


def test_simulate_command_options_override_the_config_file(app: typer.Typer, tmp_path: Path):
    config = tmp_path / "world.yaml"
    config.write_text("seed: 9\nn_accounts: 50\ndirty_fraction: 0\n")
    result = runner.invoke(
        app, ["simulate", str(tmp_path / "w"), "--config", str(config), "--accounts", "70"]
    )
    assert result.exit_code == 0, result.output
    world = json.loads((tmp_path / "w" / TRUTH_DIR / WORLD_FILE).read_text())
    assert (
        world["config"]["seed"],
        world["config"]["n_accounts"],
        world["config"]["dirty_fraction"],
    ) == (9, 70, 0)
    assert pq.read_metadata(tmp_path / "w" / "accounts.parquet").num_rows == 70


def test_simulate_command_names_the_config_file_and_key_on_error(app: typer.Typer, tmp_path: Path):
    config = tmp_path / "world.yaml"
    config.write_text("n_acounts: 50\n")
    result = runner.invoke(app, ["simulate", str(tmp_path / "w"), "--config", str(config)])
    assert isinstance(result.exception, ConfigError)
    assert "world.yaml" in str(result.exception) and "unknown key 'n_acounts'" in str(
        result.exception
    )


def test_simulate_command_refuses_a_non_empty_folder(app: typer.Typer, tmp_path: Path):
    (tmp_path / "keep.txt").write_text("x")
    result = runner.invoke(app, ["simulate", str(tmp_path), "--accounts", "10"])
    assert isinstance(result.exception, OutputNotEmptyError)
    assert "--overwrite" in str(result.exception)
