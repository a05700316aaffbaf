"""The settings of a simulated world: everything that decides what gets written.

Two runs with equal settings write byte-identical files. ``chunk_size`` is part of
the world's identity (each chunk of accounts draws from its own random stream), so
keep it fixed when comparing worlds; how many worker processes build the world is
not a setting here because it never changes the output.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, ValidationError, model_validator

from churn_scorecard.config import StrictModel, describe_validation_error
from simulator.errors import SimulationConfigError

SEGMENTS = ("smb", "mid_market", "enterprise")
"""Customer segments, smallest first; their parameters live in :mod:`simulator.segments`."""


class SegmentMix(StrictModel):
    """Relative share of accounts in each segment (normalised, so 6/3/1 equals 0.6/0.3/0.1)."""

    smb: float = Field(
        default=0.6, ge=0, description="Share of small-business accounts (3-30 seats)."
    )
    mid_market: float = Field(
        default=0.3, ge=0, description="Share of mid-market accounts (30-300 seats)."
    )
    enterprise: float = Field(
        default=0.1, ge=0, description="Share of enterprise accounts (300-5000 seats)."
    )

    @model_validator(mode="after")
    def _some_segment(self) -> SegmentMix:
        if self.smb + self.mid_market + self.enterprise <= 0:
            raise ValueError("at least one segment share must be above 0")
        return self

    def shares(self) -> tuple[float, ...]:
        """Normalised shares in :data:`SEGMENTS` order."""
        raw = (self.smb, self.mid_market, self.enterprise)
        total = sum(raw)
        return tuple(value / total for value in raw)


class SimulationConfig(StrictModel):
    """What world to simulate: its size, its history window, its seed and its dirt.

    Invalid values raise :class:`~simulator.errors.SimulationConfigError` (a
    :class:`~churn_scorecard.errors.ConfigError`) naming each bad key, whether the model is
    built directly, from a dict or from a YAML file.
    """

    seed: int = Field(
        default=7,
        ge=0,
        description="Seed of every random draw; the same seed gives the same files.",
    )
    n_accounts: int = Field(
        default=2000, ge=1, description="How many customer accounts the world has."
    )
    start: date = Field(
        default=date(2023, 1, 1),
        description="First day of recorded history (fixed, never taken from the clock, so runs are reproducible).",
    )
    end: date = Field(
        default=date(2026, 6, 30),
        description="Last day of recorded history; renewals after it are upcoming (no outcome yet).",
    )
    usage_rows_per_account_year: float = Field(
        default=256.0,
        ge=0,
        description="Scale of usage_events: mean daily-aggregate rows per healthy account-year "
        "(the default gives about 50M rows for 100k accounts over the default history).",
    )
    segment_mix: SegmentMix = Field(
        default_factory=SegmentMix, description="Share of accounts per segment."
    )
    monthly_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Share of accounts on month-to-month contracts in every segment (1: a monthly-only "
        "product); null keeps each segment's own share (smb 35%, mid-market 8%, enterprise none).",
    )
    dirty_fraction: float = Field(
        default=0.001,
        ge=0,
        le=0.1,
        description="Extra contract-breaking rows injected per table, as a share of its clean rows (0 disables).",
    )
    texts: bool = Field(
        default=True,
        description="Write free texts (survey comments, CRM notes) from their own random stream; "
        "false leaves those columns empty and every other column exactly as it is with texts.",
    )
    chunk_size: int = Field(
        default=2000,
        ge=1,
        le=100_000,
        description="Accounts generated together (one random stream and one row group each); part of the world's identity.",
    )

    def __init__(self, **values: object) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise SimulationConfigError(
                describe_validation_error(error, "simulation config")
            ) from None

    @model_validator(mode="after")
    def _history_is_long_enough(self) -> SimulationConfig:
        if self.end <= self.start:
            raise ValueError(
                f"end ({self.end}) must come after start ({self.start}); set end to a later date"
            )
        return self

    @property
    def n_chunks(self) -> int:
        """How many chunks of accounts the world is generated in."""
        return -(-self.n_accounts // self.chunk_size)
