"""Land governed events and alerts as Hive-partitioned Parquet.

Layout: `<lake>/events/region=<r>/tenant=<t>/date=YYYY-MM-DD/<name>.parquet` and
`<lake>/alerts/date=YYYY-MM-DD/<name>.parquet`, zstd, sorted by time, readable as-is
by DuckDB, pyarrow, Spark and Trino. A file is written to a temporary name, fsynced
and renamed, so readers never see half a file and a replay that uses the same name
replaces instead of duplicating. Callers choose names that are stable for the same
input (the Kafka lander uses topic, partition and offsets).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

FINDING = pa.struct([
    ("entity_type", pa.string()), ("path", pa.string()), ("start", pa.int32()),
    ("end", pa.int32()), ("score", pa.float32()), ("detector", pa.string()),
    ("action", pa.string()),
])

EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("time", pa.timestamp("us", tz="UTC")),
    ("session_id", pa.string()), ("gateway_id", pa.string()), ("gateway_region", pa.string()),
    ("user", pa.string()), ("agent", pa.string()), ("client_id", pa.string()),
    ("scopes", pa.list_(pa.string())), ("auth_decision", pa.string()),
    ("auth_policy", pa.string()), ("server", pa.string()), ("server_version", pa.string()),
    ("server_region", pa.string()), ("transport", pa.string()), ("method", pa.string()),
    ("tool", pa.string()), ("direction", pa.string()), ("purpose", pa.string()),
    ("subject_token", pa.string()), ("subject_region", pa.string()),
    ("data_classes", pa.list_(pa.string())), ("entity_types", pa.list_(pa.string())),
    ("findings", pa.list_(FINDING)), ("payload", pa.string()),
    ("transfer_to", pa.string()), ("transfer_allowed", pa.bool_()),
    ("transfer_basis", pa.string()), ("latency_ms", pa.float64()), ("trace_id", pa.string()),
    ("key_id", pa.string()), ("policy", pa.string()),
    ("governed_at", pa.timestamp("us", tz="UTC")),
])

ALERT_SCHEMA = pa.schema([
    ("alert_id", pa.string()), ("time", pa.timestamp("us", tz="UTC")),
    ("severity", pa.string()), ("rule_id", pa.string()), ("title", pa.string()),
    ("description", pa.string()), ("tenant", pa.string()), ("session_id", pa.string()),
    ("agent", pa.string()), ("user", pa.string()), ("event_ids", pa.list_(pa.string())),
    ("runbook", pa.string()), ("ocsf", pa.string()),
])


def event_row(e: dict[str, Any]) -> dict[str, Any]:
    """Flatten one governed event into the lake's analyst-friendly columns."""
    ident, auth = e.get("identity") or {}, (e.get("identity") or {}).get("auth") or {}
    server, subject = e.get("server") or {}, e.get("data_subject") or {}
    transfer = (e.get("residency") or {}).get("transfer") or {}
    return {
        "event_id": e["event_id"], "time": _ts(e["time"]), "session_id": e["session_id"],
        "gateway_id": e["gateway"].get("id"), "gateway_region": e["gateway"].get("region"),
        "user": ident.get("user"), "agent": ident.get("agent"),
        "client_id": ident.get("client_id"), "scopes": ident.get("scopes"),
        "auth_decision": auth.get("decision"), "auth_policy": auth.get("policy"),
        "server": server.get("name"), "server_version": server.get("version"),
        "server_region": server.get("region"), "transport": server.get("transport"),
        "method": e.get("method"), "tool": e.get("tool"), "direction": e.get("direction"),
        "purpose": e.get("purpose"), "subject_token": subject.get("token"),
        "subject_region": subject.get("region"), "data_classes": e.get("data_classes"),
        "entity_types": sorted({f["entity_type"] for f in e.get("findings") or []}),
        "findings": e.get("findings"), "payload": e.get("payload"),
        "transfer_to": transfer.get("to_region"), "transfer_allowed": transfer.get("allowed"),
        "transfer_basis": transfer.get("basis"), "latency_ms": e.get("latency_ms"),
        "trace_id": (e.get("trace") or {}).get("trace_id"), "key_id": e.get("key_id"),
        "policy": e.get("policy"), "governed_at": _ts(e.get("governed_at")),
    }


def alert_row(a: dict[str, Any]) -> dict[str, Any]:
    row = {k: a.get(k) for k in ALERT_SCHEMA.names}
    row["time"] = _ts(a["time"])
    return row


def _ts(value: Any) -> Any:
    if not value:
        return None
    from datetime import datetime

    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def write_parquet(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> Path:
    """Write rows sorted by time to `path` atomically (temp file, fsync, rename)."""
    rows = sorted(rows, key=lambda r: (r["time"] is None, r["time"]))
    table = pa.Table.from_pylist(rows, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True,
                   row_group_size=64_000)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def land_events(lake: Path, region: str, events: Iterable[dict[str, Any]], name: str) -> list[Path]:
    """Write one region's events, one file per (tenant, date) partition, named `name`."""
    parts: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        parts[(e["tenant"], e["time"][:10])].append(event_row(e))
    return [
        write_parquet(lake / "events" / f"region={region}" / f"tenant={_safe(t)}" / f"date={d}"
                      / f"{name}.parquet", rows, EVENT_SCHEMA)
        for (t, d), rows in sorted(parts.items())
    ]


def land_alerts(lake: Path, alerts: Iterable[dict[str, Any]], name: str) -> list[Path]:
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in alerts:
        parts[a["time"][:10]].append(alert_row(a))
    return [write_parquet(lake / "alerts" / f"date={d}" / f"{name}.parquet", rows, ALERT_SCHEMA)
            for d, rows in sorted(parts.items())]


def _safe(value: str) -> str:
    """Partition values must not break the path: keep a conservative character set."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in value) or "_"


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
