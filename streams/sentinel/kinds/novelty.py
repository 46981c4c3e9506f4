"""`novelty` rules: a value this agent was never seen with (a tool, a server, a scope).

Cold start would make everything new, so a rule only fires once the agent has a
history: `warmup` matching events, counting those learned in training (the model)
and those seen online. With `warmup_by: server`, the history is counted per server:
an agent that called a server three times has not shown its repertoire there, one
that called it three hundred times has. An agent that appears for the first time
learns online and is silent until warm. A new value is learned when seen, so it is
reported once. With `pooled: true`, what the same agent name did in other tenants
during training counts too, for the values known and for the warm-up: an agent
product deployed in several tenants shares one repertoire.
"""

from __future__ import annotations

from typing import Any

from streams.sentinel.facts import FACTS
from streams.sentinel.grammar import NoveltyRule, first_taking
from streams.sentinel.kinds.base import Ctx, Hit, names
from streams.sentinel.model import Model

MAX_VALUES = 1000
MAX_BUCKETS = 256


class NoveltyEval:
    def __init__(self, rule: NoveltyRule, model: Model) -> None:
        self.rule, self.model = rule, model

    def _values(self, ctx: Ctx) -> tuple[list[str], str] | None:
        f = ctx.seen.facts
        if first_taking(self.rule.when, f) is None:
            return None
        raw = f.get(self.rule.field)
        values = list(raw or []) if FACTS[self.rule.field] == "list" else [raw]
        bucket = str(f.get(self.rule.warmup_by) or "") if self.rule.warmup_by else "*"
        return [str(v) for v in values if v not in (None, "")], bucket

    @staticmethod
    def _remember(st: dict[str, Any], values: list[str], bucket: str) -> None:
        counts: dict[str, int] = st.setdefault("n", {})
        counts[bucket] = counts.get(bucket, 0) + 1
        while len(counts) > MAX_BUCKETS:
            del counts[min(counts, key=counts.__getitem__)]
        seen: dict[str, int] = st.setdefault("v", {})
        for v in values:
            seen[v] = seen.get(v, 0) + 1
        while len(seen) > MAX_VALUES:
            del seen[min(seen, key=seen.__getitem__)]

    def observe(self, ctx: Ctx) -> list[Hit]:
        got = self._values(ctx)
        if got is None:
            return []
        values, bucket = got
        agent = ctx.seen.agent_key
        counts, known = self.model.known(self.rule.id, "agents", agent)
        trained = counts.get(bucket, 0)
        st = ctx.mine(self.rule.id, "agent")
        novel = [v for v in values if v not in known and v not in st.get("v", {})]
        if self.rule.pooled:
            pooled, pool = self.model.known(self.rule.id, "names", ctx.seen.facts["agent"])
            trained = max(trained, pooled.get(bucket, 0))
            novel = [v for v in novel if v not in pool]
        history = trained + int(st.get("n", {}).get(bucket, 0))
        self._remember(st, values, bucket)
        if not novel or history < self.rule.warmup:
            return []
        f = ctx.seen.facts
        where = f" on {self.rule.warmup_by} {bucket!r}" if self.rule.warmup_by else ""
        return [Hit(
            rule=self.rule, severity=self.rule.severity, group=f"{agent}|{'|'.join(novel)}",
            scope="agent", evidence=[ctx.seen.stub()],
            title=f"{self.rule.title}: {names(novel)}",
            description=(f"Agent {f['agent']!r} of tenant {f['tenant']!r} used "
                         f"{self.rule.field} {names(novel)} for the first time, after "
                         f"{history} earlier events{where} without it."),
            observables={"field": self.rule.field, "new": novel, "history": history},
        )]

    def learn(self, ctx: Ctx, stats: dict[str, Any]) -> None:
        got = self._values(ctx)
        if got is not None:
            for level, who in (("agents", ctx.seen.agent_key), ("names", ctx.seen.facts["agent"])):
                self._remember(stats.setdefault(level, {}).setdefault(who, {}), *got)

    def finish(self, stats: dict[str, Any], model: Model) -> None:
        model.novelty[self.rule.id] = {"field": self.rule.field, **{
            level: {who: {"n": s.get("n", {}), "values": sorted(s.get("v", {}))}
                    for who, s in stats.get(level, {}).items()}
            for level in ("agents", "names")}}
