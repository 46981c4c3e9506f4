"""The lake's columns: governed events and alerts flattened for analysts.

Nested envelope fields become flat columns (`user`, `auth_decision`, `server`, ...),
findings stay a list of structs, the payload stays a tokenized JSON text. `tenant`,
`region` and `date` are not columns in the files: they are the Hive partition keys
of the path, which every engine adds back as columns.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pyarrow as pa

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

# Hive partition keys, in path order, with the types readers should give them.
EVENT_PARTITIONS = (("region", pa.string()), ("tenant", pa.string()), ("date", pa.date32()))
ALERT_PARTITIONS = (("date", pa.date32()),)


def event_row(e: dict[str, Any]) -> dict[str, Any]:
    """Flatten one governed event into the lake's analyst-friendly columns."""
    ident, auth = e.get("identity") or {}, (e.get("identity") or {}).get("auth") or {}
    server, subject = e.get("server") or {}, e.get("data_subject") or {}
    transfer = (e.get("residency") or {}).get("transfer") or {}
    payload = e.get("payload")
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
        "findings": e.get("findings"),
        "payload": payload if payload is None or isinstance(payload, str) else dumps(payload),
        "transfer_to": transfer.get("to_region"), "transfer_allowed": transfer.get("allowed"),
        "transfer_basis": transfer.get("basis"), "latency_ms": e.get("latency_ms"),
        "trace_id": (e.get("trace") or {}).get("trace_id"), "key_id": e.get("key_id"),
        "policy": e.get("policy"), "governed_at": _ts(e.get("governed_at")),
    }


def alert_row(a: dict[str, Any]) -> dict[str, Any]:
    """An alert's columns: the contract's top-level keys, OCSF kept as a JSON text."""
    row = {k: a.get(k) for k in ALERT_SCHEMA.names}
    row["time"] = _ts(a["time"])
    if row["ocsf"] is not None and not isinstance(row["ocsf"], str):
        row["ocsf"] = dumps(row["ocsf"])
    return row


@lru_cache(maxsize=4096)
def event_partition(region: str, tenant: str, day: str) -> str:
    """The Hive partition (relative folder) an event lands in."""
    return f"events/region={safe(region)}/tenant={safe(tenant)}/date={day}"


def alert_partition(day: str) -> str:
    return f"alerts/date={day}"


def day_of(time: str) -> str:
    """`YYYY-MM-DD` of an RFC 3339 timestamp, checked so it cannot escape the path."""
    day = str(time)[:10]
    if len(day) != 10 or day[4] != "-" or day[7] != "-":
        raise ValueError(f"not an RFC 3339 date: {day!r}")
    date.fromisoformat(day)
    return day


@lru_cache(maxsize=4096)
def safe(value: str) -> str:
    """Partition values must not break the path: keep a conservative character set."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in value).strip(".") or "_"


def _ts(value: Any) -> Any:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def dumps(record: Any) -> str:
    """Canonical compact JSON (sorted keys): the form every JSON line in the lake uses."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
