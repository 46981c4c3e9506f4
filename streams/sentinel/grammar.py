"""The rule grammar as pydantic models: what a rule file may say, checked before use.

One file holds `version: 1` and a list of `rules`; each rule has a `kind` that says
how it keeps state (see docs/sentinel.md for the grammar with examples):

- `flow`: data a `source` event brought into the session reaches a `sink` event;
- `threshold`: `count` matching events (or distinct values of a fact) in a window;
- `novelty`: a value of a fact this agent was never seen with, after a warm-up;
- `definition_change`: a tool whose tools/list definition differs from the known one;
- `markov`: a run of tool transitions the agent's learned model finds improbable.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from streams.sentinel.facts import FACTS
from streams.sentinel.match import Test, compile_match, holds

Severity = Literal["low", "medium", "high", "critical"]
DataClass = Literal["PCI", "PHI", "PII", "FINANCIAL", "SECRET"]
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_duration(value: Any) -> float:
    """`90`, `90s`, `10m`, `1h`, `2d` -> seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string like 30s, 10m, 1h")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(f"invalid duration {value!r}: use e.g. 30s, 10m, 1h, 2d")
        seconds = float(m.group(1)) * _UNIT[m.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


Duration = Annotated[float, Field(description="seconds, or 30s / 10m / 1h / 2d")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(_Strict):
    """Which events a step takes: every `match` entry holds and no `unless` block does."""

    match: dict[str, Any] = Field(default_factory=dict)
    unless: dict[str, Any] | list[dict[str, Any]] = Field(default_factory=dict)
    carry: bool = False
    _match: list[Test] = PrivateAttr(default_factory=list)
    _unless: list[list[Test]] = PrivateAttr(default_factory=list)

    @field_validator("match")
    @classmethod
    def _check_match(cls, v: dict[str, Any]) -> dict[str, Any]:
        compile_match(v)
        return v

    @field_validator("unless")
    @classmethod
    def _check_unless(cls, v: Any) -> Any:
        for block in v if isinstance(v, list) else [v]:
            compile_match(block)
        return v

    def model_post_init(self, __context: Any) -> None:
        self._match = compile_match(self.match)
        blocks = self.unless if isinstance(self.unless, list) else [self.unless]
        self._unless = [compile_match(b) for b in blocks if b]

    def takes(self, facts: dict[str, Any]) -> bool:
        return holds(self._match, facts) and not any(holds(u, facts) for u in self._unless)


Selectors = Selector | list[Selector]


def first_taking(selectors: Selectors, facts: dict[str, Any]) -> Selector | None:
    """The first selector of a step that takes the event, if any."""
    for s in selectors if isinstance(selectors, list) else [selectors]:
        if s.takes(facts):
            return s
    return None


class _Rule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    severity: Severity
    enabled: bool = True
    suppress: Duration = 3600.0
    tags: list[str] = Field(default_factory=list)

    @field_validator("suppress", "window", mode="before", check_fields=False)
    @classmethod
    def _duration(cls, v: Any) -> float:
        return parse_duration(v)

    @property
    def family(self) -> str:
        return self.id.split(".")[0]


class FlowRule(_Rule):
    kind: Literal["flow"]
    window: Duration
    source: Selectors
    sink: Selectors
    severity_by_class: dict[DataClass, Severity] = Field(default_factory=dict)
    routine_sessions: int = Field(default=0, ge=0)
    pooled: bool = False

    @model_validator(mode="after")
    def _carry_on_sinks(self) -> FlowRule:
        sources = self.source if isinstance(self.source, list) else [self.source]
        if any(s.carry for s in sources):
            raise ValueError("carry applies to sink selectors only")
        return self


class Baseline(_Strict):
    factor: float = Field(default=2.0, ge=1.0)
    floor: int = Field(default=1, ge=1)


class ThresholdRule(_Rule):
    kind: Literal["threshold"]
    scope: Literal["session", "agent"] = "session"
    window: Duration
    count: int = Field(ge=1)
    distinct: str | None = None
    baseline: Baseline | None = None
    when: Selectors

    @field_validator("distinct")
    @classmethod
    def _fact(cls, v: str | None) -> str | None:
        if v is not None and v not in FACTS:
            raise ValueError(f"unknown fact {v!r} (known: {', '.join(FACTS)})")
        return v


class NoveltyRule(_Rule):
    kind: Literal["novelty"]
    field: str
    when: Selectors
    warmup: int = Field(default=30, ge=0)
    warmup_by: str | None = None
    pooled: bool = False

    @field_validator("field")
    @classmethod
    def _fact(cls, v: str) -> str:
        if v not in FACTS or FACTS[v] == "bool":
            raise ValueError(f"novelty needs a text or list fact, not {v!r}")
        return v

    @field_validator("warmup_by")
    @classmethod
    def _bucket(cls, v: str | None) -> str | None:
        if v is not None and FACTS.get(v) != "str":
            raise ValueError(f"warmup_by needs a text fact, not {v!r}")
        return v


class DefinitionRule(_Rule):
    kind: Literal["definition_change"]
    when: Selectors = Field(default_factory=lambda: Selector(
        match={"method": "tools/list", "direction": "response"}))


class MarkovRule(_Rule):
    kind: Literal["markov"]
    when: Selectors
    symbol: str = "server_tool"
    transitions: int = Field(default=5, ge=1, le=50)
    min_bits: float = Field(default=20.0, gt=0)
    max_probability: float = Field(default=0.01, gt=0, lt=1)
    min_support: int = Field(default=20, ge=1)

    @field_validator("symbol")
    @classmethod
    def _fact(cls, v: str) -> str:
        if FACTS.get(v) != "str":
            raise ValueError(f"symbol must be a text fact, not {v!r}")
        return v


Rule = Annotated[FlowRule | ThresholdRule | NoveltyRule | DefinitionRule | MarkovRule,
                 Field(discriminator="kind")]


class RuleFile(_Strict):
    version: Literal[1]
    rules: list[Rule] = Field(min_length=1)
