"""SQL over the lake with DuckDB: views `events` and `alerts`, and three output forms.

The views read the Hive-partitioned Parquet in place (`union_by_name`, so files
written by older and newer schemas mix) with the partition keys typed (`region`,
`tenant` text, `date` a DATE). A view over no files would fail in DuckDB, so an
empty lake gets views of the same columns with no rows: queries answer, with zero
rows. Timestamps are shown in UTC whatever the machine's zone. A lake in an object
store is read through a pyarrow dataset on its filesystem (DuckDB scans it with
projection and filter pushdown; no DuckDB extension is needed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pyarrow as pa

from streams.lake.errors import QueryError
from streams.lake.location import LakePath, ObjectPath, find
from streams.lake.rows import ALERT_PARTITIONS, ALERT_SCHEMA, EVENT_PARTITIONS, EVENT_SCHEMA

FORMATS = ("table", "csv", "json")
_VIEWS = {
    "events": ("events/region=*/tenant=*/date=*/*.parquet", EVENT_SCHEMA, EVENT_PARTITIONS),
    "alerts": ("alerts/date=*/*.parquet", ALERT_SCHEMA, ALERT_PARTITIONS),
}
# Stages upstream deliver at least once, and a replay repeats a record unchanged
# under the same id, so the views show each id once; `<view>_raw` shows every row.
_IDS = {"events": "event_id", "alerts": "alert_id"}
_DUCK_TYPES = {pa.string(): "VARCHAR", pa.date32(): "DATE"}


def connect(lake: LakePath) -> Any:
    """An in-memory DuckDB connection with the lake's views defined."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    for view, (pattern, schema, parts) in _VIEWS.items():
        if isinstance(lake, ObjectPath):
            _register_dataset(con, lake, view, pattern, schema, parts)
        elif any(lake.glob(pattern)):
            glob = str(lake.resolve() / pattern).replace("'", "''")
            types = ", ".join(f"'{n}': '{_DUCK_TYPES[t]}'" for n, t in parts)
            sql = (f"CREATE VIEW {view}_raw AS SELECT * FROM read_parquet('{glob}', "  # noqa: S608
                   f"hive_partitioning=true, union_by_name=true, hive_types={{{types}}})")
            con.execute(sql)
        else:
            empty = pa.schema(list(schema) + [pa.field(n, t) for n, t in parts]).empty_table()
            con.register(f"_{view}_empty", empty)
            con.execute(f"CREATE VIEW {view}_raw AS SELECT * FROM _{view}_empty")  # noqa: S608
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM {view}_raw "  # noqa: S608
                    f"QUALIFY row_number() OVER (PARTITION BY {_IDS[view]} ORDER BY time) = 1")
    return con


def _register_dataset(con: Any, lake: ObjectPath, view: str, pattern: str, schema: pa.Schema,
                      parts: tuple[tuple[str, pa.DataType], ...]) -> None:
    """`<view>_raw` over the object store's Parquet files (hidden `.tmp` files skipped)."""
    import pyarrow.dataset as ds

    files = [p.path for p in find(lake, pattern, recursive=False) if isinstance(p, ObjectPath)]
    full = pa.schema(list(schema) + [pa.field(n, t) for n, t in parts])
    if files:
        data = ds.dataset(files, schema=full, filesystem=lake.fs, format="parquet",
                          partitioning=ds.partitioning(pa.schema(list(parts)), flavor="hive"),
                          partition_base_dir=(lake / pattern.split("/", 1)[0]).path)
    else:
        data = full.empty_table()
    con.register(f"_{view}_files", data)
    con.execute(f"CREATE VIEW {view}_raw AS SELECT * FROM _{view}_files")  # noqa: S608


def run_query(lake: LakePath, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql`; DuckDB's errors become QueryError (one line)."""
    import duckdb

    con = connect(lake)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip().splitlines()[0]) from None
    finally:
        con.close()


def render(columns: list[str], rows: list[tuple[Any, ...]], fmt: str = "table") -> str:
    """Rows as an aligned table, CSV (with header) or JSON lines; ends with a newline."""
    if fmt == "csv":
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(columns)
        out.writerows([["" if v is None else _text(v) for v in row] for row in rows])
        return buf.getvalue()
    if fmt == "json":
        return "".join(json.dumps(dict(zip(columns, map(_plain, row), strict=True)),
                                  ensure_ascii=False) + "\n" for row in rows)
    if fmt == "table":
        return _table(columns, rows)
    raise QueryError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")


def _table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [["NULL" if v is None else _text(v) for v in row] for row in rows]
    numeric = [any(r[i] is not None for r in rows)
               and all(r[i] is None or isinstance(r[i], int | float | Decimal) for r in rows)
               for i in range(len(columns))]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    return "\n".join(out) + "\n"


def _plain(value: Any) -> Any:
    """A JSON-ready value: timestamps as ISO 8601, decimals as numbers, the rest as is."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _text(value: Any) -> str:
    """A cell's text: lists and structs as compact JSON, the rest as its ISO/str form."""
    plain = _plain(value)
    if isinstance(plain, list | dict):
        return json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)
