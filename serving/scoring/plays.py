"""The playbook: plays recommended for drivers, bands and quadrants, the alert rules and the
quadrant thresholds, from YAML.

The default playbook ships as ``serving/scoring/plays.yaml``; ``churn score --plays FILE``
reads another one. Keys are checked: an unknown key, band, quadrant, feature or dimension
is an error naming it, and so is a contract feature or ``contract`` itself: contract
features are context, never drivers, so such a play could never fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from churn_scorecard.config import StrictModel, load_config
from churn_scorecard.errors import ConfigError
from features.catalogue import find_feature
from serving.scoring.attribution import feature_source
from serving.scoring.columns import DIMENSIONS
from serving.scoring.explanation import Driver, RecommendedPlay
from serving.scoring.quadrants import QUADRANT_MEANINGS, Quadrant, QuadrantRules

DEFAULT_PLAYS = Path(__file__).with_name("plays.yaml")


class Play(StrictModel):
    """One play: what to do, who does it, and for which drivers, bands and quadrants."""

    name: str
    owner_role: str
    description: str = ""
    drivers: list[str] = Field(
        default_factory=list,
        description="feature names or dimensions; empty means the band alone decides",
    )
    bands: list[str] | None = Field(default=None, description="bands it fits; None means any")
    quadrants: list[str] | None = Field(
        default=None,
        description="quadrants it fits (protect, grow, fix, maintain, no_value_data); None means "
        "any, and an account without a quadrant",
    )


class AlertRules(StrictModel):
    """When an account's new score raises an alert."""

    band_drop: bool = True
    health_thresholds: list[int] = Field(default_factory=lambda: [40])


class Playbook(StrictModel):
    """The plays, the alert rules, how many top drivers are matched, and the quadrant cuts."""

    plays: list[Play] = Field(default_factory=list)
    alerts: AlertRules = Field(default_factory=AlertRules)
    top_drivers: int = Field(default=3, ge=1)
    quadrants: QuadrantRules = Field(default_factory=QuadrantRules)

    @classmethod
    def load(cls, path: Path | None = None) -> Playbook:
        """The playbook in ``path`` (default: the one shipped with churn-scorecard), checked."""
        playbook = load_config(cls, Path(path) if path else DEFAULT_PLAYS)
        playbook.check_names(where=str(path or DEFAULT_PLAYS))
        return playbook

    def check_names(self, where: str, bands: Sequence[str] | None = None) -> None:
        """Raise :class:`ConfigError` for drivers that are neither a feature nor a dimension
        (contract features are context, never drivers), for unknown quadrants, and (when
        ``bands`` is given) for bands the model does not have."""
        dimensions = [d.value for d in DIMENSIONS]
        quadrants = [q.value for q in Quadrant]
        for play in self.plays:
            unknown_quadrants = [q for q in play.quadrants or () if q not in quadrants]
            if unknown_quadrants:
                raise ConfigError(
                    f"{where}: play {play.name!r} names quadrant(s) {unknown_quadrants}; the "
                    f"quadrants are {', '.join(quadrants)} (docs/scoring.md#value-and-quadrants)"
                )
            for driver in play.drivers:
                if driver in dimensions or (
                    find_feature(driver) is not None and feature_source(driver) in DIMENSIONS
                ):
                    continue
                if find_feature(driver) is not None or driver == "contract":
                    what = (
                        "the contract dimension" if driver == "contract" else "a contract feature"
                    )
                    raise ConfigError(
                        f"{where}: play {play.name!r} names driver {driver!r}, {what}: "
                        "contract features are context, never drivers, so the play could never fit; "
                        f"name a feature of {', '.join(dimensions)} or the dimension itself"
                    )
                raise ConfigError(
                    f"{where}: play {play.name!r} names driver {driver!r}, which is neither a "
                    f"feature (docs/features.md) nor a dimension ({', '.join(dimensions)})"
                )
            unknown = sorted(set(play.bands or ()) - set(bands)) if bands is not None else []
            if unknown:
                raise ConfigError(
                    f"{where}: play {play.name!r} names band(s) {unknown}; the model's bands are "
                    f"{list(bands or ())}"
                )

    def recommend(
        self, band: str, drivers: Sequence[Driver], quadrant: str | None = None
    ) -> list[RecommendedPlay]:
        """The plays that fit an account in ``band`` and ``quadrant`` (None: it has none) with
        these risk ``drivers`` (largest first)."""
        records = self.match(band, [d.model_dump() for d in drivers], quadrant)
        return [RecommendedPlay.model_validate(record) for record in records]

    def match(
        self, band: str, drivers: Sequence[Mapping[str, Any]], quadrant: str | None = None
    ) -> list[dict[str, str]]:
        """:meth:`recommend` on plain driver records (``feature``, ``dimension``,
        ``features``, ``sentence``); returns ``name``, ``owner_role``, ``reason`` records.

        A play naming ``quadrants`` fits only accounts in one of them; a play without
        drivers is explained by its quadrant when it names quadrants, else by the band."""
        top = list(drivers)[: self.top_drivers]
        chosen = []
        for play in self.plays:
            if play.bands is not None and band not in play.bands:
                continue
            if play.quadrants is not None and quadrant not in play.quadrants:
                continue
            if not play.drivers and play.quadrants is not None:
                meaning = QUADRANT_MEANINGS[Quadrant(quadrant)]
                reason = f"the account is in the {quadrant.replace('_', ' ')} quadrant ({meaning})"
            elif not play.drivers:
                reason = f"the account is in the {band.replace('_', ' ')} band"
            else:
                wanted = set(play.drivers)
                match = next(
                    (
                        d
                        for d in top
                        if d["dimension"] in wanted or not wanted.isdisjoint(d["features"])
                    ),
                    None,
                )
                if match is None:
                    continue
                reason = match["sentence"]
            chosen.append({"name": play.name, "owner_role": play.owner_role, "reason": reason})
        return chosen
