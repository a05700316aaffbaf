"""SimulationConfig: documented keys, strict validation, YAML loading."""

from datetime import date
from pathlib import Path

import pytest

from churn_scorecard.config import load_config
from churn_scorecard.errors import ChurnError, ConfigError
from simulator import SegmentMix, SimulationConfig, SimulationConfigError


def test_simulation_config_documents_every_key():
    for model in (SimulationConfig, SegmentMix):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_simulation_config_defaults_do_not_depend_on_the_clock():
    config = SimulationConfig()
    assert (config.start, config.end) == (date(2023, 1, 1), date(2026, 6, 30))
    assert config == SimulationConfig()


def test_simulation_config_rejects_unknown_key_naming_it():
    with pytest.raises(SimulationConfigError, match=r"unknown key 'n_acounts'"):
        SimulationConfig(n_acounts=10)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"n_accounts": 0}, r"n_accounts: .*greater than or equal to 1"),
        (
            {"start": date(2024, 1, 1), "end": date(2023, 1, 1)},
            r"end \(2023-01-01\) must come after start",
        ),
        ({"dirty_fraction": 0.5}, r"dirty_fraction: .*less than or equal to 0.1"),
        (
            {"segment_mix": {"smb": 0, "mid_market": 0, "enterprise": 0}},
            r"at least one segment share",
        ),
        ({"segment_mix": {"startup": 1}}, r"unknown key 'segment_mix.startup'"),
    ],
)
def test_simulation_config_rejects_bad_values_as_churn_errors(values: dict, message: str):
    with pytest.raises(SimulationConfigError, match=message) as raised:
        SimulationConfig(**values)
    assert isinstance(raised.value, ChurnError)


def test_segment_mix_shares_are_normalised():
    assert SegmentMix(smb=6, mid_market=3, enterprise=1).shares() == pytest.approx((0.6, 0.3, 0.1))


def test_load_config_reads_simulation_yaml_and_rejects_unknown_key(tmp_path: Path):
    good = tmp_path / "world.yaml"
    good.write_text(
        "seed: 5\nn_accounts: 300\nsegment_mix: {smb: 1, mid_market: 0, enterprise: 0}\n"
    )
    config = load_config(SimulationConfig, good)
    assert (config.seed, config.n_accounts, config.segment_mix.shares()) == (
        5,
        300,
        (1.0, 0.0, 0.0),
    )

    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: 5\naccounts: 300\n")
    with pytest.raises(ConfigError, match=r"unknown key 'accounts'"):
        load_config(SimulationConfig, bad)
