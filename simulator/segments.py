"""Per-segment parameters of the world: size, price, contract terms, churn and activity.

Every rate here is a *base* rate for an account of average health; the latent health
process (:mod:`simulator.health`) moves each account's rates up or down over time.
Values are looked up per account with :func:`by_segment`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class SegmentProfile:
    """The parameters of one customer segment."""

    seats_min: int  # licensed seats at signature, drawn log-uniformly in [seats_min, seats_max]
    seats_max: int
    monthly_share: float  # share of accounts on month-to-month contracts (the rest sign annually)
    discount_share: float  # share of accounts with a negotiated discount
    discount_max: float  # discounts are drawn uniformly in [0.05, discount_max]
    churn_logit_annual: float  # logit of churn at an annual renewal for an account of health 0
    churn_logit_monthly: float  # logit of churn at a monthly renewal for an account of health 0
    shock_hazard_year: float  # yearly hazard of churn unrelated to health (budget cut, acquisition)
    usage_weight: float  # relative usage rows per account (normalised over the segment mix)
    tickets_per_month: float
    touchpoints_per_month: float  # CSM calls, emails, meetings and notes
    incidents_per_year: float
    nps_respondents: int  # people asked in each semi-annual NPS wave
    payment_terms_days: int  # invoice due date after issue
    pooled_owner_share: float  # share of accounts owned by the pooled digital CS team


PROFILES: tuple[SegmentProfile, ...] = (  # in config.SEGMENTS order
    SegmentProfile(  # smb
        seats_min=3,
        seats_max=30,
        monthly_share=0.35,
        discount_share=0.2,
        discount_max=0.2,
        churn_logit_annual=-4.0,
        churn_logit_monthly=-6.6,
        shock_hazard_year=0.035,
        usage_weight=0.55,
        tickets_per_month=0.4,
        touchpoints_per_month=0.3,
        incidents_per_year=1.5,
        nps_respondents=1,
        payment_terms_days=14,
        pooled_owner_share=0.6,
    ),
    SegmentProfile(  # mid_market
        seats_min=30,
        seats_max=300,
        monthly_share=0.08,
        discount_share=0.6,
        discount_max=0.3,
        churn_logit_annual=-4.9,
        churn_logit_monthly=-6.9,
        shock_hazard_year=0.025,
        usage_weight=1.4,
        tickets_per_month=1.2,
        touchpoints_per_month=1.0,
        incidents_per_year=3.0,
        nps_respondents=2,
        payment_terms_days=30,
        pooled_owner_share=0.0,
    ),
    SegmentProfile(  # enterprise
        seats_min=300,
        seats_max=5000,
        monthly_share=0.0,
        discount_share=1.0,
        discount_max=0.35,
        churn_logit_annual=-5.85,
        churn_logit_monthly=-5.3,
        shock_hazard_year=0.015,
        usage_weight=3.5,
        tickets_per_month=3.5,
        touchpoints_per_month=3.0,
        incidents_per_year=6.0,
        nps_respondents=5,
        payment_terms_days=45,
        pooled_owner_share=0.0,
    ),
)

_COLUMNS = {
    f.name: np.array([getattr(p, f.name) for p in PROFILES]) for f in fields(SegmentProfile)
}


def by_segment(name: str, segment: np.ndarray) -> np.ndarray:
    """The parameter ``name`` of each account, given the accounts' segment codes."""
    return _COLUMNS[name][segment]


PLANS = ("starter", "team", "business", "enterprise")
"""Plan names; SMB accounts start on starter or team, mid-market on business, enterprise on enterprise."""

PLAN_LIST_PRICE = np.array([55.0, 75.0, 50.0, 40.0])
"""List price per seat and month of each plan in the first year of history (rises 4% a year)."""

YEARLY_PRICE_RISE = 0.04
