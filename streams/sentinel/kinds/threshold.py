"""`threshold` rules: too many matching events, or distinct values, in a time window.

Bulk access counts distinct data-subject tokens per agent; authorization probing
counts denied calls per session. The limit is the rule's `count`, or, when the model
holds the agent's learned baseline (the most it did in one window during training)
and the rule has a `baseline`, `max(floor, factor x baseline)`: a batch agent that
always reads 200 records is not an incident, a chat agent that reads 30 is.
An incident lasts while the count stays at or above the limit; once it falls below,
the next crossing is a new incident (an episode number in the group says which).
"""

from __future__ import annotations

import math
from typing import Any

from streams.sentinel.facts import FACTS
from streams.sentinel.grammar import ThresholdRule, first_taking
from streams.sentinel.kinds.base import Ctx, Hit, prune
from streams.sentinel.model import Model

MAX_ENTRIES = 2048
MAX_EVIDENCE = 100


class ThresholdEval:
    def __init__(self, rule: ThresholdRule, model: Model) -> None:
        self.rule, self.model = rule, model

    def limit(self, agent: str) -> tuple[int, int | None]:
        """The count that fires for this agent, and the learned baseline behind it."""
        learned = (self.model.baseline(self.rule.id, agent, self.rule.window)
                   if self.rule.baseline else None)
        if learned is None or self.rule.baseline is None:
            return self.rule.count, None
        return max(self.rule.baseline.floor, math.ceil(self.rule.baseline.factor * learned)), \
            learned

    def _step(self, ctx: Ctx) -> list[list[Any]] | None:
        """Add the event if it matches; the entries in the window, or None if no match."""
        f = ctx.seen.facts
        if first_taking(self.rule.when, f) is None:
            return None
        values: list[Any] = [None]
        if self.rule.distinct:
            raw = f.get(self.rule.distinct)
            values = list(raw or []) if FACTS[self.rule.distinct] == "list" else [raw]
            values = [v for v in values if v not in (None, "")]
            if not values:
                return None
        st = ctx.mine(self.rule.id, self.rule.scope)
        holder = ctx.session if self.rule.scope == "session" else ctx.agent
        entries = st.get("e", [])
        if self.rule.distinct:
            entries = [e for e in entries if e[4] not in values]
        entries += [[*ctx.seen.stub(), v] for v in values]
        entries = prune(entries, float(holder.get("t", ctx.seen.t)), self.rule.window,
                        MAX_ENTRIES)
        st["e"] = entries
        return entries

    def observe(self, ctx: Ctx) -> list[Hit]:
        entries = self._step(ctx)
        if entries is None:
            return []
        f, agent = ctx.seen.facts, ctx.seen.agent_key
        limit, learned = self.limit(agent)
        count = len(entries)
        st = ctx.mine(self.rule.id, self.rule.scope)
        if count < limit:
            if st.get("on"):
                st["on"], st["ep"] = False, int(st.get("ep", 0)) + 1
            return []
        st["on"] = True
        sid = self._main_session(entries, f["session"])
        ordered = sorted(entries, key=lambda e: (e[3] != sid, e[1]))[:MAX_EVIDENCE]
        what = f"distinct {self.rule.distinct} values" if self.rule.distinct else "events"
        window = _span(self.rule.window)
        basis = (f"{self.rule.baseline.factor:g} x its learned baseline of {learned}"
                 if learned is not None and self.rule.baseline else "the default limit")
        where = "this session" if self.rule.scope == "session" else "all its sessions"
        group = f"{sid if self.rule.scope == 'session' else agent}#{st.get('ep', 0)}"
        return [Hit(
            rule=self.rule, severity=self.rule.severity, group=group, scope=self.rule.scope,
            evidence=[e[:4] for e in ordered],
            title=f"{self.rule.title}: {count} {what} in {window}",
            description=(f"Agent {f['agent']!r} reached {count} {what} within {window} "
                         f"({where}); the limit is {limit}, from {basis}."),
            observables={"count": count, "limit": limit, "baseline": learned,
                         "window_s": self.rule.window, "scope": self.rule.scope,
                         "sessions": sorted({e[3] for e in entries})[:20]},
            session=sid,
        )]

    @staticmethod
    def _main_session(entries: list[list[Any]], current: str) -> str:
        """The session with most entries in the window (ties: the current one)."""
        counts: dict[str, int] = {}
        for e in entries:
            counts[e[3]] = counts.get(e[3], 0) + 1
        return max(counts, key=lambda s: (counts[s], s == current))

    def learn(self, ctx: Ctx, stats: dict[str, Any]) -> None:
        """Remember the largest count each agent reached in one window."""
        entries = self._step(ctx)
        if entries is not None:
            agent = ctx.seen.agent_key
            stats[agent] = max(int(stats.get(agent, 0)), len(entries))

    def finish(self, stats: dict[str, Any], model: Model) -> None:
        model.thresholds[self.rule.id] = {"window_s": self.rule.window,
                                          "distinct": self.rule.distinct, "agents": stats}


def _span(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"
