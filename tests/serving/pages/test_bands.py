"""Band styles: readable labels, colours with enough contrast, cut-offs per health score."""

from __future__ import annotations

import pytest

from serving.pages.bands import BandScale, band_label


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("n_bands", [1, 2, 3, 4, 5])
def test_band_colours_meet_wcag_contrast(n_bands: int) -> None:
    scale = BandScale.of([(f"b{i}", 80 - 20 * i if i < n_bands - 1 else 0) for i in range(n_bands)])
    for band in scale.bands:
        assert _contrast(band.text, band.tint) >= 4.5, band  # pill text on its tint
        assert _contrast(band.colour, "#ffffff") >= 3.0, band  # bars and marks on white


def test_band_label_reads_like_words() -> None:
    assert band_label("at_risk") == "At risk"
    assert band_label("watch") == "Watch"


@pytest.mark.parametrize(
    ("health", "band"), [(100, "healthy"), (70, "healthy"), (69, "watch"), (0, "at_risk")]
)
def test_of_health_finds_the_band_a_score_falls_in(health: int, band: str) -> None:
    assert BandScale.of().of_health(health).name == band


def test_unknown_band_gets_a_neutral_style_with_its_name() -> None:
    style = BandScale.of().style("on_hold")
    assert style.label == "On hold" and _contrast(style.text, style.tint) >= 4.5
