"""The audit's settings: strict keys, sane lead buckets, a clean error for each mistake."""

from __future__ import annotations

import pytest

from churn_scorecard.config import build_config, load_config
from churn_scorecard.errors import ConfigError
from serving.audit import AuditConfig


def test_lead_labels_name_each_bucket_and_the_open_last_one():
    assert AuditConfig().lead_labels() == ["0-30", "31-90", "91-180", "181+"]
    assert AuditConfig(lead_buckets_days=[7, 60]).lead_labels() == ["0-7", "8-60", "61+"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lead_bucket_days": [30]}, "unknown key 'lead_bucket_days'"),
        ({"lead_buckets_days": [90, 30]}, "lead_buckets_days: Value error, bucket ends must be"),
        ({"lead_buckets_days": []}, "lead_buckets_days: Value error, give at least one"),
        ({"flagged_bands": []}, "flagged_bands: Value error, name at least one band"),
        ({"min_renewals": 1}, "min_renewals: Input should be greater than or equal to 2"),
    ],
)
def test_audit_config_names_the_wrong_key(values, message):
    with pytest.raises(ConfigError, match=message):
        build_config(AuditConfig, values, "audit.yaml")


def test_audit_config_reads_yaml(tmp_path):
    path = tmp_path / "audit.yaml"
    path.write_text("lead_buckets_days: [14, 60]\nflagged_bands: [watch, at_risk]\n")

    config = load_config(AuditConfig, path)

    assert config.lead_labels() == ["0-14", "15-60", "61+"]
    assert config.flagged_bands == ["watch", "at_risk"]
