"""Models-from-code entry point MLflow runs when it loads the registered churn model."""

from mlflow.models import set_model

from training.pyfunc import ChurnScorecardModel

set_model(ChurnScorecardModel())
