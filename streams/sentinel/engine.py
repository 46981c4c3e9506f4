"""The sentinel: governed events in, one alert per incident out, state in a store.

Transport-free: `Sentinel.observe(event)` is called per governed event by the
embedded runner (state in a dict) and by the faust agent (state in a changelog-backed
Table). State is two JSON dicts per event: the session's (`s:<tenant>|<session>`)
and the agent's (`a:<tenant>|<agent>`), bounded by event-time windows and caps, so
a table holds plain JSON and survives a restart through its changelog.

Replays are harmless: a session remembers the ids of its last events and skips a
repeat, so at-least-once delivery neither double-counts nor re-alerts. An incident
is remembered (rule and group, with an expiry) where it happened, so its later
events are suppressed; hits of several rules on one event become one alert.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from streams.alerts import make_alert
from streams.sentinel.facts import Observed, observe
from streams.sentinel.grammar import SEVERITY_RANK, Rule
from streams.sentinel.kinds import Ctx, Evaluator, Hit, evaluator_for
from streams.sentinel.model import Model
from streams.sentinel.rules import LoadedRule, load_rules

log = logging.getLogger(__name__)
STATE_VERSION = 1


class StateStore(Protocol):
    """What the engine needs of its state: a dict, or a faust Table."""

    def __contains__(self, key: object) -> bool: ...
    def __getitem__(self, key: str) -> Any: ...
    def __setitem__(self, key: str, value: Any) -> None: ...
    def __delitem__(self, key: str) -> None: ...


@dataclass(frozen=True)
class Limits:
    """Bounds on state: sessions idle longer than `session_ttl` (event time) are forgotten."""

    session_ttl: float = 4 * 3600.0
    live_sessions: int = 2000
    seen_ids: int = 1024
    evidence: int = 200
    annotated_servers: int = 64


class Sentinel:
    """Evaluate the rules over governed events; returns alerts (contract section 4)."""

    def __init__(self, rules: Iterable[Rule | LoadedRule], model: Model | None = None,
                 store: StateStore | None = None, limits: Limits | None = None) -> None:
        self.rules: list[Rule] = [r.rule if isinstance(r, LoadedRule) else r for r in rules]
        self.model = model or Model()
        self.store: StateStore = store if store is not None else {}
        self.limits = limits or Limits()
        self.evaluators: list[Evaluator] = [evaluator_for(r, self.model) for r in self.rules]
        self._order = {r.id: i for i, r in enumerate(self.rules)}

    @classmethod
    def from_files(cls, rules: Sequence[str | Path] = (), model: str | Path | None = None, *,
                   builtin: bool = True, store: StateStore | None = None) -> Sentinel:
        """The shipped rules plus `rules`, and the model file when one is given."""
        return cls(load_rules(rules, builtin=builtin), Model.load(model) if model else None,
                   store)

    # -- the stage ----------------------------------------------------------------------
    def observe(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Alerts this governed event completes (usually none)."""
        try:
            seen = observe(event)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("sentinel: skipped event %s: %s", event.get("event_id"), exc)
            return []
        ctx = self.context(seen)
        if ctx is None:
            return []
        hits: list[Hit] = []
        for ev in self.evaluators:
            try:
                hits += ev.observe(ctx)
            except Exception:  # noqa: BLE001 - one broken rule must not stop the stream
                log.exception("sentinel: rule %s failed on event %s", ev.rule.id, seen.event_id)
        alert = self._incident(ctx, hits)
        self.save(ctx)
        return [alert] if alert else []

    def context(self, seen: Observed) -> Ctx | None:
        """Load the event's state; None when the session already saw this event (a replay)."""
        skey, akey = f"s:{seen.session_key}", f"a:{seen.agent_key}"
        session: dict[str, Any] = self.store[skey] if skey in self.store else {"v": STATE_VERSION}
        agent: dict[str, Any] = self.store[akey] if akey in self.store else {"v": STATE_VERSION}
        ids: list[str] = session.setdefault("ids", [])
        if seen.event_id in ids:
            return None
        ids.append(seen.event_id)
        del ids[:-self.limits.seen_ids]
        for holder in (session, agent):
            holder["t"] = max(float(holder.get("t", seen.t)), seen.t)
        self._annotations(seen, agent)
        return Ctx(seen, session, agent, self.model)

    def save(self, ctx: Ctx) -> None:
        """Store both states back (a faust Table writes its changelog on set)."""
        self._sweep(ctx)
        self.store[f"s:{ctx.seen.session_key}"] = ctx.session
        self.store[f"a:{ctx.seen.agent_key}"] = ctx.agent

    # -- internals ----------------------------------------------------------------------
    def _annotations(self, seen: Observed, agent: dict[str, Any]) -> None:
        """Remember what tools/list says of each tool; fill the event's annotation facts."""
        f = seen.facts
        memory: dict[str, dict[str, list[Any]]] = agent.setdefault("ann", {})
        if f["method"] == "tools/list" and f["direction"] == "response":
            tools = seen.listed_tools()
            if tools:
                memory[f["server"]] = {t.name: [t.read_only, t.open_world, t.destructive]
                                       for t in tools}
                while len(memory) > self.limits.annotated_servers:
                    del memory[next(iter(memory))]
        if f["tool"]:
            ann = memory.get(f["server"], {}).get(f["tool"]) or self.model.annotation(
                f["tenant"], f["server"], f["tool"])
            if ann:
                f["read_only"], f["open_world"], f["destructive"] = ann[:3]

    def _sweep(self, ctx: Ctx) -> None:
        """Forget sessions of this agent idle for longer than the TTL (event time)."""
        live: dict[str, float] = ctx.agent.setdefault("live", {})
        now, sid = ctx.seen.t, ctx.seen.facts["session"]
        live[sid] = max(live.get(sid, now), now)
        stale = [s for s, t in live.items() if now - t > self.limits.session_ttl]
        if len(live) - len(stale) > self.limits.live_sessions:
            stale += sorted((s for s in live if s not in stale), key=live.__getitem__)[
                : len(live) - len(stale) - self.limits.live_sessions]
        for s in stale:
            del live[s]
            key = f"s:{ctx.seen.facts['tenant']}|{s}"
            if s != sid and key in self.store:
                del self.store[key]

    def _incident(self, ctx: Ctx, hits: list[Hit]) -> dict[str, Any] | None:
        """Suppress repeats; fold the rest into the session's incident, or raise one.

        A rule's hit is a repeat while its (rule, group) is open where it happened.
        The session has one incident at a time: hits no more severe than it are
        folded in; a more severe hit raises it again (a new alert naming the one it
        supersedes), so a read that was merely new, then a leak, reach the SOC as
        the leak.
        """
        now = ctx.seen.t
        fresh = []
        for hit in hits:
            holder = ctx.session if hit.scope == "session" else ctx.agent
            open_: dict[str, float] = holder.setdefault("inc", {})
            for k in [k for k, until in open_.items() if until < now]:
                del open_[k]
            key = f"{hit.rule.id}|{hit.group}"
            if key not in open_:
                open_[key] = now + hit.rule.suppress
                fresh.append(hit)
        if not fresh:
            return None
        fresh.sort(key=lambda h: (-SEVERITY_RANK[h.severity], self._order[h.rule.id]))
        top = fresh[0]
        sid = top.session or ctx.seen.facts["session"]
        other = f"s:{ctx.seen.facts['tenant']}|{sid}" if sid != ctx.seen.facts["session"] else ""
        if other and other not in self.store:  # that session is gone: no incident to join
            other = ""
        holder = self.store[other] if other else ctx.session
        current = holder.get("incident")
        if current and current["until"] >= now and \
                SEVERITY_RANK[top.severity] <= current["rank"]:
            current["folded"] = int(current.get("folded", 0)) + len(fresh)
            current["until"] = max(current["until"], now + top.rule.suppress)
            alert = None
        else:
            live = current if current and current["until"] >= now else None
            key = live["key"] if live else f"{ctx.seen.facts['tenant']}|{sid}|{ctx.seen.event_id}"
            alert = self._alert(ctx, fresh, key, live)
            holder["incident"] = {"key": key, "rank": SEVERITY_RANK[top.severity],
                                  "until": now + top.rule.suppress,
                                  "alert_id": alert["alert_id"], "folded": 0}
        if other:
            self.store[other] = holder
        return alert

    def _alert(self, ctx: Ctx, fresh: list[Hit], key: str,
               current: dict[str, Any] | None) -> dict[str, Any]:
        """The alert of an incident (key: stable for the incident, so replays repeat its id)."""
        top = fresh[0]
        return make_alert(
            rule_id=top.rule.id, severity=top.severity, title=top.title,
            description=top.description, incident_key=key,
            events=self._evidence(ctx, fresh), product="sentinel",
            observables={**top.observables, "rule_title": top.rule.title,
                         "supersedes": current["alert_id"] if current else None,
                         "related": [{"rule_id": h.rule.id, "severity": h.severity,
                                      "title": h.title} for h in fresh[1:]]},
            time=max([ctx.seen.iso] + [s[2] for h in fresh for s in h.evidence]),
        )

    def _evidence(self, ctx: Ctx, hits: list[Hit]) -> list[dict[str, Any]]:
        """Evidence as make_alert wants it: the named session's events first, then others."""
        f = ctx.seen.facts
        sid = hits[0].session or f["session"]
        stubs: dict[str, list[Any]] = {}
        for hit in hits:
            for s in hit.evidence:
                stubs.setdefault(s[0], s)
        ordered = sorted(stubs.values(), key=lambda s: (s[3] != sid, s[1]))
        ordered = ordered[: self.limits.evidence]
        ident = {"user": f["user"] if sid == f["session"] else None, "agent": f["agent"]}
        return [{"event_id": s[0], "time": s[2], "tenant": f["tenant"], "session_id": s[3],
                 "identity": ident} for s in ordered]
