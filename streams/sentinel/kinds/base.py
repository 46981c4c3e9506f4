"""What evaluators share: the per-event context, the hit they return, window helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from streams.sentinel.facts import Observed
from streams.sentinel.grammar import Rule
from streams.sentinel.model import Model

Stub = list[Any]  # [event_id, epoch seconds, iso time, session_id]


@dataclass(slots=True)
class Ctx:
    """One event and the state it may read and change (the engine stores it back)."""

    seen: Observed
    session: dict[str, Any]
    agent: dict[str, Any]
    model: Model

    def mine(self, rule_id: str, scope: str = "session") -> dict[str, Any]:
        """The rule's own corner of the session's or the agent's state."""
        holder = self.session if scope == "session" else self.agent
        rules: dict[str, Any] = holder.setdefault("r", {})
        return rules.setdefault(rule_id, {})  # type: ignore[no-any-return]


@dataclass(slots=True)
class Hit:
    """A rule's finding on one event, before grouping and suppression."""

    rule: Rule
    severity: str
    group: str  # what makes two hits the same incident (with the rule id)
    scope: str  # where the incident is remembered: "session" or "agent"
    evidence: list[Stub]
    title: str
    description: str
    observables: dict[str, Any] = field(default_factory=dict)
    session: str | None = None  # the session the alert names (default: the event's)


class Evaluator(Protocol):
    @property
    def rule(self) -> Rule: ...

    def observe(self, ctx: Ctx) -> list[Hit]: ...

    def learn(self, ctx: Ctx, stats: dict[str, Any]) -> None: ...

    def finish(self, stats: dict[str, Any], model: Model) -> None: ...


def prune(stubs: list[Stub], now: float, window: float, cap: int) -> list[Stub]:
    """Entries younger than `window` (event time), at most `cap`, oldest first."""
    kept = [s for s in stubs if now - s[1] <= window]
    kept.sort(key=lambda s: s[1])
    return kept[-cap:]


def names(items: list[str], limit: int = 5) -> str:
    """`a, b, c and 2 more`: a readable list for titles and descriptions."""
    uniq = list(dict.fromkeys(items))
    shown = ", ".join(uniq[:limit])
    return f"{shown} and {len(uniq) - limit} more" if len(uniq) > limit else shown
