"""``bentoml build`` turns the repository's bentofile.yaml into a Bento."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


def test_bentoml_build_makes_a_bento_of_the_service(tmp_path) -> None:
    env = {**os.environ, "BENTOML_HOME": str(tmp_path), "BENTOML_DO_NOT_TRACK": "True"}
    built = subprocess.run(
        [sys.executable, "-m", "bentoml", "build", str(REPO), "--output", "tag"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    bentos = list((tmp_path / "bentos" / "churn_scorecard").glob("*/bento.yaml"))
    assert len(bentos) == 1
    manifest = bentos[0].read_text()
    assert "serving.service:ChurnScorecard" in manifest
    source = bentos[0].parent / "src"
    assert (source / "serving" / "service.py").exists()
    assert not (source / "tests").exists() and not (source / "data").exists()


def test_bentofile_pins_the_same_runtime_dependencies_as_pyproject() -> None:
    import tomllib

    import yaml

    bentofile = yaml.safe_load((REPO / "bentofile.yaml").read_text())
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert bentofile["python"]["packages"] == project["dependencies"]
