"""Python plugins through the `mcpgov.detectors` entry-point group."""

from __future__ import annotations

import importlib.metadata
import sys
import types

import pytest
from presidio_analyzer import Pattern, PatternRecognizer

from detectors.api import (
    Classifier,
    DetectorConfig,
    DetectorConfigError,
    StringSite,
    entity_classes,
)
from detectors.plugins import ENTRY_POINT_GROUP, load_plugins


class TicketRecognizer(PatternRecognizer):
    """A plugin recognizer: internal ticket ids (TCK-1234567)."""

    DATA_CLASSES = {"PII"}
    KEY_HINTS = ["ticket_ref"]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="TICKET_ID",
            name="ticket_plugin",
            patterns=[Pattern("ticket", r"\bTCK-[0-9]{7}\b", 0.6)],
        )


def factory() -> PatternRecognizer:
    return TicketRecognizer()


def not_a_recognizer() -> str:
    return "nope"


@pytest.fixture
def plugin_module(monkeypatch) -> str:
    """A module importable by name, holding the plugin objects."""
    module = types.ModuleType("mcpgov_test_plugin")
    module.factory = factory  # type: ignore[attr-defined]
    module.TicketRecognizer = TicketRecognizer  # type: ignore[attr-defined]
    module.not_a_recognizer = not_a_recognizer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module.__name__


def _entry_points(monkeypatch, *targets: str) -> list[str]:
    eps = [importlib.metadata.EntryPoint(f"p{i}", t, ENTRY_POINT_GROUP) for i, t in enumerate(targets)]
    seen: list[str] = []

    def fake(**kwargs: object) -> list[importlib.metadata.EntryPoint]:
        seen.append(str(kwargs.get("group")))
        return eps if kwargs.get("group") == ENTRY_POINT_GROUP else []

    monkeypatch.setattr(importlib.metadata, "entry_points", fake)
    return seen


@pytest.mark.parametrize("attr", ["factory", "TicketRecognizer"])
def test_a_plugin_factory_or_class_is_discovered_and_used(monkeypatch, plugin_module, attr) -> None:
    groups = _entry_points(monkeypatch, f"{plugin_module}:{attr}")
    classifier = Classifier(DetectorConfig(ner=False, use_env=False))
    assert groups == [ENTRY_POINT_GROUP]
    text = "see TCK-1234567 today"
    [spans] = classifier.classify([StringSite("$.x", None, text)])
    assert [(s.entity_type, text[s.start : s.end], s.detector) for s in spans] == [
        ("TICKET_ID", "TCK-1234567", "ticket_plugin")
    ]
    assert entity_classes("TICKET_ID", health_context=True) == {"PII", "PHI"}
    [hinted] = classifier.classify([StringSite("$.x", "ticket_ref", "TCK-7654321")])
    assert hinted[0].score >= 0.85


def test_plugins_can_be_turned_off(monkeypatch, plugin_module) -> None:
    groups = _entry_points(monkeypatch, f"{plugin_module}:factory")
    Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))
    assert groups == []


@pytest.mark.parametrize(
    ("target", "message"),
    [("mcpgov_no_such_module:factory", "cannot load"),
     ("{module}:not_a_recognizer", "did not produce")],
)  # fmt: skip
def test_broken_plugins_name_the_entry_point(monkeypatch, plugin_module, target, message) -> None:
    target = target.format(module=plugin_module)
    _entry_points(monkeypatch, target)
    with pytest.raises(DetectorConfigError) as info:
        load_plugins()
    assert target in str(info.value) and message in str(info.value)
