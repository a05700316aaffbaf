"""The settings feature definitions depend on (they are part of the feature-set version)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

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

    event_quantity_norms: dict[str, float] = Field(
        default_factory=dict,
        description="Typical quantity per usage row of each event across all accounts, the norm "
        "the usage_intensity_vs_typical features compare with. churn train fits it from the usage "
        "before the first observation point and the model carries it to scoring (see "
        "features.catalogue.norms); events without a norm are left out of those features, and "
        "without any norm they are missing.",
    )

    usage_events_vocabulary: tuple[str, ...] = Field(
        default=(),
        max_length=64,
        description="The usage events (values of usage_events.event) that get features of their "
        "own: counts over 30 and 90 days, the trend, per active user, days since the last one "
        "(see features.catalogue.events). churn train fits it from the usage before the first "
        "observation point (the events with the most rows, see features.catalogue.norms) and the "
        "model carries it to scoring; empty, no per-event features.",
    )

    text_themes: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        max_length=32,
        description="Recurring themes of the free texts (survey comments, CRM notes, ticket "
        "texts): a label and its keywords, most characteristic first. Each theme gets a feature, "
        "the share of texts about it (see features.catalogue.texts). churn train fits them from "
        "the texts before the first observation point (see features.catalogue.themes) and the "
        "model carries them to scoring; empty, no theme features.",
    )

    ticket_text_columns: tuple[str, ...] = Field(
        default=(),
        max_length=4,
        description="Extra columns of support_tickets holding free text (e.g. subject, "
        "description), read as one text per ticket beside survey comments and CRM notes; "
        "columns the data lacks are left out (churn train notes which).",
    )

    @model_validator(mode="after")
    def _register_vocabulary(self) -> FeatureConfig:
        # the vocabulary's features resolve by name (get_feature) wherever this config exists;
        # a name is a pure function of its event, so registering never changes what a name means
        from features.catalogue.registry import register_themes, register_vocabulary

        register_vocabulary(self.usage_events_vocabulary)
        register_themes(tuple(self.text_themes))
        return self

    @field_validator("text_themes")
    @classmethod
    def _theme_keywords(cls, themes: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for label, keywords in themes.items():
            if not label.strip():
                raise ValueError("text themes hold an empty label")
            if not keywords or any(not k.strip() or k != k.lower() for k in keywords):
                raise ValueError(
                    f"text theme {label!r} needs one or more non-empty lower-case keywords; "
                    f"got {list(keywords)}"
                )
        return dict(sorted(themes.items()))

    @field_validator("ticket_text_columns")
    @classmethod
    def _column_names(cls, columns: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(c.strip() for c in columns))
        if any(not c for c in cleaned):
            raise ValueError("ticket text columns must be non-empty column names")
        return cleaned

    @field_validator("usage_events_vocabulary")
    @classmethod
    def _event_names(cls, events: tuple[str, ...]) -> tuple[str, ...]:
        if any(not e.strip() for e in events):
            raise ValueError("usage events vocabulary holds an empty event name")
        return tuple(dict.fromkeys(events))  # names are kept exactly: they must match the data

    @field_validator("event_quantity_norms")
    @classmethod
    def _positive_norms(cls, norms: dict[str, float]) -> dict[str, float]:
        bad = {event: value for event, value in norms.items() if not value > 0}
        if bad:
            raise ValueError(f"event quantity norms must be above 0; got {bad}")
        return dict(sorted(norms.items()))

    @field_validator("key_events")
    @classmethod
    def _distinct_names(cls, events: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(e.strip() for e in events))
        if any(not e for e in cleaned):
            raise ValueError("key events must be non-empty event names")
        return cleaned
