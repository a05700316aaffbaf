"""Feature rows encoded in one pass give exactly what the artifact's per-column encoding gives."""

import numpy as np
import pandas as pd
import pytest

from serving.scoring.encoding import encode_rows
from training.errors import ArtifactError


def _mixed_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The same rows with every column kind a caller may send: nullable ints, all-null
    object columns, pandas text with missing and unseen levels."""
    mixed = rows.copy()
    mixed["tickets_count_30d"] = mixed["tickets_count_30d"].astype("Int64")
    mixed.loc[3, "tickets_count_30d"] = pd.NA
    mixed["overdue_invoices_count"] = mixed["overdue_invoices_count"].astype(int)
    mixed["nps_latest"] = pd.Series([None] * len(mixed), dtype=object)
    segment = mixed["segment"].astype("string")
    segment[1], segment[2] = pd.NA, "unheard_of"
    mixed["segment"] = segment
    return mixed


@pytest.mark.parametrize("kind", ["float", "mixed", "object text", "one row"])
def test_encoded_rows_match_the_artifact_encoding(artifact, rows, kind):
    if kind == "mixed":
        rows = _mixed_rows(rows)
    elif kind == "object text":
        rows = rows.assign(segment=rows["segment"].astype(object).where(rows.index != 4, None))
    elif kind == "one row":
        rows = rows.iloc[[7]].reset_index(drop=True)
    encoded = encode_rows(artifact, rows)
    np.testing.assert_array_equal(encoded.matrix, artifact.encode(rows))
    assert "segment" not in encoded.numeric
    for name, column in encoded.numeric.items():
        np.testing.assert_array_equal(
            column, pd.to_numeric(rows[name]).to_numpy(dtype=np.float64, na_value=np.nan)
        )


def test_rows_lacking_a_feature_or_holding_text_in_a_number_fail_like_the_artifact(artifact, rows):
    with pytest.raises(ArtifactError, match="lack 1 feature"):
        encode_rows(artifact, rows.drop(columns=["tenure_days"]))
    bad = rows.assign(tenure_days=rows["tenure_days"].astype(object))
    bad.loc[5, "tenure_days"] = "long"
    with pytest.raises(ArtifactError, match="'tenure_days' must be numeric but holds 'long'"):
        encode_rows(artifact, bad)
