"""The people-facing pages of serving.pages, rendered live from the served model.

The portfolio ranks every account of the data source at the default ``as_of``, scored by
the model being served (scored again after a reload); a scorecard adds the account's
stored history and its full explanation.
"""

from __future__ import annotations

import threading

import pandas as pd

from serving.api.errors import NotConfigured, UnknownAccount
from serving.pages import render_portfolio, render_scorecard, scorecard_filename


class LivePages:
    """Portfolio and scorecards of one service, cached per served model version."""

    def __init__(self, state) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._cached: tuple[str, pd.DataFrame, dict[str, str]] | None = None

    def portfolio(self) -> str:
        """The portfolio page (links to ``accounts/<file>`` beside it)."""
        return render_portfolio(self._scores()[0], root="", index="")

    def scorecard(self, filename: str) -> str:
        """The scorecard page ``accounts/<filename>``."""
        scores, by_file = self._scores()
        account_id = by_file.get(filename)
        if account_id is None:
            raise UnknownAccount(f"no account has the scorecard {filename!r}", "filename")
        state = self._state
        features, context = state.accounts.features([account_id])
        model = state.holder.current
        previous = state.previous_scores(features)
        explanation = model.scorer.explain(features, context, previous)
        history = None
        if state.settings.history is not None:
            from serving.history import open_history

            with open_history(state.settings.history) as store:
                history = store.account_history(account_id)
        row = scores.set_index("account_id", drop=False).loc[account_id]
        return render_scorecard(row, history, explanation, root="../", index="")

    def filename(self, account_id: str) -> str:
        """The scorecard file of ``account_id``."""
        return scorecard_filename(account_id)

    def _scores(self) -> tuple[pd.DataFrame, dict[str, str]]:
        state = self._state
        if state.accounts is None:
            raise NotConfigured(
                "the pages need a data source; start the service with --data DIR", "data"
            )
        model = state.holder.current
        with self._lock:
            if self._cached is None or self._cached[0] != model.version:
                ids = list(state.accounts.accounts.index)
                features, context = state.accounts.features(ids)
                frame = state.score_frame(model, features, context)
                by_file = {scorecard_filename(i): i for i in frame["account_id"].astype(str)}
                self._cached = (model.version, frame, by_file)
            return self._cached[1], self._cached[2]
