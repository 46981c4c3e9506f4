"""`definition_change` rules: a tool's tools/list definition is not what it was.

A server that rewrites a tool's description after agents trusted it (a "rug pull",
or a poisoned description that instructs the model) changes the digest of its name,
description, input schema and annotations. Known digests come from the model
(per tenant and server) and from what this agent saw before; the first listing an
agent sees of a server is learned, not reported. A server going back to a definition
already known (after a reported change) is not a new change.
"""

from __future__ import annotations

from typing import Any

from streams.sentinel.grammar import DefinitionRule, first_taking
from streams.sentinel.kinds.base import Ctx, Hit, names
from streams.sentinel.model import Model

MAX_SERVERS = 64
MAX_TOOLS = 256
MAX_DIGESTS = 4


class DefinitionEval:
    def __init__(self, rule: DefinitionRule, model: Model) -> None:
        self.rule, self.model = rule, model

    def observe(self, ctx: Ctx) -> list[Hit]:
        f = ctx.seen.facts
        if first_taking(self.rule.when, f) is None:
            return []
        known: dict[str, dict[str, list[str]]] = ctx.mine(self.rule.id, "agent").setdefault(
            "d", {})
        server = known.setdefault(f["server"], {})
        changed = []
        for tool in ctx.seen.listed_tools():
            before = server.get(tool.name, []) + self.model.definition(
                f["tenant"], f["server"], tool.name)
            if before and tool.digest not in before:
                changed.append(tool)
            if tool.name in server or len(server) < MAX_TOOLS:
                mine = [d for d in server.get(tool.name, []) if d != tool.digest]
                server[tool.name] = [*mine, tool.digest][-MAX_DIGESTS:]
        while len(known) > MAX_SERVERS:
            del known[next(iter(known))]
        if not changed:
            return []
        tools = [t.name for t in changed]
        return [Hit(
            rule=self.rule, severity=self.rule.severity,
            group=f"{ctx.seen.agent_key}|{f['server']}|" + ",".join(
                f"{t.name}:{t.digest}" for t in changed),
            scope="agent", evidence=[ctx.seen.stub()],
            title=f"{self.rule.title}: {names(tools)} on {f['server']}",
            description=(f"Server {f['server']!r} listed {names(tools)} with a definition "
                         f"(description, input schema or annotations) that differs from the "
                         f"one known for tenant {f['tenant']!r}; review the new definition "
                         f"before agents call it."),
            observables={"server": f["server"], "tools": tools,
                         "digests": {t.name: t.digest for t in changed}},
        )]

    def learn(self, ctx: Ctx, stats: dict[str, Any]) -> None:
        """Definitions are learned by the trainer for every listing, not per rule."""

    def finish(self, stats: dict[str, Any], model: Model) -> None:
        """Nothing rule-specific to keep."""
