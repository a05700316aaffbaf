"""Free texts of the simulated world: their own random stream, their meaning, their themes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from features.catalogue.text import is_english, polarity, sentiment
from simulator import SimulationConfig, simulate_world, vocab
from simulator.health import HealthPaths
from simulator.texts import SLOTS, TEXTS, TextWriter
from simulator.timeline import Timeline

TEXT_COLUMNS = {("surveys", "comment"), ("interactions", "note")}

BEFORE_TEXTS = "413796f7873c9c0212162bbf6596d2d3405d233df7f0dbf28c4d111b3a366a77"
"""``_non_text_digest`` of the world below as the simulator wrote it before texts had a random
stream of their own (commit 279bd58, whose simulator is that of dcb25e0)."""
WORLD = {"seed": 5, "n_accounts": 250, "chunk_size": 100}


def _non_text_digest(path: Path) -> str:
    """SHA-256 of every value of every column of the world's Parquet files (tables and
    truth), text columns left out."""
    digest = hashlib.sha256()
    for file in sorted(path.glob("*.parquet")) + sorted((path / "_truth").glob("*.parquet")):
        table = pq.read_table(file)
        for name in table.column_names:
            if (file.stem, name) in TEXT_COLUMNS:
                continue
            column = table[name]
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            values = pc.cast(column, pa.string()).to_pylist()
            digest.update(f"{file.stem}.{name}:".encode())
            digest.update("\x1f".join("\x00" if v is None else v for v in values).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("texts", [True, False], ids=["with texts", "without texts"])
def test_texts_leave_every_other_column_as_it_was_before_they_had_a_stream(tmp_path, texts):
    simulate_world(SimulationConfig(**WORLD, texts=texts), tmp_path, workers=1)
    assert _non_text_digest(tmp_path) == BEFORE_TEXTS
    surveys = pq.read_table(tmp_path / "surveys.parquet")
    notes = pq.read_table(tmp_path / "interactions.parquet")
    written = surveys["comment"].null_count < len(surveys) and notes["note"].null_count < len(notes)
    assert written == texts


def test_texts_without_them_the_text_columns_are_empty(tmp_path):
    simulate_world(SimulationConfig(**WORLD, texts=False), tmp_path, workers=1)
    assert pq.read_table(tmp_path / "surveys.parquet")["comment"].null_count > 0
    for table, column in TEXT_COLUMNS:
        values = pq.read_table(tmp_path / f"{table}.parquet")[column]
        assert values.null_count == len(values)


def test_texts_each_phrase_scores_the_polarity_it_was_written_with():
    """Under the VADER lexicon the features use: alone and with every detail of its polarity."""
    wrong = []
    for (theme, wanted), phrases in vocab.TEXT_PHRASES.items():
        for phrase in phrases:
            for text in (phrase, *(f"{phrase} {d}" for d in vocab.TEXT_DETAILS[wanted])):
                if polarity(sentiment(text)) != wanted:
                    wrong.append((theme, wanted, text, sentiment(text)))
    assert not wrong
    assert not any(is_english(text) for text in vocab.FOREIGN_TEXTS)
    assert all(sentiment(text) == 0 for text in vocab.FOREIGN_TEXTS)


def _writer(ramp: float, hits: float, health: float = 0.0, n: int = 20_000) -> TextWriter:
    shape = (n, 10)
    paths = HealthPaths(
        *(np.full(shape, value, dtype=np.float32) for value in (health, 0, ramp, 0, 0))
    )
    incident_hits = np.zeros(shape)
    incident_hits[:, 9] = hits
    timeline = Timeline.from_dates(SimulationConfig().start, SimulationConfig().end)
    return TextWriter(paths, incident_hits, timeline, np.random.default_rng(1))


_SLOT_OF = {
    text: slot
    for slot in SLOTS
    for phrase in vocab.TEXT_PHRASES[slot]
    for text in (phrase, *(f"{phrase} {d}" for d in vocab.TEXT_DETAILS[slot[1]]))
}


def _share(writer: TextWriter, theme: str, sign: int) -> float:
    """Share of ``writer``'s texts of polarity ``sign`` that are about ``theme``."""
    n = writer.paths.health.shape[0]
    codes = writer.codes(np.arange(n), np.full(n, 9), np.full(n, sign))
    return float(np.mean([_SLOT_OF.get(TEXTS[c]) == (theme, sign) for c in codes]))


def test_texts_themes_follow_the_hidden_state():
    calm = _writer(ramp=0.0, hits=0.0)
    assert _share(_writer(ramp=1.5, hits=0.0), "champion", -1) > 3 * _share(calm, "champion", -1)
    assert _share(_writer(ramp=0.0, hits=0.7), "reliability", -1) > 2 * _share(
        calm, "reliability", -1
    )
    assert _share(_writer(ramp=0.0, hits=0.0, health=1.5), "expansion", 1) > 2 * _share(
        calm, "expansion", 1
    )


def test_texts_follow_the_polarity_of_their_row():
    writer = _writer(ramp=0.5, hits=0.2)
    n = writer.paths.health.shape[0]
    for sign in (-1, 0, 1):
        codes = writer.codes(np.arange(n), np.full(n, 9), np.full(n, sign))
        english = [TEXTS[c] for c in codes if is_english(TEXTS[c])]
        assert len(english) > 0.95 * n
        assert {polarity(sentiment(text)) for text in set(english)} == {sign}
