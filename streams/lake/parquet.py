"""Parquet bytes that depend on the rows only, so a replay can be recognised by its hash.

Rows are sorted by time (then by id, so ties do not depend on arrival order), written
with zstd and row-group statistics, and no wall-clock or random value goes into the
file: the same rows give the same bytes with the same pyarrow, which lets the manifest
see that a replayed file is the file it already holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from streams.lake.atomic import write_atomic

ROW_GROUP = 64_000


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    key = row.get("event_id") or row.get("alert_id") or ""
    return (row["time"] is None, row["time"] or 0, key)


def parquet_bytes(rows: list[dict[str, Any]], schema: pa.Schema) -> bytes:
    """The Parquet file for `rows` (sorted by time), deterministic for the same rows."""
    table = pa.Table.from_pylist(sorted(rows, key=_order), schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True,
                   row_group_size=ROW_GROUP)
    return bytes(sink.getvalue())


def write_parquet(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> Path:
    """Write rows sorted by time to `path` atomically (temp file, fsync, rename)."""
    return write_atomic(path, parquet_bytes(rows, schema))
