"""What one governed event says, flattened into the facts rules match on.

Rules never see the nested event: they name facts (`tool`, `auth`, `data_classes`,
...), so the grammar stays small and a typo is caught at load time. Facts that need
memory (what a server's tools/list said about a tool) are filled in by the engine.
Nothing here reads a detected value: payloads hold tokens, and only tokens (to
follow data from a result into a later call) and tool definitions are read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# name -> type, for validation of rule files and for the docs.
FACTS: dict[str, str] = {
    "tenant": "str", "session": "str", "agent": "str", "user": "str", "client_id": "str",
    "method": "str", "direction": "str", "tool": "str", "server": "str",
    "server_tool": "str", "server_region": "str", "auth": "str", "subject": "str",
    "purpose": "str", "scopes": "list", "data_classes": "list", "entity_types": "list",
    "call": "bool", "use": "bool", "result": "bool", "error": "bool",
    "read_only": "bool", "open_world": "bool", "destructive": "bool",
}
USE_METHODS = ("tools/call", "resources/read", "prompts/get")
_TOKEN = re.compile(r"\btok_(?:pci|phi|pii|fin|sec)_k\d+_[a-z2-7]{26}\b")
_PAN = re.compile(r"(?<![\d-])\d{4,6}(?:[ -]?\d){8,15}(?![\d-])")
MAX_TOKENS = 32


@dataclass(slots=True)
class ToolDef:
    """One tool as a tools/list response described it."""

    name: str
    digest: str
    read_only: bool | None
    open_world: bool | None
    destructive: bool | None


@dataclass(slots=True)
class Observed:
    """A governed event seen by the sentinel: its facts, its time, and lazy extras."""

    facts: dict[str, Any]
    event_id: str
    t: float
    iso: str
    payload_text: str
    has_card: bool
    _payload: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def agent_key(self) -> str:
        return f"{self.facts['tenant']}|{self.facts['agent']}"

    @property
    def session_key(self) -> str:
        return f"{self.facts['tenant']}|{self.facts['session']}"

    def stub(self) -> list[Any]:
        """How evidence is remembered in state: [event_id, epoch, iso time, session]."""
        return [self.event_id, self.t, self.iso, self.facts["session"]]

    def payload(self) -> dict[str, Any]:
        """The payload as JSON ({} when it is not a JSON object)."""
        if self._payload is None:
            try:
                body = json.loads(self.payload_text) if self.payload_text else {}
            except (TypeError, ValueError):
                body = {}
            self._payload = body if isinstance(body, dict) else {}
        return self._payload

    def tokens(self) -> list[str]:
        """Keyed tokens in the payload: the same value read and sent shows the same token."""
        found = set(_TOKEN.findall(self.payload_text))
        if self.has_card:  # card tokens keep the card's format, not the tok_ form
            found |= {re.sub(r"\D", "", m) for m in _PAN.findall(self.payload_text)}
        return sorted(found)[:MAX_TOKENS]

    def listed_tools(self) -> list[ToolDef]:
        """The tools of a tools/list response, each with a digest of its definition."""
        result = self.payload().get("result")
        tools = result.get("tools") if isinstance(result, dict) else None
        out: list[ToolDef] = []
        for tool in tools if isinstance(tools, list) else []:
            if isinstance(tool, dict) and isinstance(tool.get("name"), str):
                raw = tool.get("annotations")
                ann: dict[str, Any] = raw if isinstance(raw, dict) else {}
                out.append(ToolDef(tool["name"], definition_digest(tool),
                                   _flag(ann.get("readOnlyHint")),
                                   _flag(ann.get("openWorldHint")),
                                   _flag(ann.get("destructiveHint"))))
        return out


def definition_digest(tool: dict[str, Any]) -> str:
    """sha256 of name, description, inputSchema and annotations in canonical JSON."""
    body = {k: tool.get(k) for k in ("name", "description", "inputSchema", "annotations")}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def epoch(iso: str) -> float:
    """Event time in seconds; windows run on event time, never the wall clock."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def observe(event: dict[str, Any]) -> Observed:
    """Facts of one governed event (annotation facts are None until the engine fills them)."""
    identity = event.get("identity") or {}
    auth = identity.get("auth") or {}
    server = event.get("server") or {}
    subject = event.get("data_subject") or {}
    method, direction = event.get("method") or "", event.get("direction") or ""
    tool, name = event.get("tool"), server.get("name") or ""
    payload = event.get("payload")
    text = payload if isinstance(payload, str) else json.dumps(payload or {})
    findings = event.get("findings") or []
    is_response = direction == "response"
    iso = str(event.get("time") or "")
    facts = {
        "tenant": str(event.get("tenant") or "-"),
        "session": str(event.get("session_id") or "-"),
        "agent": str(identity.get("agent") or identity.get("client_id") or "-"),
        "user": identity.get("user"), "client_id": identity.get("client_id"),
        "method": method, "direction": direction, "tool": tool, "server": name,
        "server_tool": f"{name}/{tool}" if tool else f"{name}/{method}",
        "server_region": server.get("region"), "auth": auth.get("decision") or "allow",
        "subject": subject.get("token"), "purpose": event.get("purpose"),
        "scopes": list(identity.get("scopes") or []),
        "data_classes": list(event.get("data_classes") or []),
        "entity_types": sorted({f.get("entity_type") for f in findings if f.get("entity_type")}),
        "call": method == "tools/call" and direction == "request",
        "use": method in USE_METHODS and direction == "request",
        "result": method in USE_METHODS and is_response,
        "error": False, "read_only": None, "open_world": None, "destructive": None,
    }
    seen = Observed(facts, str(event["event_id"]), epoch(iso), iso, text,
                    any(f.get("entity_type") == "CREDIT_CARD" for f in findings))
    if is_response:
        body = seen.payload()
        result = body.get("result")
        flagged = isinstance(result, dict) and result.get("isError") is True
        facts["error"] = body.get("error") is not None or flagged
        facts["result"] = facts["result"] and not facts["error"]
    return seen
