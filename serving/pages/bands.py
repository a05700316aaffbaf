"""The health bands a page draws: names, cut-offs, labels and colours.

Band names and cut-offs come from the model's health configuration (``healthy`` from 70,
``watch`` from 40, ``at_risk`` from 0 by default). A scores file carries each account's band
but not the cut-offs, so :func:`band_scale_from_scores` recovers them: the defaults when the
file agrees with them, else the lowest health seen in each band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

DEFAULT_BANDS: tuple[tuple[str, float], ...] = (
    ("healthy", 70.0),
    ("watch", 40.0),
    ("at_risk", 0.0),
)

# (stroke/fill, light background, text on the light background); all text pairs >= 4.5:1.
_GREEN = ("#1f7a4d", "#e3f4ea", "#14532d")
_AMBER = ("#b86e00", "#fdf0d8", "#7a4100")
_ORANGE = ("#c2410c", "#fde7dc", "#7c2d12")
_RED = ("#b42318", "#fde4e1", "#7f1d1d")


@dataclass(frozen=True)
class BandStyle:
    """How one band looks: its label and colours (``colour`` on white, ``text`` on ``tint``)."""

    name: str
    min_health: float
    label: str
    colour: str
    tint: str
    text: str


@dataclass(frozen=True)
class BandScale:
    """Bands from healthiest to least healthy, each from its ``min_health`` up to the next."""

    bands: tuple[BandStyle, ...]

    @classmethod
    def of(cls, bands: Sequence[tuple[str, float]] = DEFAULT_BANDS) -> BandScale:
        palette = _palette(len(bands))
        return cls(
            tuple(
                BandStyle(str(name), float(cut), band_label(str(name)), *colours)
                for (name, cut), colours in zip(bands, palette, strict=True)
            )
        )

    def style(self, name: str | None) -> BandStyle:
        """The style of band ``name``; an unknown band gets a neutral grey."""
        for band in self.bands:
            if band.name == name:
                return band
        return BandStyle(str(name), 0.0, band_label(str(name)), "#4b5563", "#eef0f3", "#1f2937")

    def of_health(self, health: float) -> BandStyle:
        """The band a health score falls in."""
        for band in self.bands:
            if health >= band.min_health:
                return band
        return self.bands[-1]

    def ranges(self) -> list[tuple[BandStyle, float, float]]:
        """``(band, low, high)`` health ranges, healthiest first."""
        highs = [100.0] + [band.min_health for band in self.bands[:-1]]
        return [(band, band.min_health, high) for band, high in zip(self.bands, highs, strict=True)]

    @property
    def names(self) -> list[str]:
        return [band.name for band in self.bands]


def band_label(name: str) -> str:
    """``at_risk`` -> ``At risk``: the words a person reads."""
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def band_scale_from_scores(scores: pd.DataFrame) -> BandScale:
    """The band scale behind a scores frame's ``band`` and ``health`` columns."""
    observed = scores.dropna(subset=["band", "health"])
    if observed.empty or _agrees(observed, DEFAULT_BANDS):
        return BandScale.of(DEFAULT_BANDS)
    lowest = observed.groupby("band")["health"].min().sort_values(ascending=False)
    cuts = [(str(name), float(value)) for name, value in lowest.items()]
    cuts[-1] = (cuts[-1][0], 0.0)
    return BandScale.of(cuts)


def _agrees(scores: pd.DataFrame, bands: Sequence[tuple[str, float]]) -> bool:
    known = {name for name, _ in bands}
    if not set(scores["band"].astype(str)) <= known:
        return False
    expected = BandScale.of(bands)
    return all(
        expected.of_health(float(health)).name == band
        for health, band in zip(scores["health"], scores["band"].astype(str), strict=True)
    )


def _palette(n: int) -> list[tuple[str, str, str]]:
    if n == 1:
        return [_GREEN]
    if n == 2:
        return [_GREEN, _RED]
    if n == 3:
        return [_GREEN, _AMBER, _RED]
    middle = [_AMBER, _ORANGE]
    return [_GREEN] + [middle[i % 2] for i in range(n - 2)] + [_RED]
