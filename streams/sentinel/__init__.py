"""The sentinel stage: stateful detection over governed events, one alert per incident.

`Sentinel.observe(event)` is the stage (transport-free); rules are YAML
(`detectors/rules/*.yaml`, grammar in docs/sentinel.md), the learned model is JSON
(`mcpgov sentinel train`), `sentinel_agent` wires it to Kafka with faust.
"""

from __future__ import annotations

from streams.sentinel.engine import Limits, Sentinel, StateStore
from streams.sentinel.errors import ModelError, RuleConfigError, SentinelError, TrainingError
from streams.sentinel.model import Model
from streams.sentinel.rules import load_rules
from streams.sentinel.train import jsonl_events, lake_events, train

__all__ = [
    "Limits", "Model", "ModelError", "RuleConfigError", "Sentinel", "SentinelError",
    "StateStore", "TrainingError", "jsonl_events", "lake_events", "load_rules", "train",
]
