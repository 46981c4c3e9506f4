"""Fixtures for the lake tests: a keyring, its signer, synthetic governed events.

Values are obviously synthetic (`tok_pii_k1_...` tokens, example ids): no raw
sensitive value ever goes into a fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from streams.keyring import Keyring
from streams.lake import Lake, Signer

EventFactory = Callable[..., dict[str, Any]]


def governed_event(i: int, *, tenant: str = "acme-health", region: str = "eu",
                   day: str = "2026-11-22", second: int | None = None) -> dict[str, Any]:
    """A governed event as the governor emits it (JSON form), numbered `i`."""
    s = i % 60 if second is None else second
    return {
        "schema_version": 1,
        "event_id": f"00000000-0000-4000-8000-{i:012d}",
        "time": f"{day}T06:30:{s:02d}.000000Z",
        "governed_at": f"{day}T06:31:00.000000Z",
        "tenant": tenant,
        "gateway": {"id": f"gw-{region}-1", "region": region},
        "session_id": f"sess-{i % 7}",
        "identity": {"user": "tok_pii_k1_user0001", "agent": "chart-summarizer",
                     "client_id": "desktop-client", "scopes": ["ehr.read"],
                     "auth": {"decision": "allow" if i % 5 else "deny",
                              "policy": "ehr-readers", "reason": None}},
        "server": {"name": "ehr", "version": "1.4.2", "region": region, "transport": "stdio"},
        "data_subject": {"token": f"tok_pii_k1_subj{i % 3:04d}", "region": region},
        "purpose": "treatment",
        "direction": "request",
        "method": "tools/call",
        "tool": "get_patient_record",
        "latency_ms": None,
        "trace": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"},
        "payload": '{"params":{"arguments":{"patient_id":"tok_phi_k1_0001"}}}',
        "findings": [{"entity_type": "MEDICAL_RECORD_NUMBER",
                      "path": "$.params.arguments.patient_id", "start": None, "end": None,
                      "score": 0.85, "detector": "mrn", "action": "tokenized"}],
        "data_classes": ["PHI"],
        "residency": {"region": region, "subject_region": region, "server_region": region,
                      "gateway_region": region, "transfer": None},
        "key_id": "k1",
        "policy": "default",
    }


def alert(i: int, day: str = "2026-11-22") -> dict[str, Any]:
    return {"schema_version": 1, "alert_id": f"00000000-0000-4000-9000-{i:012d}",
            "time": f"{day}T07:00:{i % 60:02d}.000000Z", "severity": "high",
            "rule_id": "residency.forbidden_transfer", "title": "Forbidden transfer",
            "description": "PHI sent to a server outside its region", "tenant": "acme-health",
            "session_id": "sess-1", "agent": "chart-summarizer", "user": "tok_pii_k1_user0001",
            "event_ids": [f"00000000-0000-4000-8000-{i:012d}"], "runbook": None,
            "ocsf": '{"class_uid":2004}'}


@pytest.fixture
def ring() -> Keyring:
    return Keyring.new()


@pytest.fixture
def signer(ring: Keyring) -> Signer:
    return Signer.from_keyring(ring)


@pytest.fixture
def keyring_file(ring: Keyring, tmp_path: Path) -> Path:
    return ring.save(tmp_path / "keys.json")


@pytest.fixture
def lake(tmp_path: Path, signer: Signer) -> Path:
    """A signed lake: two tenants in eu, one in us, one file of alerts."""
    root = tmp_path / "lake"
    fill(Lake(root, signer))
    return root


def fill(store: Lake) -> None:
    """What the `lake` fixture holds, landed through any `Lake` (a folder or a bucket)."""
    store.land_events("eu", [governed_event(i) for i in range(10)]
                      + [governed_event(i, tenant="globex") for i in range(10, 14)], "batch-1",
                      source={"input": "traffic", "first_line": 1, "last_line": 14})
    store.land_events("eu", [governed_event(i) for i in range(20, 25)], "batch-2",
                      source={"input": "traffic", "first_line": 15, "last_line": 19})
    store.land_events("us", [governed_event(i, region="us") for i in range(30, 33)], "batch-2")
    store.land_alerts([alert(1), alert(2)], "batch-2")
    store.close()


@pytest.fixture
def make_event() -> EventFactory:
    return governed_event


@pytest.fixture
def make_alert() -> EventFactory:
    return alert
