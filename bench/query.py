"""Lake query phases, each in a fresh process: `python -m bench.query NAME LAKE ROWS [RUNS]`.

`gen` writes ROWS synthetic governed-event rows of the lake schema
(`streams.lake.rows.EVENT_SCHEMA`, findings included) straight from numpy/pyarrow into 20
Hive-partitioned Parquet files (2 regions x 2 tenants x 5 days), untimed. Then, over the
same files:

- `scan`: the baseline, a bare `duckdb.sql("SELECT count(*) FROM read_parquet(glob)")`;
- `bare`: a records-of-processing style aggregation (per tenant and purpose: count,
  distinct subject tokens, entity types, servers, transfers) on bare `read_parquet`
  (no views, no dedup), to show what such a query itself costs;
- `query`: the same aggregation through `streams.lake.query.run_query` (what
  `mcpgov query` runs: its views type the partition keys and keep each event_id once);
- `ropa`: `mcpgov ropa`, i.e. `streams.lake.ropa.build` with the default retention
  policy and `render(..., "markdown")`, if that module exists (else skipped).

Each timed phase runs RUNS times (fresh connection each time) and reports the median.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.phases import _cpu, _result

REGIONS = ("eu", "us")
TENANTS = ("acme-health", "globex")
DAYS = tuple(f"2026-11-{d}" for d in range(18, 23))
PURPOSES = ("treatment", "billing", "research", "support", "operations")
SERVERS = ("ehr", "billing-db", "crm", "files", "search", "fax", "mail", "calendar")
ENTITY = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER", "US_NPI",
          "IBAN_CODE", "SECRET")
SUBJECTS = 20_000

# A records-of-processing style aggregation: per tenant and purpose, how many events,
# how many distinct data subjects, which entity types, which servers, which transfers.
ROPA_FROM = """
SELECT tenant, purpose, count(*) AS events,
       count(DISTINCT subject_token) AS subjects,
       list_sort(list_distinct(flatten(list(DISTINCT entity_types)))) AS entity_types,
       list(DISTINCT server ORDER BY server) AS servers,
       count(transfer_to) AS transfers,
       list(DISTINCT transfer_to ORDER BY transfer_to)
           FILTER (WHERE transfer_to IS NOT NULL) AS transfer_regions
FROM {src}
GROUP BY tenant, purpose
ORDER BY tenant, purpose
"""
ROPA_SQL = ROPA_FROM.format(src="events")


def _glob(lake: Path) -> str:
    return str(lake.resolve() / "events/region=*/tenant=*/date=*/*.parquet")


def _strings(rng: Any, n: int, values: tuple[str, ...] | list[str],
             p: Any = None) -> Any:
    import pyarrow as pa

    idx = rng.choice(len(values), size=n, p=p).astype("int32")
    return pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(values)).cast(pa.string())


def _lists(rng: Any, n: int, values: tuple[str, ...], most: int) -> Any:
    import numpy as np
    import pyarrow as pa

    lens = rng.integers(0, most + 1, size=n)
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype("int32")
    flat = _strings(rng, int(offsets[-1]), values)
    return pa.ListArray.from_arrays(pa.array(offsets), flat)


def _findings(rng: Any, entity_types: Any) -> Any:
    """One finding per entity type of the row, as the governor records them."""
    import pyarrow as pa

    from streams.lake.rows import FINDING

    flat = entity_types.values
    m = len(flat)
    start = rng.integers(0, 200, size=m).astype("int32")
    fields = [flat, _strings(rng, m, ("$.params.arguments.patient_id", "$.result.content[0].text",
                                      "$.params.arguments.body")),
              pa.array(start), pa.array(start + 11), pa.array(rng.uniform(0.6, 1.0, size=m),
                                                              type=pa.float32()),
              _strings(rng, m, ("pattern", "ner", "json-key")),
              _strings(rng, m, ("tokenized", "redacted", "dropped"), p=[0.85, 0.1, 0.05])]
    structs = pa.StructArray.from_arrays(fields, fields=list(FINDING))
    return pa.ListArray.from_arrays(entity_types.offsets, structs)


def gen(lake: Path, rows: int) -> dict[str, Any]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from streams.lake.rows import EVENT_SCHEMA

    rng = np.random.default_rng(2026)
    parts = [(r, t, d) for r in REGIONS for t in TENANTS for d in DAYS]
    per = rows // len(parts)
    c0, t0 = _cpu(), time.perf_counter()
    written = 0
    for k, (region, tenant, day) in enumerate(parts):
        n = per if k < len(parts) - 1 else rows - written
        base = int(np.datetime64(f"{day}T00:00:00", "us").astype("int64"))
        times = np.sort(base + rng.integers(0, 86_400_000_000, size=n))
        ts = pa.array(times, type=pa.timestamp("us", tz="UTC"))
        transfer = rng.random(n) < 0.05
        transfer_to = pa.array(["us" if region == "eu" else "eu"] * n, mask=~transfer)
        subj = [f"tok_pii_k1_subj{x:05d}" for x in range(SUBJECTS)]
        entity_types = _lists(rng, n, ENTITY, 3)
        cols: dict[str, Any] = {
            "event_id": pa.array([f"00000000-0000-4000-8000-{written + i:012d}"
                                  for i in range(n)]),
            "time": ts,
            "session_id": _strings(rng, n, [f"sess-{x:05d}" for x in range(5_000)]),
            "gateway_id": pa.array([f"gw-{region}-1"] * n),
            "gateway_region": pa.array([region] * n),
            "user": _strings(rng, n, [f"tok_pii_k1_user{x:04d}" for x in range(500)]),
            "agent": _strings(rng, n, ("chart-summarizer", "billing-bot", "triage")),
            "client_id": pa.array(["desktop-client"] * n),
            "scopes": _lists(rng, n, ("ehr.read", "ehr.write", "billing.read"), 2),
            "auth_decision": _strings(rng, n, ("allow", "deny"), p=[0.97, 0.03]),
            "auth_policy": pa.array(["ehr-readers"] * n),
            "server": _strings(rng, n, SERVERS),
            "server_version": pa.array(["1.4.2"] * n),
            "server_region": pa.array([region] * n),
            "transport": _strings(rng, n, ("stdio", "http")),
            "method": _strings(rng, n, ("tools/call", "resources/read", "tools/list")),
            "tool": _strings(rng, n, ("get_patient_record", "add", "echo", "send_fax")),
            "direction": _strings(rng, n, ("request", "response")),
            "purpose": _strings(rng, n, PURPOSES),
            "subject_token": _strings(rng, n, subj),
            "subject_region": pa.array([region] * n),
            "data_classes": _lists(rng, n, ("PHI", "PCI", "PII", "FINANCIAL", "SECRET"), 2),
            "entity_types": entity_types,
            "findings": _findings(rng, entity_types),
            "payload": _strings(rng, n, ('{"arguments":{"patient_id":"tok_pii_k1_a1"}}',
                                         '{"result":"ok"}', "{}")),
            "transfer_to": transfer_to,
            "transfer_allowed": pa.array([True] * n, mask=~transfer),
            "transfer_basis": pa.array(["scc"] * n, mask=~transfer),
            "latency_ms": pa.array(rng.gamma(2.0, 20.0, size=n)),
            "trace_id": pa.nulls(n, pa.string()),
            "key_id": pa.array(["k1"] * n),
            "policy": pa.array(["default"] * n),
            "governed_at": ts,
        }
        table = pa.Table.from_pydict(cols, schema=EVENT_SCHEMA)
        folder = lake / f"events/region={region}/tenant={tenant}/date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"bench-{k:02d}.parquet", compression="zstd",
                       write_statistics=True, row_group_size=64_000)
        written += n
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    size = sum(p.stat().st_size for p in lake.rglob("*.parquet"))
    return _result(written, wall, cpu, files=len(parts), mib=round(size / 2**20, 1))


def has_ropa() -> bool:
    """Whether `mcpgov ropa` (streams.lake.ropa.build) exists in this checkout."""
    import importlib.util

    return importlib.util.find_spec("streams.lake.ropa") is not None


def timed(name: str, lake: Path, rows: int, runs: int) -> dict[str, Any]:
    import duckdb

    from streams.lake.query import run_query

    glob = _glob(lake).replace("'", "''")

    def once() -> int:
        if name == "scan":
            rel = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}')")  # noqa: S608
            assert rel is not None
            return int(rel.fetchall()[0][0])
        if name == "bare":
            con = duckdb.connect()
            try:
                src = f"read_parquet('{glob}', hive_partitioning=true)"
                out = con.execute(ROPA_FROM.format(src=src)).fetchall()
            finally:
                con.close()
            return sum(r[2] for r in out)
        if name == "ropa":
            from streams.lake import ropa  # type: ignore[attr-defined, unused-ignore]
            from streams.lake.retention_policy import load_retention

            records = ropa.build(lake, load_retention(None), None)
            ropa.render(records, "markdown")
            return sum(int(r["events"]) for r in records)
        _, out = run_query(lake, ROPA_SQL)
        return sum(r[2] for r in out)

    walls, cpus, counted = [], [], 0
    for _ in range(runs):
        c0, t0 = _cpu(), time.perf_counter()
        counted = once()
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return _result(counted, wall, cpu, runs=runs, wall_ms=round(wall * 1000, 1),
                   cpu_ms=round(cpu * 1000, 1), first_ms=round(walls[0] * 1000, 1))


if __name__ == "__main__":
    name, lake_dir, n_rows = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if name == "gen":
        res = gen(lake_dir, n_rows)
    elif name in ("scan", "bare", "query", "ropa"):
        res = timed(name, lake_dir, n_rows, int(sys.argv[4]) if len(sys.argv) > 4 else 3)
    else:
        raise SystemExit(f"unknown phase {name!r}")
    print(json.dumps(res))
