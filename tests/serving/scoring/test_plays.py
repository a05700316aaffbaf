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


QUADRANT_PLAYS = """\
plays:
  - name: Save plan
    owner_role: Account executive
    quadrants: [protect]
  - name: Usage rescue for big accounts
    owner_role: Customer success manager
    drivers: [usage]
    quadrants: [protect, grow]
  - name: Adoption workshop
    owner_role: Customer success manager
    drivers: [usage]
"""


@pytest.mark.parametrize(
    ("quadrant", "expected"),
    [
        ("protect", ["Save plan", "Usage rescue for big accounts", "Adoption workshop"]),
        ("grow", ["Usage rescue for big accounts", "Adoption workshop"]),
        ("fix", ["Adoption workshop"]),
        ("maintain", ["Adoption workshop"]),
        ("no_value_data", ["Adoption workshop"]),
        (None, ["Adoption workshop"]),  # no value cut: no quadrant, quadrant plays never fit
    ],
)
def test_a_quadrant_keyed_play_fires_only_in_its_quadrants(tmp_path, quadrant, expected):
    path = tmp_path / "plays.yaml"
    path.write_text(QUADRANT_PLAYS)
    drivers = [_driver("active_users_pct_change_30d", "usage", "Active users fell 42%")]
    plays = Playbook.load(path).recommend("watch", drivers, quadrant)
    assert [p.name for p in plays] == expected


def test_a_quadrant_play_without_drivers_gives_the_quadrant_as_its_reason(tmp_path):
    path = tmp_path / "plays.yaml"
    path.write_text(QUADRANT_PLAYS)
    drivers = [_driver("active_users_pct_change_30d", "usage", "Active users fell 42%")]
    save, rescue, _ = Playbook.load(path).recommend("healthy", drivers, "protect")
    assert save.reason == "the account is in the protect quadrant (high value, at risk)"
    assert rescue.reason == "Active users fell 42%"  # a driver-keyed play gives its driver


def test_the_shipped_playbook_has_one_play_per_quadrant_and_the_default_cuts():
    playbook = Playbook.load()
    for quadrant in ("protect", "grow", "fix", "maintain"):
        names = [p.name for p in playbook.recommend("healthy", [], quadrant)]
        assert len(names) == 1, (quadrant, names)
    assert playbook.recommend("healthy", [], "no_value_data") == []
    assert playbook.quadrants.value_cut.percentile == 75
    assert playbook.quadrants.health_cut is None  # the model's healthiest band


def test_an_unknown_quadrant_is_named_with_the_known_ones(tmp_path):
    path = tmp_path / "plays.yaml"
    path.write_text("plays:\n  - name: X\n    owner_role: Y\n    quadrants: [rescue]\n")
    with pytest.raises(ConfigError) as caught:
        Playbook.load(path)
    assert "play 'X' names quadrant(s) ['rescue']" in str(caught.value)
    assert "protect, grow, fix, maintain, no_value_data" in str(caught.value)
