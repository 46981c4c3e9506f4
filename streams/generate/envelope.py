"""The contract's raw envelope (CONTRACT.md section 1) around one JSON-RPC message.

Ids and times come from the seeded generator and a simulated clock in integer
microseconds, never from uuid4 or the wall clock, so a seed fixes every byte.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

SCHEMA_VERSION = 1
_EPOCH = datetime(2026, 1, 5, 8, 0, 0, tzinfo=UTC)


def start_time_us(seed: int) -> int:
    """The first session's start: a fixed day and hour of 2026 derived from the seed."""
    offset = timedelta(days=seed % 300, seconds=(seed * 7919) % 3600)
    return int((_EPOCH + offset).timestamp()) * 1_000_000


def iso(time_us: int) -> str:
    """`2026-11-22T06:30:00.123456Z` for a time in microseconds since the epoch."""
    dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=time_us)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_id(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded generator."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def envelope(
    *,
    eid: str,
    time_us: int,
    tenant: str,
    gateway: dict[str, str],
    session_id: str,
    identity: dict[str, Any],
    server: dict[str, str],
    data_subject: dict[str, str] | None,
    purpose: str | None,
    direction: str,
    method: str,
    tool: str | None,
    message: dict[str, Any],
    latency_ms: float | None,
    trace: dict[str, str] | None,
) -> dict[str, Any]:
    """One raw event, keys in the contract's order."""
    return {
        "schema_version": SCHEMA_VERSION,
        "event_id": eid,
        "time": iso(time_us),
        "tenant": tenant,
        "gateway": gateway,
        "session_id": session_id,
        "identity": identity,
        "server": server,
        "data_subject": data_subject,
        "purpose": purpose,
        "direction": direction,
        "method": method,
        "tool": tool,
        "message": message,
        "latency_ms": latency_ms,
        "trace": trace,
    }
