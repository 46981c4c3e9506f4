"""`markov` rules: a run of tool transitions the agent's learned model finds improbable.

A first-order Markov chain per agent (`tenant|agent`), backed off to the same agent
name across tenants when the agent's own history of the previous step is thin,
trained from the lake. Online, each session keeps its last `transitions` scored
steps; their surprisal in bits (-log2 P) is the score. It fires when the score
reaches `min_bits` and at least one step is below `max_probability`: one odd step
in a long routine is not enough, nor is a run of merely uncommon ones. Steps whose
previous state has less than `min_support` training observations are not scored.
"""

from __future__ import annotations

from typing import Any

from streams.sentinel.grammar import MarkovRule, first_taking
from streams.sentinel.kinds.base import Ctx, Hit
from streams.sentinel.model import MarkovTable, Model

START = "^"


class MarkovEval:
    def __init__(self, rule: MarkovRule, model: Model) -> None:
        self.rule, self.model = rule, model

    def _symbol(self, ctx: Ctx) -> str | None:
        if first_taking(self.rule.when, ctx.seen.facts) is None:
            return None
        value = ctx.seen.facts.get(self.rule.symbol)
        return str(value) if value else None

    def _table(self, ctx: Ctx, prev: str) -> tuple[MarkovTable | None, str]:
        for level, who in (("agents", ctx.seen.agent_key), ("names", ctx.seen.facts["agent"])):
            table = self.model.transitions(self.rule.id, level, who)
            if table is not None and table.support(prev) >= self.rule.min_support:
                return table, level
        return None, ""

    def observe(self, ctx: Ctx) -> list[Hit]:
        sym = self._symbol(ctx)
        if sym is None:
            return []
        st = ctx.mine(self.rule.id)
        prev = str(st.get("p", START))
        st["p"] = sym
        table, level = self._table(ctx, prev)
        if table is None:
            return []
        p = table.probability(prev, sym)
        window = [*st.get("w", []), [table.bits(prev, sym), prev, sym, p, *ctx.seen.stub()]]
        window = window[-self.rule.transitions:]
        st["w"] = window
        score = sum(step[0] for step in window)
        odd = [step for step in window if step[3] < self.rule.max_probability]
        if score < self.rule.min_bits or not odd:
            return []
        f = ctx.seen.facts
        shown = ", ".join(f"{s[1]} -> {s[2]} (p={s[3]:.2g})" for s in odd[:5])
        return [Hit(
            rule=self.rule, severity=self.rule.severity, group=f["session"], scope="session",
            evidence=[step[4:8] for step in window],
            title=f"{self.rule.title} ({score:.0f} bits over {len(window)} steps)",
            description=(f"Agent {f['agent']!r} made {len(window)} tool transitions scoring "
                         f"{score:.1f} bits of surprisal against its learned model "
                         f"(limit {self.rule.min_bits:g}); improbable: {shown}."),
            observables={"score_bits": round(score, 2), "level": level,
                         "transitions": [{"from": s[1], "to": s[2], "p": round(s[3], 6)}
                                         for s in window],
                         "improbable": [{"from": s[1], "to": s[2], "p": round(s[3], 6)}
                                        for s in odd]},
        )]

    def learn(self, ctx: Ctx, stats: dict[str, Any]) -> None:
        sym = self._symbol(ctx)
        if sym is None:
            return
        st = ctx.mine(self.rule.id)
        prev = str(st.get("p", START))
        st["p"] = sym
        for level, who in (("agents", ctx.seen.agent_key), ("names", ctx.seen.facts["agent"])):
            row = stats.setdefault(level, {}).setdefault(who, {}).setdefault(prev, {})
            row[sym] = row.get(sym, 0) + 1

    def finish(self, stats: dict[str, Any], model: Model) -> None:
        model.markov[self.rule.id] = {"symbol": self.rule.symbol,
                                      "agents": stats.get("agents", {}),
                                      "names": stats.get("names", {})}
