"""Writing tables chunk by chunk: one file per table, Parquet or CSV, same rows either way.

Encoding is split from writing so that CSV text can be produced in worker processes:
:func:`encode` turns a chunk's table into what :class:`TableFiles` appends (the table
itself for Parquet, header-less CSV bytes for CSV). Files are written under a temporary
name and moved into place only when the whole world is written, so an interrupted run
never leaves a world that looks complete.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

Format = Literal["parquet", "csv"]
FORMATS: tuple[Format, ...] = ("parquet", "csv")
_PARTIAL = ".partial"


def encode(table: pa.Table, fmt: Format) -> pa.Table | bytes:
    """What :meth:`TableFiles.append` needs for ``table`` in format ``fmt``."""
    if fmt == "csv":
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, write_options=pacsv.WriteOptions(include_header=False))
        return buffer.getvalue()
    return table


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A Parquet writer with the settings every simulator file uses (timestamps stored as ms)."""
    return pq.ParquetWriter(path, schema, compression="snappy", coerce_timestamps="ms")


class TableFiles:
    """One file per table in ``out_dir``, named ``<table>.<fmt>``, appended to chunk by chunk."""

    def __init__(self, out_dir: Path, fmt: Format, schemas: dict[str, pa.Schema]) -> None:
        self.out_dir = out_dir
        self.fmt = fmt
        self.schemas = schemas
        self.rows = dict.fromkeys(schemas, 0)
        self._files: dict[str, pq.ParquetWriter | io.BufferedWriter] = {}

    def path(self, name: str) -> Path:
        return self.out_dir / f"{name}.{self.fmt}"

    def _partial(self, name: str) -> Path:
        return self.out_dir / f"{name}.{self.fmt}{_PARTIAL}"

    def _open(self, name: str) -> pq.ParquetWriter | io.BufferedWriter:
        if self.fmt == "parquet":
            return parquet_writer(self._partial(name), self.schemas[name])
        file = self._partial(name).open("wb")
        pacsv.write_csv(self.schemas[name].empty_table(), file)  # the header line
        return file

    def append(self, name: str, payload: pa.Table | bytes, rows: int) -> None:
        """Append one encoded chunk of ``rows`` rows to table ``name``."""
        if name not in self._files:
            self._files[name] = self._open(name)
        if rows:
            file = self._files[name]
            if isinstance(file, pq.ParquetWriter):
                file.write_table(payload)
            else:
                file.write(payload)
        self.rows[name] += rows

    def close(self) -> None:
        """Finish every file and move it into place (tables never appended to are written empty)."""
        for name in self.schemas:
            if name not in self._files:
                self._files[name] = self._open(name)
        for name, file in self._files.items():
            file.close()
            self._partial(name).replace(self.path(name))
        self._files.clear()

    def abort(self) -> None:
        """Close and delete every partial file (after a failure)."""
        for name, file in self._files.items():
            file.close()
            self._partial(name).unlink(missing_ok=True)
        self._files.clear()
