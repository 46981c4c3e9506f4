"""A valid raw envelope for governor tests: the contract's example, any field overridden."""

from __future__ import annotations

import random
import uuid
from typing import Any


def envelope(message: dict[str, Any], **over: Any) -> dict[str, Any]:
    """A raw envelope around `message`; keyword arguments replace top-level fields."""
    env: dict[str, Any] = {
        "schema_version": 1,
        "event_id": str(uuid.UUID(int=random.getrandbits(128), version=4)),
        "time": "2026-11-22T06:30:00.123456Z",
        "tenant": "acme-health",
        "gateway": {"id": "gw-eu-1", "region": "eu"},
        "session_id": "sess-1",
        "identity": {"user": "u1", "agent": "a1", "client_id": "c1", "scopes": ["ehr.read"],
                     "auth": {"decision": "allow", "policy": "p", "reason": None}},
        "server": {"name": "ehr", "version": "1", "region": "eu", "transport": "stdio"},
        "data_subject": {"id": "patient-8812", "region": "eu"},
        "purpose": "treatment",
        "direction": "request",
        "method": "tools/call",
        "tool": "charge_card",
        "message": message,
        "latency_ms": None,
        "trace": None,
    }
    env.update(over)
    return env
