"""Alerts as OCSF Detection Findings (class_uid 2004) with the contract's top-level keys.

Alert ids are derived from the rule and the incident key, not drawn at random, so a
stage that replays after a restart emits the same alert id and consumers can drop
the repeat; `Deduper` does that in-process for the embedded runner and the workers.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

SEVERITIES = {"low": 2, "medium": 3, "high": 4, "critical": 5}  # OCSF severity_id
_NS = uuid.UUID("5b0e7f0e-6a56-4a53-9d7e-6d6370676f76")
RUNBOOK_BASE = "docs/runbooks"


def alert_id(rule_id: str, incident_key: str) -> str:
    return str(uuid.uuid5(_NS, f"{rule_id}\x00{incident_key}"))


def make_alert(
    *,
    rule_id: str,
    severity: str,
    title: str,
    description: str,
    incident_key: str,
    events: list[dict[str, Any]],
    product: str = "governor",
    observables: dict[str, Any] | None = None,
    time: str | None = None,
) -> dict[str, Any]:
    """One alert for one incident; `events` are governed events, the evidence."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}")
    first = events[0]
    identity = first.get("identity") or {}
    when = time or max(str(e.get("time")) for e in events)
    aid = alert_id(rule_id, incident_key)
    runbook = f"{RUNBOOK_BASE}/{rule_id.split('.')[0]}.md"
    event_ids = [str(e["event_id"]) for e in events]
    ocsf = {
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200401,
        "severity_id": SEVERITIES[severity],
        "severity": severity.capitalize(),
        "status_id": 1,
        "status": "New",
        "time": _epoch_ms(when),
        "message": title,
        "metadata": {"version": "1.3.0", "product": {"name": "mcpgov", "vendor_name": "mcpgov",
                                                     "feature": {"name": product}},
                     "uid": aid},
        "finding_info": {"uid": aid, "title": title, "desc": description,
                         "types": [rule_id], "analytic": {"uid": rule_id, "name": rule_id,
                                                          "type_id": 1, "type": "Rule"},
                         "related_events": [{"uid": i} for i in event_ids]},
        "actor": {"user": {"name": identity.get("user")},
                  "app_name": identity.get("agent"),
                  "session": {"uid": first.get("session_id")}},
        "remediation": {"desc": "Follow the runbook.", "references": [runbook]},
        "unmapped": observables or {},
    }
    return {
        "schema_version": 1,
        "alert_id": aid,
        "time": when,
        "severity": severity,
        "rule_id": rule_id,
        "title": title,
        "description": description,
        "tenant": first.get("tenant"),
        "session_id": first.get("session_id"),
        "agent": identity.get("agent"),
        "user": identity.get("user"),
        "event_ids": event_ids,
        "runbook": runbook,
        "ocsf": json.dumps(ocsf, sort_keys=True, separators=(",", ":")),
    }


def _epoch_ms(ts: str) -> int:
    try:
        return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return int(datetime.now(UTC).timestamp() * 1000)


class Deduper:
    """Remembers the last `size` alert ids so a repeat within that horizon is dropped."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_time(self, aid: str) -> bool:
        if aid in self._seen:
            self._seen.move_to_end(aid)
            return False
        self._seen[aid] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True
