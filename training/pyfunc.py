"""The registered model as an MLflow pyfunc: ``mlflow.pyfunc.load_model("models:/<name>@champion")``.

``predict(frame)`` returns one row per input row with ``churn_probability`` (calibrated),
``health`` (0-100) and ``band``. The full :class:`~training.artifact.ScoringArtifact`
(contributions, drift, metadata) is ``loaded.unwrap_python_model().artifact``.
The model is logged from code (:mod:`training._pyfunc_code`), so loading it needs this
package importable but no pickled Python objects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from training.artifact import ScoringArtifact

ARTIFACT_KEY = "scorecard"
"""Name of the scoring-artifact folder among the pyfunc model's artifacts."""

CODE_PATH = Path(__file__).with_name("_pyfunc_code.py")
"""The models-from-code file that MLflow logs and runs to build the model."""


class ChurnScorecardModel(mlflow.pyfunc.PythonModel):
    """Scores feature rows with the scoring artifact logged beside it."""

    artifact: ScoringArtifact

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        self.artifact = ScoringArtifact.load(Path(context.artifacts[ARTIFACT_KEY]))

    def predict(
        self,
        context: mlflow.pyfunc.PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        """``churn_probability``, ``health`` and ``band`` for each row of feature values."""
        return self.artifact.score(model_input)
