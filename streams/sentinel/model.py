"""The learned model: what normal looks like per agent, as one versioned JSON file.

Training (`streams.sentinel.train`) runs the rules over past governed events and
keeps, per rule and per agent (`tenant|agent`): the largest count a threshold rule
saw in its window (its baseline), the values a novelty rule saw (the agent's
history), the sinks a flow rule saw as routine, and for markov rules the counts of
tool transitions. Tool definitions and annotations seen in tools/list responses are
kept per `tenant|server`. The online stage only reads the model; it learns what is
new into its own state.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.sentinel.errors import ModelError

FORMAT = "mcpgov-sentinel-model/1"


class MarkovTable:
    """Transition counts of one agent (or one agent name) with Witten-Bell smoothing."""

    def __init__(self, counts: dict[str, dict[str, int]]) -> None:
        self.counts = counts
        self.total = {a: sum(nx.values()) for a, nx in counts.items()}
        self.types = {a: len(nx) for a, nx in counts.items()}
        uni: dict[str, int] = {}
        for nx in counts.values():
            for b, c in nx.items():
                uni[b] = uni.get(b, 0) + c
        self.unigram, self.n = uni, sum(uni.values())

    def support(self, prev: str) -> int:
        return self.total.get(prev, 0)

    def probability(self, prev: str, nxt: str) -> float:
        """P(nxt | prev): seen transitions, backed off to how often `nxt` occurs at all."""
        uni = (self.unigram.get(nxt, 0) + 1) / (self.n + len(self.unigram) + 1)
        total, types = self.total.get(prev, 0), self.types.get(prev, 0)
        if total == 0:
            return uni
        return (self.counts[prev].get(nxt, 0) + types * uni) / (total + types)

    def bits(self, prev: str, nxt: str) -> float:
        return -math.log2(self.probability(prev, nxt))


@dataclass
class Model:
    """Per-rule, per-agent statistics learned from past traffic (empty: nothing learned)."""

    trained: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, dict[str, Any]] = field(default_factory=dict)
    novelty: dict[str, dict[str, Any]] = field(default_factory=dict)
    flows: dict[str, dict[str, Any]] = field(default_factory=dict)
    markov: dict[str, dict[str, Any]] = field(default_factory=dict)
    definitions: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    annotations: dict[str, dict[str, list[bool | None]]] = field(default_factory=dict)
    _tables: dict[tuple[str, str, str], MarkovTable] = field(default_factory=dict, repr=False)
    _known: dict[tuple[str, str, str], set[str]] = field(default_factory=dict, repr=False)

    # -- reading ------------------------------------------------------------------------
    def baseline(self, rule_id: str, agent: str, window_s: float) -> int | None:
        """Largest count the rule saw for the agent in one window, if trained alike."""
        rec = self.thresholds.get(rule_id)
        if not rec or abs(float(rec.get("window_s", 0)) - window_s) > 1e-6:
            return None
        value = rec.get("agents", {}).get(agent)
        return int(value) if value is not None else None

    def known(self, rule_id: str, level: str, who: str) -> tuple[dict[str, int], set[str]]:
        """Matching events of an agent (`level="agents"`) or an agent name (`"names"`) in
        training, by warm-up bucket, and the values seen."""
        rec = self.novelty.get(rule_id, {}).get(level, {}).get(who)
        if rec is None:
            return {}, set()
        if (rule_id, level, who) not in self._known:
            self._known[(rule_id, level, who)] = set(rec.get("values", []))
        return dict(rec.get("n", {})), self._known[(rule_id, level, who)]

    def routine(self, rule_id: str, level: str, who: str, sink: str) -> int:
        """In how many training sessions the agent's (or agent name's) data reached `sink`."""
        return int(self.flows.get(rule_id, {}).get(level, {}).get(who, {}).get(sink, 0))

    def transitions(self, rule_id: str, level: str, who: str) -> MarkovTable | None:
        """The markov table of an agent (`level="agents"`) or an agent name (`"names"`)."""
        key = (rule_id, level, who)
        if key not in self._tables:
            counts = self.markov.get(rule_id, {}).get(level, {}).get(who)
            if counts is None:
                return None
            self._tables[key] = MarkovTable(counts)
        return self._tables[key]

    def definition(self, tenant: str, server: str, tool: str) -> list[str]:
        """Digests of the tool's definitions seen in training (newest last)."""
        return list(self.definitions.get(f"{tenant}|{server}", {}).get(tool, []))

    def annotation(self, tenant: str, server: str, tool: str) -> list[bool | None] | None:
        return self.annotations.get(f"{tenant}|{server}", {}).get(tool)

    # -- files --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "trained": self.trained, "thresholds": self.thresholds,
                "novelty": self.novelty, "flows": self.flows, "markov": self.markov,
                "definitions": self.definitions, "annotations": self.annotations}

    @classmethod
    def from_dict(cls, doc: Any, source: str = "model") -> Model:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise ModelError(f"{source}: not a sentinel model (format {found!r}, "
                             f"expected {FORMAT!r}); train one with `mcpgov sentinel train`")
        parts = ("thresholds", "novelty", "flows", "markov", "definitions", "annotations")
        for part in parts:
            if not isinstance(doc.get(part, {}), dict):
                raise ModelError(f"{source}: {part} must be an object")
        return cls(dict(doc.get("trained") or {}), *(dict(doc.get(p) or {}) for p in parts))

    @classmethod
    def load(cls, path: str | Path) -> Model:
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelError(f"no such model file: {path}") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the model: {exc}") from exc
        return cls.from_dict(doc, str(path))

    def save(self, path: str | Path) -> Path:
        """Write atomically (temp file, then rename): a reader never sees half a model."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_dict(), fh, sort_keys=True, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target
