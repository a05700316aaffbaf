"""The static report: ``index.html``, ``style.css`` and ``accounts/<account_id>.html`` in a folder.

Templates are compiled once and each page is written with one call; the history of every
account is read from the store (when one is given) and its explanation is taken from the
stored row of the same scoring, so a scorecard can show points and play owners.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from churn_scorecard.console import ProgressCallback
from serving.pages import formatting as fmt
from serving.pages.bands import BandScale, band_scale_from_scores
from serving.pages.errors import PagesError, ScoresFileError
from serving.pages.render import (
    check_scores,
    generated_now,
    render_portfolio,
    render_scorecard,
    stylesheet,
)
from serving.pages.views import scorecard_filename

if TYPE_CHECKING:
    from serving.history import HistoryStore

HISTORY_LIMIT = 52
"""Past scorings drawn on a scorecard's trend (the newest ones)."""


@dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote."""

    folder: Path
    index: Path
    scorecards: int

    def scorecard(self, account_id: object) -> Path:
        return self.folder / "accounts" / scorecard_filename(account_id)


def read_scores(path: Path) -> pd.DataFrame:
    """A scores file written by ``churn score`` (CSV or Parquet)."""
    if not path.exists():
        raise ScoresFileError(f"scores file {path} does not exist; run `churn score` first")
    try:
        if path.suffix.lower() == ".parquet":
            scores = pd.read_parquet(path)
        elif path.suffix.lower() == ".csv":
            scores = pd.read_csv(path, dtype={"account_id": str, "model_version": str})
        else:
            raise ScoresFileError(
                f"scores file {path} is neither .csv nor .parquet; give the file `churn score` wrote"
            )
    except (OSError, ValueError) as error:
        raise ScoresFileError(f"cannot read scores file {path}: {error}") from error
    check_scores(scores, f"scores file {path}")
    for column in ("as_of", "renewal_date"):
        if column in scores.columns:
            scores[column] = pd.to_datetime(scores[column], utc=True, errors="coerce")
    return scores


def history_by_account(
    history: HistoryStore | pd.DataFrame | None, scores: pd.DataFrame, limit: int = HISTORY_LIMIT
) -> dict[str, list[dict[str, Any]]]:
    """Each account's stored scorings up to its row's as_of, oldest first (newest ``limit``).

    From a store this is one query for the whole portfolio
    (:meth:`~serving.history.HistoryStore.account_histories`).
    """
    if history is None:
        return {}
    frame = history if isinstance(history, pd.DataFrame) else _read_histories(history, scores)
    if frame.empty:
        return {}
    frame = frame.drop_duplicates(["account_id", "as_of", "model_version"])
    frame = frame.sort_values(["account_id", "as_of"], kind="mergesort")
    out: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        out.setdefault(str(record["account_id"]), []).append(record)
    return {key: rows[-limit:] for key, rows in out.items()}


def _read_histories(store: HistoryStore, scores: pd.DataFrame) -> pd.DataFrame:
    """The stored scorings of the accounts in ``scores``, none later than each row's as_of."""
    ids = [str(value) for value in scores["account_id"]]
    if not ids:
        return pd.DataFrame()
    frame = store.account_histories(ids)
    if frame.empty:
        return frame
    cutoff = (
        pd.Series(pd.to_datetime(scores["as_of"], utc=True).to_numpy(), index=ids)
        .groupby(level=0)
        .max()
    )
    stored = pd.to_datetime(frame["as_of"], utc=True)
    keep = stored.to_numpy() <= frame["account_id"].astype(str).map(cutoff).to_numpy()
    return frame[keep]


def explanation_of(row: Mapping[str, Any], history: list[dict[str, Any]]) -> object:
    """The stored explanation (JSON) of the same scoring as ``row``, if the history has it."""
    as_of = fmt.as_timestamp(row.get("as_of"))
    for item in reversed(history):
        if (
            str(item.get("model_version")) == str(row.get("model_version"))
            and fmt.as_timestamp(item.get("as_of")) == as_of
            and not fmt.is_blank(item.get("explanation"))
        ):
            text = item["explanation"]
            return json.loads(text) if isinstance(text, str) else text
    return None


def write_report(
    scores: pd.DataFrame,
    out: Path,
    *,
    history: HistoryStore | pd.DataFrame | None = None,
    explanations: Mapping[str, object] | None = None,
    scale: BandScale | None = None,
    currency: str = "$",
    progress: ProgressCallback | None = None,
) -> Report:
    """Write the portfolio and one scorecard per account of ``scores`` under ``out``.

    ``history`` is a history store (each account's past scorings are read from it) or a
    frame of stored score rows; ``explanations`` maps account id -> AccountExplanation and
    wins over explanations stored in the history.
    """
    check_scores(scores)
    if scores["account_id"].duplicated().any():
        duplicated = scores.loc[scores["account_id"].duplicated(), "account_id"].iloc[0]
        raise PagesError(
            f"scores have several rows for account {duplicated!r}; give one scoring run "
            "(one row per account)"
        )
    scale = scale or band_scale_from_scores(scores)
    generated = generated_now()
    accounts = out / "accounts"
    try:
        accounts.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PagesError(f"cannot create report folder {out}: {error}") from error
    (out / "style.css").write_text(stylesheet(), encoding="utf-8")
    index = out / "index.html"
    index.write_text(
        render_portfolio(scores, scale=scale, currency=currency, generated=generated),
        encoding="utf-8",
    )
    past_by_account = history_by_account(history, scores)
    records = scores.to_dict("records")
    total = len(records)
    for done, record in enumerate(records, 1):
        past = past_by_account.get(str(record["account_id"]), [])
        explanation = (explanations or {}).get(str(record["account_id"]))
        if explanation is None:
            explanation = explanation_of(record, past)
        html = render_scorecard(
            record, past, explanation, scale=scale, currency=currency, generated=generated
        )
        (accounts / scorecard_filename(record["account_id"])).write_text(html, encoding="utf-8")
        if progress is not None and (done % 100 == 0 or done == total):
            progress("Writing scorecards", done, total)
    return Report(folder=out, index=index, scorecards=total)
