"""``python -m churn_scorecard``: the same as the ``churn`` command."""

from churn_scorecard.cli import main

main()
