"""The ``churn`` command line: help everywhere, clean errors, non-zero exits."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from churn_scorecard.cli import app

runner = CliRunner()
COMMANDS = sorted(command.name for command in app.registered_commands)


def test_cli_lists_every_command_in_help():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help(command: str):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert "--help" in result.output


def test_cli_user_mistake_is_one_clean_line_and_nonzero_exit(tmp_path):
    missing = tmp_path / "no-such-dir"
    completed = subprocess.run(
        [sys.executable, "-m", "churn_scorecard", "validate", str(missing)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    assert "error:" in completed.stderr
    assert "no-such-dir" in completed.stderr


def test_cli_unknown_option_exits_nonzero():
    result = runner.invoke(app, ["simulate", "--no-such-option"])
    assert result.exit_code != 0
