"""Builders of governed events for sentinel tests, and governed generated traffic.

`Script` writes the governed events of one session by hand (the facts the sentinel
reads, nothing else), so a test states exactly the sequence it means. Generated
traffic goes through the real governor (no NER) once per test session and size.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from types import SimpleNamespace

import pytest

_ids = itertools.count(1)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def token(cls: str, n: int) -> str:
    """A keyed token of the governor's shape (26 base32 characters)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return f"tok_{cls}_k1_" + "".join(alphabet[(n >> (5 * i)) & 31] for i in range(26))


class Script:
    """One session's governed events, written by hand."""

    def __init__(self, session: str = "s1", *, tenant: str = "acme", agent: str = "bot",
                 user: str = "u@acme.example", scopes: tuple[str, ...] = ("ehr.read",),
                 start: datetime = T0) -> None:
        self.session, self.tenant, self.agent, self.user = session, tenant, agent, user
        self.scopes, self.clock = list(scopes), start

    def wait(self, seconds: float) -> Script:
        self.clock += timedelta(seconds=seconds)
        return self

    def _event(self, method: str, direction: str, *, tool: str | None = None,
               server: str = "ehr", subject: str | None = None, deny: bool = False,
               payload: dict | None = None, classes: tuple[str, ...] = (),
               entity: str | None = None) -> dict:
        self.clock += timedelta(milliseconds=50)
        n = next(_ids)
        return {
            "event_id": f"ev-{n:06d}", "time": self.clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "tenant": self.tenant, "session_id": self.session,
            "identity": {"user": self.user, "agent": self.agent, "client_id": "c",
                         "scopes": list(self.scopes),
                         "auth": {"decision": "deny" if deny else "allow", "policy": "p",
                                  "reason": None}},
            "server": {"name": server, "version": "1", "region": "eu", "transport": "stdio"},
            "data_subject": {"token": subject, "region": "eu"} if subject else None,
            "method": method, "direction": direction, "tool": tool,
            "payload": json.dumps(payload or {"jsonrpc": "2.0"}),
            "findings": [{"entity_type": entity or "PERSON", "path": "$.x", "start": None,
                          "end": None, "score": 0.9, "detector": "t", "action": "tokenized"}]
            if classes else [],
            "data_classes": sorted(classes), "residency": {"region": "eu", "transfer": None},
        }

    def call(self, tool: str, *, server: str = "ehr", subject: str | None = None,
             deny: bool = False, carry: list[str] | None = None) -> dict:
        args = {"values": carry} if carry else {}
        return self._event("tools/call", "request", tool=tool, server=server, subject=subject,
                           deny=deny, payload={"params": {"name": tool, "arguments": args}})

    def result(self, tool: str, *, server: str = "ehr", classes: tuple[str, ...] = (),
               tokens: list[str] | None = None, subject: str | None = None) -> dict:
        body = {"result": {"content": [{"type": "text", "text": " ".join(tokens or [])}]}}
        return self._event("tools/call", "response", tool=tool, server=server, subject=subject,
                           payload=body, classes=classes)

    def listing(self, server: str, tools: list[dict]) -> dict:
        return self._event("tools/list", "response", server=server,
                           payload={"result": {"tools": tools}})


def tool_def(name: str, description: str = "does things", *, read_only: bool = True,
             open_world: bool = False) -> dict:
    return {"name": name, "description": description,
            "inputSchema": {"type": "object", "properties": {}},
            "annotations": {"readOnlyHint": read_only, "openWorldHint": open_world}}


@pytest.fixture
def mk() -> SimpleNamespace:
    """The builders: mk.Script(...), mk.tool_def(...), mk.token(...)."""
    return SimpleNamespace(Script=Script, tool_def=tool_def, token=token)


@cache
def _governed(sessions: int, seed: int, attack_share: float) -> tuple[list[dict], object]:
    from streams.generate.api import generate
    from streams.sentinel.quality import govern

    raw, truth = generate(sessions, seed=seed, attack_share=attack_share)
    return govern(raw, _ring(), workers=2), truth


@cache
def _ring():
    from streams.keyring import Keyring

    return Keyring.new()


@pytest.fixture(scope="session")
def governed_traffic():
    """governed_traffic(sessions, seed, attack_share) -> (governed events, truth), cached;
    one keyring for the whole test session, as one deployment has."""
    return _governed
