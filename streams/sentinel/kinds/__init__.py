"""One module per rule kind: how it keeps state, when it hits, what it learns.

Each evaluator is built from a validated rule and the model, and offers `observe`
(online: returns hits) and `learn` (training: updates the rule's part of the model).
State lives in two JSON dicts the engine loads and stores: the session's and the
agent's; an evaluator keeps its own under its rule id.
"""

from __future__ import annotations

from streams.sentinel.grammar import (
    DefinitionRule,
    FlowRule,
    MarkovRule,
    NoveltyRule,
    Rule,
    ThresholdRule,
)
from streams.sentinel.kinds.base import Ctx, Evaluator, Hit
from streams.sentinel.kinds.definition import DefinitionEval
from streams.sentinel.kinds.flow import FlowEval
from streams.sentinel.kinds.markov import MarkovEval
from streams.sentinel.kinds.novelty import NoveltyEval
from streams.sentinel.kinds.threshold import ThresholdEval
from streams.sentinel.model import Model

__all__ = ["Ctx", "Evaluator", "Hit", "evaluator_for"]


def evaluator_for(rule: Rule, model: Model) -> Evaluator:
    """The evaluator of a rule's kind."""
    if isinstance(rule, FlowRule):
        return FlowEval(rule, model)
    if isinstance(rule, ThresholdRule):
        return ThresholdEval(rule, model)
    if isinstance(rule, NoveltyRule):
        return NoveltyEval(rule, model)
    if isinstance(rule, DefinitionRule):
        return DefinitionEval(rule, model)
    assert isinstance(rule, MarkovRule)
    return MarkovEval(rule, model)
