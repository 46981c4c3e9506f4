"""One MCP session as a gateway sees it: handshakes, listings, calls, notifications.

`Session` is the builders' `Ctx` (seeded generator plus markers) and the writer of
envelopes: every message goes through `Marks.resolve`, which fills in the values and
yields the ground truth of that event. Time advances on a simulated clock: agents
think for seconds between calls, servers answer in tens to hundreds of milliseconds.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from streams.generate.domains.base import Agent, Outcome, Subject, Tool
from streams.generate.envelope import envelope, event_id
from streams.generate.lookalikes import LOOKALIKES, lookalike, timestamp_before
from streams.generate.marks import Marks
from streams.generate.world import Tenant

PROTOCOL = "2025-06-18"


@dataclass(slots=True)
class Server:
    """A server as the envelope names it, with the tools it lists."""

    name: str
    version: str
    region: str
    transport: str
    tools: tuple[Tool, ...]


@dataclass(slots=True)
class Recorded:
    """What a session produced: events (with their times) and per-event truth."""

    events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    truth: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)
    variant: str = ""  # which form an attack took (first_use: new_tool, new_server, ...)


class Session:
    """Writes the events of one session; also the `Ctx` handed to result builders."""

    def __init__(
        self, rng: random.Random, sid: str, tenant: Tenant, agent: Agent, user: str, start_us: int
    ) -> None:
        self.rng, self.sid, self.tenant, self.agent = rng, sid, tenant.name, agent
        self.marks = Marks()
        self.out = Recorded()
        self.clock = start_us
        self.gateway = {"id": (gw := rng.choice(tenant.gateways)), "region": gw.split("-")[1]}
        self.identity = {
            "user": user,
            "agent": agent.name,
            "client_id": agent.client_id,
            "scopes": list(agent.scopes),
        }
        self.purpose = agent.purpose if rng.random() < 0.9 else None
        self.trace_id = f"{rng.getrandbits(128):032x}" if rng.random() < 0.85 else None
        self.string_ids = rng.random() < 0.2
        self._next_id = 0

    # --- Ctx ---------------------------------------------------------------------------
    def pos(self, entity: str, value: str, subtype: str = "") -> str:
        return self.marks.pos(entity, value, subtype)

    def neg(self, kind: str, value: str | None = None) -> str:
        if value is None:
            if kind == "ISO_TIMESTAMP":  # a moment before "now" on the session's clock
                value = timestamp_before(self.rng, self.clock)
            else:
                value = lookalike(self.rng, kind)
        return self.marks.neg(kind, value, LOOKALIKES[kind][0])

    def json_text(self, obj: Any, indent: int | None = None) -> str:
        return self.marks.json_text(obj, indent)

    # --- time ---------------------------------------------------------------------------
    def wait(self, lo_ms: float, hi_ms: float) -> None:
        """Advance the clock by a log-uniform delay between `lo_ms` and `hi_ms`."""
        ms = math.exp(self.rng.uniform(math.log(lo_ms), math.log(hi_ms)))
        self.clock += max(1, int(ms * 1000))

    # --- events -------------------------------------------------------------------------
    def _emit(
        self,
        server: Server,
        direction: str,
        method: str,
        tool: str | None,
        message: dict[str, Any],
        subject: Subject | None = None,
        deny: tuple[str, str] | None = None,
        latency: float | None = None,
        span: str | None = None,
    ) -> str:
        message, found = self.marks.resolve(message)
        eid = event_id(self.rng)
        auth = (
            {"decision": "deny", "policy": deny[0], "reason": deny[1]}
            if deny
            else {"decision": "allow", "policy": f"{self.tenant}:{self.agent.name}", "reason": None}
        )
        trace = None
        if self.trace_id:
            trace = {
                "trace_id": self.trace_id,
                "span_id": span or f"{self.rng.getrandbits(64):016x}",
            }
        env = envelope(
            eid=eid,
            time_us=self.clock,
            tenant=self.tenant,
            gateway=dict(self.gateway),
            session_id=self.sid,
            identity={**self.identity, "scopes": list(self.agent.scopes), "auth": auth},
            server={
                "name": server.name,
                "version": server.version,
                "region": server.region,
                "transport": server.transport,
            },
            data_subject={"id": subject.id, "region": subject.region} if subject else None,
            purpose=self.purpose,
            direction=direction,
            method=method,
            tool=tool,
            message=message,
            latency_ms=latency,
            trace=trace,
        )
        self.out.events.append((self.clock, env))
        if found:
            positives = [f for f in found if f["positive"]]
            negatives = [f for f in found if not f["positive"]]
            for f in found:
                del f["positive"]
            self.out.truth[eid] = {"values": positives, "lookalikes": negatives}
        if subject and subject.id not in self.out.subjects:
            self.out.subjects.append(subject.id)
        self.clock += self.rng.randint(20, 400)  # gateway processing before the next event
        return eid

    def _rid(self) -> int | str:
        self._next_id += 1
        return f"req-{self._next_id}" if self.string_ids else self._next_id

    def exchange(
        self,
        server: Server,
        method: str,
        params: dict[str, Any],
        result: dict[str, Any] | None,
        error: dict[str, Any] | None = None,
        tool: str | None = None,
        subject: Subject | None = None,
        deny: tuple[str, str] | None = None,
        latency: tuple[float, float] = (15, 600),
    ) -> tuple[str, str]:
        """A request and its response; returns both event ids."""
        rid, span = self._rid(), f"{self.rng.getrandbits(64):016x}"
        req = {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}
        req_id = self._emit(server, "request", method, tool, req, subject, deny, None, span)
        if tool and not deny and self.rng.random() < 0.15:
            self.wait(latency[0] / 2, latency[1] / 2)
            self.notify(
                server,
                "notifications/progress",
                {"progressToken": rid, "progress": 50, "total": 100},
            )
        if deny:
            latency = (0.8, 6.0)
            error = {
                "code": -32001,
                "message": f"Forbidden: {deny[1]}",
                "data": {"policy": deny[0]},
            }
        start = self.clock
        self.wait(*latency)
        resp: dict[str, Any] = {"jsonrpc": "2.0", "id": rid}
        resp.update({"error": error} if error is not None else {"result": result})
        lat = round((self.clock - start) / 1000, 1)
        resp_id = self._emit(server, "response", method, tool, resp, subject, deny, lat, span)
        return req_id, resp_id

    def notify(self, server: Server, method: str, params: dict[str, Any] | None = None) -> str:
        """A notification (either direction); no id, no response."""
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        return self._emit(server, "notification", method, None, msg)

    def handshake(self, server: Server) -> None:
        """initialize, its response, notifications/initialized."""
        params = {
            "protocolVersion": PROTOCOL,
            "capabilities": {"roots": {"listChanged": True}, "sampling": {}},
            "clientInfo": {"name": self.agent.client_id, "version": "1.8.3"},
        }
        result = {
            "protocolVersion": PROTOCOL,
            "capabilities": {
                "tools": {"listChanged": True},
                "resources": {"subscribe": False},
                "logging": {},
            },
            "serverInfo": {"name": server.name, "version": self.neg("VERSION", server.version)},
        }
        self.exchange(server, "initialize", params, result, latency=(5, 120))
        self.notify(server, "notifications/initialized")

    def list_tools(self, server: Server, changed: dict[str, str] | None = None) -> str:
        """tools/list and its response; `changed` rewrites descriptions. Returns the response id."""
        changed = changed or {}
        tools = [t.listing(changed.get(t.name)) for t in server.tools]
        return self.exchange(server, "tools/list", {}, {"tools": tools}, latency=(3, 80))[1]

    def call(
        self,
        server: Server,
        tool: Tool,
        outcome: Outcome,
        subject: Subject | None = None,
        deny: tuple[str, str] | None = None,
        latency: tuple[float, float] = (40, 900),
    ) -> str:
        """tools/call with the builder's arguments and result; returns the request id."""
        params = {"name": tool.name, "arguments": outcome.arguments}
        return self.exchange(
            server,
            "tools/call",
            params,
            outcome.result,
            outcome.error,
            tool.name,
            subject,
            deny,
            latency,
        )[0]

    def read_resource(
        self, server: Server, uri: str, mime: str, body: str, subject: Subject
    ) -> str:
        """resources/read of one resource; returns the request id."""
        result = {"contents": [{"uri": uri, "mimeType": mime, "text": body}]}
        return self.exchange(
            server, "resources/read", {"uri": uri}, result, subject=subject, latency=(10, 300)
        )[0]

    def cancelled_call(self, server: Server, tool: Tool, outcome: Outcome, subject: Subject) -> str:
        """A tools/call the client gives up on: the request, then notifications/cancelled."""
        rid = self._rid()
        params = {"name": tool.name, "arguments": outcome.arguments}
        req = {"jsonrpc": "2.0", "id": rid, "method": "tools/call", "params": params}
        eid = self._emit(server, "request", "tools/call", tool.name, req, subject)
        self.wait(2000, 20000)
        self.notify(
            server, "notifications/cancelled", {"requestId": rid, "reason": "User cancelled"}
        )
        return eid
