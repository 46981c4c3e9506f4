"""Contract envelopes (CONTRACT.md section 1) from the JSON-RPC messages a gateway relays.

A gateway sees two streams of messages; the builder classifies each (request,
response, notification), pairs every response with the request it answers (so the
response carries the method, the tool and the latency), learns the client's and the
server's names from `initialize`, and asks an optional hook who the data subject is.
It never rejects a message: one that is not JSON-RPC still becomes an envelope (its
`message` the raw text), so the governor dead-letters it with a reason instead of the
gateway losing it.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from streams.errors import UsageError
from streams.schema_errors import InvalidEnvelope

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
_REGION = re.compile(r"[a-z][a-z0-9]{1,15}(?:-[a-z0-9]{1,15}){0,2}")  # as streams.envelope
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")

#: (tool name, tool arguments) -> subject id, (id, region), {"id", "region"} or None.
SubjectHook = Callable[[str, Mapping[str, Any]], Any]


class Stamp(NamedTuple):
    """When the gateway saw a message: monotonic seconds (for latency) and wall time."""

    mono: float
    wall: datetime


def stamp() -> Stamp:
    """Now, taken where the message is relayed so queueing later does not skew latency."""
    return Stamp(time.monotonic(), datetime.now(UTC))


@dataclass(frozen=True)
class GatewayContext:
    """Who and where: everything of an envelope that does not come from the message.

    None means "learn it or default it": client_id and agent default to the client's
    `clientInfo.name` from `initialize`, the server version to the server's
    `serverInfo.version`, the server region to the gateway's (a stdio server runs
    beside its gateway), the user to ``unknown``.
    """

    tenant: str = "default"
    gateway_id: str = "mcpgov-proxy"
    gateway_region: str = "us"
    user: str | None = None
    agent: str | None = None
    client_id: str | None = None
    scopes: tuple[str, ...] = ()
    auth_decision: str = "allow"
    auth_policy: str = "proxy"
    auth_reason: str | None = None
    server_name: str = "mcp-server"
    server_version: str | None = None
    server_region: str | None = None
    transport: str = "stdio"
    purpose: str | None = None
    subject_id: str | None = None
    subject_region: str | None = None
    session_id: str = field(default_factory=lambda: f"sess-{uuid.uuid4().hex[:16]}")


class _Pending(NamedTuple):
    method: str
    tool: str | None
    mono: float
    subject: dict[str, Any] | None
    trace: dict[str, str] | None


class EnvelopeBuilder:
    """Turns relayed JSON-RPC messages into envelopes; one builder per MCP session."""

    def __init__(self, context: GatewayContext, *, subject_hook: SubjectHook | None = None,
                 max_pending: int = 10_000) -> None:
        self.context = context
        self.subject_hook = subject_hook
        self.max_pending = max_pending
        self.hook_errors = 0
        self._pending: OrderedDict[tuple[bool, str], _Pending] = OrderedDict()
        self._client_name: str | None = None
        self._server_version: str | None = None
        _check_context(self._base(None), context)

    def from_line(self, line: bytes | str, *, from_client: bool,
                  at: Stamp | None = None) -> list[dict[str, Any]]:
        """Envelopes for one line of a stdio stream: one per message (a batch gives several)."""
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        text = text.strip()
        if not text:
            return []
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):
            message = text  # not JSON: published as text so the governor dead-letters it
        if isinstance(message, list) and message:
            return [self.build(m, from_client=from_client, at=at) for m in message]
        return [self.build(message, from_client=from_client, at=at)]

    def build(self, message: Any, *, from_client: bool, at: Stamp | None = None) -> dict[str, Any]:
        """The envelope of one message; `from_client` tells which side sent it."""
        at = at or stamp()
        msg: Mapping[str, Any] = message if isinstance(message, Mapping) else {}
        raw_params = msg.get("params")
        params: Mapping[str, Any] = raw_params if isinstance(raw_params, Mapping) else {}
        method, tool, latency, subject, trace = UNKNOWN, None, None, self._default_subject(), None
        if "method" in msg:
            direction = "request" if "id" in msg else "notification"
            method = msg["method"] if isinstance(msg["method"], str) and msg["method"] else UNKNOWN
            trace = _trace(params)
            if method == "tools/call" and isinstance(params.get("name"), str):
                tool = params["name"]
                subject = self._subject(tool, params.get("arguments")) or subject
            if method == "initialize" and from_client:
                self._learn_client(params)
            if direction == "request":
                self._remember((from_client, _id_key(msg["id"])),
                               _Pending(method, tool, at.mono, subject, trace))
        else:
            direction = "response"
            asked = self._pending.pop((not from_client, _id_key(msg.get("id"))), None)
            if asked is not None:
                method, tool, subject, trace = asked.method, asked.tool, asked.subject, asked.trace
                latency = round(max(0.0, (at.mono - asked.mono) * 1000.0), 3)
                if method == "initialize":
                    self._learn_server(msg.get("result"))
        envelope = self._base(at.wall)
        envelope.update(data_subject=subject, direction=direction, method=method, tool=tool,
                        message=dict(msg) if isinstance(message, Mapping) else message,
                        latency_ms=latency, trace=trace)
        return envelope

    # -- pieces --------------------------------------------------------------------

    def _base(self, wall: datetime | None) -> dict[str, Any]:
        ctx = self.context
        client = ctx.client_id or self._client_name or UNKNOWN
        return {
            "schema_version": 1,
            "event_id": str(uuid.uuid4()),
            "time": (wall or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "tenant": ctx.tenant,
            "gateway": {"id": ctx.gateway_id, "region": ctx.gateway_region},
            "session_id": ctx.session_id,
            "identity": {"user": ctx.user or UNKNOWN, "agent": ctx.agent or client,
                         "client_id": client, "scopes": list(ctx.scopes),
                         "auth": {"decision": ctx.auth_decision, "policy": ctx.auth_policy,
                                  "reason": ctx.auth_reason}},
            "server": {"name": ctx.server_name,
                       "version": ctx.server_version or self._server_version or "",
                       "region": ctx.server_region or ctx.gateway_region,
                       "transport": ctx.transport},
            "data_subject": self._default_subject(),
            "purpose": ctx.purpose,
        }

    def _default_subject(self) -> dict[str, Any] | None:
        ctx = self.context
        return None if not ctx.subject_id else {"id": ctx.subject_id,
                                                "region": ctx.subject_region}

    def _subject(self, tool: str, arguments: Any) -> dict[str, Any] | None:
        if self.subject_hook is None:
            return None
        try:
            found = self.subject_hook(tool, arguments if isinstance(arguments, Mapping) else {})
        except Exception as exc:  # noqa: BLE001 - a deployment's hook must not break relaying
            self.hook_errors += 1
            log.warning("data-subject hook failed for tool %s: %s", tool, type(exc).__name__)
            return None
        return _as_subject(found, self.context.subject_region)

    def _remember(self, key: tuple[bool, str], pending: _Pending) -> None:
        self._pending[key] = pending
        while len(self._pending) > self.max_pending:  # requests never answered
            self._pending.popitem(last=False)

    def _learn_client(self, params: Mapping[str, Any]) -> None:
        info = params.get("clientInfo")
        if isinstance(info, Mapping) and isinstance(info.get("name"), str) and info["name"]:
            self._client_name = info["name"]

    def _learn_server(self, result: Any) -> None:
        info = result.get("serverInfo") if isinstance(result, Mapping) else None
        if isinstance(info, Mapping) and isinstance(info.get("version"), str):
            self._server_version = info["version"]


def _id_key(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _trace(params: Mapping[str, Any]) -> dict[str, str] | None:
    """W3C trace context from `params._meta.traceparent`, when the client propagates one."""
    meta = params.get("_meta")
    parent = meta.get("traceparent") if isinstance(meta, Mapping) else None
    match = _TRACEPARENT.fullmatch(parent) if isinstance(parent, str) else None
    return {"trace_id": match.group(1), "span_id": match.group(2)} if match else None


def _as_subject(found: Any, default_region: str | None) -> dict[str, Any] | None:
    """A hook's answer as the envelope's `data_subject`, or None when it has none."""
    region: Any = default_region
    if isinstance(found, Mapping):
        found, region = found.get("id"), found.get("region", default_region)
    elif isinstance(found, tuple) and len(found) == 2:
        found, region = found
    if found is None or isinstance(found, bool) or not isinstance(found, str | int):
        return None
    ident = str(found).strip()
    if not ident:
        return None
    if region is not None and not (isinstance(region, str) and _REGION.fullmatch(region)):
        log.warning("data-subject hook gave a region that is not a short lower-case code; "
                    "using none")
        region = None
    return {"id": ident, "region": region}


def _check_context(base: dict[str, Any], context: GatewayContext) -> None:
    """Fail at startup, naming the field, rather than publish envelopes the governor rejects."""
    from streams.envelope import parse_envelope

    probe = dict(base, direction="notification", method="probe", tool=None, latency_ms=None,
                 trace=None, message={"jsonrpc": "2.0", "method": "probe"})
    try:
        parse_envelope(probe)
    except InvalidEnvelope as exc:
        raise UsageError(f"bad gateway context: {exc.reason}") from None
    if context.subject_region is not None and not _REGION.fullmatch(context.subject_region):
        raise UsageError("bad gateway context: the subject region must be a short lower-case "
                         "code (e.g. eu, us, apac)")


def with_session(context: GatewayContext, session_id: str) -> GatewayContext:
    """The same context for another session (a gateway serving many builds one builder each)."""
    return replace(context, session_id=session_id)
