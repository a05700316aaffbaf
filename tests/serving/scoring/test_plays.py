"""The playbook: the shipped YAML loads, bad keys are named, plays fit drivers and bands."""

import pytest

from churn_scorecard.errors import ConfigError
from serving.scoring import Driver, Playbook


def _driver(feature, dimension, sentence="why"):
    return Driver(
        feature=feature, dimension=dimension, sentence=sentence, points=0.05, features=[feature]
    )


def test_the_shipped_playbook_loads_with_plays_for_every_dimension():
    playbook = Playbook.load()
    drivers = {d for play in playbook.plays for d in play.drivers}
    assert {"usage", "support", "survey", "relationship"} <= drivers
    assert "overdue_invoices_count" in drivers
    assert playbook.alerts.band_drop and playbook.alerts.health_thresholds == [40]


def test_plays_match_a_top_driver_by_dimension_or_feature_and_the_band():
    playbook = Playbook.load()
    plays = playbook.recommend(
        "at_risk",
        [
            _driver("active_users_pct_change_30d", "usage", "Active users fell 42%"),
            _driver("overdue_invoices_count", "billing", "2 invoices overdue"),
        ],
    )
    names = [p.name for p in plays]
    assert names == ["Adoption workshop", "Finance follow-up", "Executive sponsor call"]
    assert plays[0].reason == "Active users fell 42%" and plays[0].owner_role
    assert plays[2].reason == "the account is in the at risk band"  # band plays read as text
    assert [
        p.name for p in playbook.recommend("healthy", [_driver("tickets_count_30d", "support")])
    ] == []


def test_a_driver_below_the_top_ones_does_not_pick_a_play(tmp_path):
    path = tmp_path / "plays.yaml"
    path.write_text(
        "top_drivers: 1\nplays:\n  - name: Billing call\n    owner_role: Finance\n    drivers: [billing]\n"
    )
    playbook = Playbook.load(path)
    drivers = [_driver("tickets_count_30d", "support"), _driver("mrr", "billing")]
    assert playbook.recommend("watch", drivers) == []
    assert [p.name for p in playbook.recommend("watch", drivers[::-1])] == ["Billing call"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plays:\n  - name: X\n    owner_role: Y\n    when: usage\n", "unknown key 'plays.0.when'"),
        (
            "plays:\n  - name: X\n    owner_role: Y\n    drivers: [usage_drop]\n",
            "driver 'usage_drop'",
        ),
        ("alerts:\n  health_thresholds: [high]\n", "alerts.health_thresholds.0"),
        (
            "plays:\n  - name: X\n    owner_role: Y\n    drivers: [days_to_renewal]\n",
            "driver 'days_to_renewal', a contract feature: contract features are context",
        ),
        (
            "plays:\n  - name: X\n    owner_role: Y\n    drivers: [contract]\n",
            "driver 'contract', the contract dimension: contract features are context",
        ),
        ("plays:\n  - name: X\n", "plays.0.owner_role"),
    ],
)
def test_bad_playbooks_name_the_wrong_key(tmp_path, text, message):
    path = tmp_path / "plays.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=None) as caught:
        Playbook.load(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_band_the_model_lacks_is_named():
    playbook = Playbook.load()
    with pytest.raises(ConfigError, match="band"):
        playbook.check_names("plays.yaml", bands=["green", "red"])
