"""`flow` rules: data a source event brought into the session reaches a sink event.

The toxic flow: a tool result carrying PHI/PCI/PII/SECRET, then a call that can send
data out. Pairs are made on event time, not arrival order, because one session's
events may travel on several regional topics. A sink selector with `carry: true`
fires only when the call holds a token that a source result held (the same value,
tokenized with the same key), which is how write tools that are not obviously
senders (a payment, a refund) are told apart from exfiltration. A sink that was
routine for the agent in training (`routine_sessions`; with `pooled: true`, for the
same agent name in any tenant) is its normal work.
"""

from __future__ import annotations

from typing import Any

from streams.sentinel.grammar import SEVERITY_RANK, FlowRule, Selector, first_taking
from streams.sentinel.kinds.base import Ctx, Hit, names, prune
from streams.sentinel.model import Model

MAX_SOURCES = 64
MAX_SINKS = 16
MAX_EVIDENCE = 10
# sources: [event_id, t, iso, session, classes, tokens, what]
# sinks:   [event_id, t, iso, session, selector index, tokens, what]
_CLASSES = _SEL = 4
_TOKENS, _WHAT = 5, 6


class FlowEval:
    def __init__(self, rule: FlowRule, model: Model) -> None:
        self.rule, self.model = rule, model
        self.sinks = rule.sink if isinstance(rule.sink, list) else [rule.sink]

    def _step(self, ctx: Ctx) -> list[tuple[list[Any], list[list[Any]], Selector]]:
        """Update the session's sources and sinks; return (sink, sources, selector) pairs."""
        f, now, st = ctx.seen.facts, ctx.seen.t, ctx.mine(self.rule.id)
        hw, window = float(ctx.session.get("t", now)), self.rule.window
        pairs = []
        if first_taking(self.rule.source, f) is not None:
            src = [*ctx.seen.stub(), f["data_classes"], ctx.seen.tokens(), f["tool"] or f["method"]]
            st["src"] = prune([*st.get("src", []), src], hw, window, MAX_SOURCES)
            for snk in st.get("snk", []):  # a sink that arrived before this earlier source
                sel = self.sinks[snk[_SEL]]
                if 0 <= snk[1] - src[1] <= window:
                    pairs.append((snk, [src], sel))
        sel = first_taking(self.sinks, f)
        if sel is not None:
            snk = [*ctx.seen.stub(), self.sinks.index(sel), ctx.seen.tokens(), f["server_tool"]]
            sources = [s for s in st.get("src", [])
                       if 0 <= now - s[1] <= window and s[0] != ctx.seen.event_id]
            if sources:
                pairs.append((snk, sources, sel))
            st["snk"] = prune([*st.get("snk", []), snk], hw, window, MAX_SINKS)
        return pairs

    def _hit(self, ctx: Ctx, snk: list[Any], sources: list[list[Any]],
             sel: Selector) -> Hit | None:
        carried = set(snk[_TOKENS])
        if sel.carry:
            sources = [s for s in sources if carried.intersection(s[_TOKENS])]
        if not sources:
            return None
        sources = sources[-MAX_EVIDENCE:]
        shared = carried.intersection(*[{t for s in sources for t in s[_TOKENS]}])
        classes = sorted({c for s in sources for c in s[_CLASSES]})
        severity = max([self.rule.severity, *(self.rule.severity_by_class.get(c, "low")
                                              for c in classes)], key=SEVERITY_RANK.__getitem__)
        f, sink = ctx.seen.facts, snk[_WHAT]
        read = names([s[_WHAT] for s in sources])
        return Hit(
            rule=self.rule, severity=severity, group=f["session"], scope="session",
            evidence=[s[:4] for s in sources] + [snk[:4]],
            title=f"{'/'.join(classes) or 'Sensitive data'} read, then sent out through {sink}",
            description=(f"Agent {f['agent']!r} received {', '.join(classes) or 'sensitive'} "
                         f"data from {read} and then called {sink}, a tool that can send data "
                         f"out of the tenant, in the same session"
                         + (f"; {len(shared)} of the values read appear in that call"
                            if shared else "") + "."),
            observables={"source_tools": sorted({s[_WHAT] for s in sources}), "sink": sink,
                         "data_classes": classes, "carried_values": len(shared),
                         "sink_selector": snk[_SEL]},
        )

    def _routine(self, ctx: Ctx, sink: str) -> bool:
        if not self.rule.routine_sessions:
            return False
        seen = self.model.routine(self.rule.id, "agents", ctx.seen.agent_key, sink)
        if self.rule.pooled:
            seen = max(seen, self.model.routine(self.rule.id, "names", ctx.seen.facts["agent"],
                                                sink))
        return seen >= self.rule.routine_sessions

    def observe(self, ctx: Ctx) -> list[Hit]:
        hits = []
        for snk, sources, sel in self._step(ctx):
            if self._routine(ctx, snk[_WHAT]):
                continue
            hit = self._hit(ctx, snk, sources, sel)
            if hit is not None:
                hits.append(hit)
        return hits[:1]

    def learn(self, ctx: Ctx, stats: dict[str, Any]) -> None:
        """Count, per agent and sink, the sessions in which this flow happened."""
        done = ctx.mine(self.rule.id).setdefault("learned", [])
        for snk, sources, sel in self._step(ctx):
            if snk[_WHAT] not in done and self._hit(ctx, snk, sources, sel) is not None:
                done.append(snk[_WHAT])
                for level, who in (("agents", ctx.seen.agent_key),
                                   ("names", ctx.seen.facts["agent"])):
                    per = stats.setdefault(level, {}).setdefault(who, {})
                    per[snk[_WHAT]] = per.get(snk[_WHAT], 0) + 1

    def finish(self, stats: dict[str, Any], model: Model) -> None:
        model.flows[self.rule.id] = {"agents": stats.get("agents", {}),
                                     "names": stats.get("names", {})}
