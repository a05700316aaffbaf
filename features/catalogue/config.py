"""The settings feature definitions depend on (they are part of the feature-set version)."""

from __future__ import annotations

from pydantic import Field, field_validator

from churn_scorecard.config import StrictModel

DEFAULT_KEY_EVENTS = ("report_run", "workflow_run", "integration_sync", "api_call")
"""The product events that mark real adoption; the same four the simulator's healthy accounts lean on."""


class FeatureConfig(StrictModel):
    """What the feature definitions need to know about the customer's product."""

    key_events: tuple[str, ...] = Field(
        default=DEFAULT_KEY_EVENTS,
        min_length=1,
        max_length=63,
        description="Usage events that count as adoption of a key feature (values of usage_events.event).",
    )

    @field_validator("key_events")
    @classmethod
    def _distinct_names(cls, events: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(e.strip() for e in events))
        if any(not e for e in cleaned):
            raise ValueError("key events must be non-empty event names")
        return cleaned
