"""The booster's rows: a view of the matrix when they are one run of rows, never a different value."""

from __future__ import annotations

import numpy as np
import pytest

from training.fitting import EncodedData


def _data() -> EncodedData:
    matrix = np.arange(60.0).reshape(20, 3)
    return EncodedData(matrix, np.arange(20) % 2, ["a", "b", "c"], [])


def test_consecutive_rows_are_a_view_of_the_matrix_with_the_same_values() -> None:
    data = _data()
    positions = np.arange(4, 15)
    rows, label = data.rows(positions)
    assert np.shares_memory(rows, data.matrix)
    np.testing.assert_array_equal(rows, data.matrix[positions])
    np.testing.assert_array_equal(label, data.label[positions])


def test_scattered_or_unordered_rows_are_copied_in_the_order_given() -> None:
    data = _data()
    for positions in (np.array([1, 2, 4, 5]), np.array([3, 2, 1, 0]), np.array([5, 6, 7, 6])):
        taken = data.take(positions)
        assert not np.shares_memory(taken, data.matrix)
        np.testing.assert_array_equal(taken, data.matrix[positions])
    assert data.take(np.array([], dtype=int)).shape == (0, 3)


def test_a_view_of_the_training_rows_cannot_be_written_through() -> None:
    data = _data()
    rows = data.take(np.arange(2, 9))
    with pytest.raises(ValueError, match="read-only"):
        rows[0, 0] = -1.0
    assert data.matrix[2, 0] == 6.0
