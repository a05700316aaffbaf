"""Free texts: survey comments and CRM notes whose sentiment and themes follow the latent state.

A text's polarity is the one its row already has (a detractor's comment is negative, a
note logged as positive is positive). Its *theme* follows the part of the account's hidden
state a reader cannot see in the other columns:

- ``champion`` (a sponsor left, a reorg) grows with the open episode ramp, an episode still
  pushing health down: such notes foretell further decline;
- ``reliability`` grows with the incidents of the last four weeks;
- ``billing`` and ``adoption`` complaints grow as health falls, ``value`` and ``expansion``
  praise as it rises; ``support`` and ``routine`` notes are steady.

Each text is a phrase of its theme and polarity (:data:`simulator.vocab.TEXT_PHRASES`),
sometimes followed by a detail; a few are written in another language.

Every draw here comes from the chunk's ``texts`` stream, never from a source's own: the
rows, times, scores and sentiments of the world are the same with or without texts
(``SimulationConfig.texts``), and the same as before texts had a stream (tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from simulator import vocab
from simulator.arrays import labels
from simulator.health import HealthPaths
from simulator.timeline import Timeline

SLOTS = tuple(vocab.TEXT_PHRASES)
"""(theme, polarity) of each group of phrases, in :data:`simulator.vocab.TEXT_PHRASES` order."""

THEME_WEIGHT = {
    # theme, polarity: (constant, x unhealth, x health, x episode ramp, x recent incident hits)
    ("billing", -1): (1.0, 0.6, 0.0, 0.0, 0.0),
    ("reliability", -1): (0.4, 0.0, 0.0, 0.0, 4.0),
    ("support", -1): (0.8, 0.0, 0.0, 0.0, 0.0),
    ("champion", -1): (0.15, 0.0, 0.0, 3.0, 0.0),
    ("adoption", -1): (0.4, 0.8, 0.0, 0.0, 0.0),
    ("routine", 0): (3.0, 0.0, 0.0, 0.0, 0.0),
    ("billing", 0): (0.5, 0.0, 0.0, 0.0, 0.0),
    ("champion", 0): (0.1, 0.0, 0.0, 3.0, 0.0),
    ("adoption", 0): (0.6, 0.0, 0.0, 0.0, 0.0),
    ("value", 1): (1.0, 0.0, 0.5, 0.0, 0.0),
    ("expansion", 1): (0.3, 0.0, 1.0, 0.0, 0.0),
    ("support", 1): (0.6, 0.0, 0.0, 0.0, 0.0),
    ("adoption", 1): (0.8, 0.0, 0.0, 0.0, 0.0),
}
"""How likely each theme is, given the text's polarity and the account's state that week."""

RECENT_WEEKS = 4
DETAIL_SHARE = 0.4
FOREIGN_SHARE = 0.02


def _dictionary() -> tuple[tuple[str, ...], dict[tuple[str, int], int]]:
    """Every text the world can hold, and where each (theme, polarity)'s texts start in it."""
    texts: list[str] = []
    starts = {}
    for slot in SLOTS:
        starts[slot] = len(texts)
        details = vocab.TEXT_DETAILS[slot[1]]
        for phrase in vocab.TEXT_PHRASES[slot]:
            texts += [phrase, *(f"{phrase} {detail}" for detail in details)]
    return (*texts, *vocab.FOREIGN_TEXTS), starts


TEXTS, _STARTS = _dictionary()
_COEFFICIENTS = np.array([THEME_WEIGHT[slot] for slot in SLOTS])
_POLARITY = np.array([slot[1] for slot in SLOTS])
_START = np.array([_STARTS[slot] for slot in SLOTS])
_PHRASES = np.array([len(vocab.TEXT_PHRASES[slot]) for slot in SLOTS])
_DETAILS = np.array([len(vocab.TEXT_DETAILS[slot[1]]) for slot in SLOTS])
_FOREIGN_START = len(TEXTS) - len(vocab.FOREIGN_TEXTS)


@dataclass
class TextWriter:
    """Writes the texts of one chunk; ``rng`` None writes none (every text column empty)."""

    paths: HealthPaths
    incident_hits: np.ndarray  # (accounts, grid weeks) health knocks of incidents
    timeline: Timeline
    rng: np.random.Generator | None

    def column(
        self, account: np.ndarray, day: np.ndarray, polarity: np.ndarray, present: np.ndarray
    ) -> pa.Array:
        """The text of each row (null where not ``present``): ``account`` and ``day`` place the
        row in the latent state, ``polarity`` (-1, 0, 1) is the sentiment it already has."""
        n = len(account)
        if self.rng is None or n == 0:
            return pa.nulls(n, pa.string())
        codes = self.codes(account, self.timeline.week_of(day), polarity)
        return labels(codes, TEXTS, missing=~present)

    def codes(self, account: np.ndarray, week: np.ndarray, polarity: np.ndarray) -> np.ndarray:
        """Positions in :data:`TEXTS` of one text per row."""
        rng = self.rng
        assert rng is not None
        n = len(account)
        health = self.paths.health[account, week].astype(np.float64)
        ramp = self.paths.ramp[account, week].astype(np.float64)
        cumulative = np.cumsum(self.incident_hits, axis=1)
        earlier = np.clip(week - RECENT_WEEKS, -1, None)
        hits = cumulative[account, week] - np.where(
            earlier >= 0, cumulative[account, np.maximum(earlier, 0)], 0.0
        )
        state = np.stack(
            [np.ones(n), np.maximum(-health, 0), np.maximum(health, 0), np.maximum(ramp, 0), hits],
            axis=1,
        )
        weights = (state @ _COEFFICIENTS.T) * (_POLARITY[None, :] == polarity[:, None])
        totals = np.cumsum(weights, axis=1)
        draw = rng.random(n) * totals[:, -1]
        slot = np.minimum((totals <= draw[:, None]).sum(axis=1), len(SLOTS) - 1)
        phrase = (rng.random(n) * _PHRASES[slot]).astype(np.int64)
        detail = np.where(
            rng.random(n) < DETAIL_SHARE, 1 + (rng.random(n) * _DETAILS[slot]).astype(np.int64), 0
        )
        codes = _START[slot] + phrase * (1 + _DETAILS[slot]) + detail
        foreign = rng.random(n) < FOREIGN_SHARE
        other = _FOREIGN_START + (rng.random(n) * len(vocab.FOREIGN_TEXTS)).astype(np.int64)
        return np.where(foreign, other, codes)
