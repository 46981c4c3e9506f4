"""Shared fixtures: one Classifier per session (building one loads the NER model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from detectors.api import Classifier, DetectorConfig, StringSite

Found = list[tuple[str, str]]


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """The shipped configuration, NER included; no env paths, no plugins."""
    return Classifier(DetectorConfig(use_env=False, plugins=False))


@pytest.fixture(scope="session")
def patterns() -> Classifier:
    """Patterns and key hints only: no spaCy model loaded at all."""
    return Classifier(DetectorConfig(use_env=False, plugins=False, ner=False))


@pytest.fixture(scope="session")
def find(classifier: Classifier) -> Callable[..., Found]:
    """`find(text, key=None)` -> [(entity_type, matched text)] in text order."""

    def run(text: str, key: str | None = None, *, ner: bool = True) -> Found:
        [spans] = classifier.classify([StringSite("$.x", key, text)], ner=ner)
        return [(s.entity_type, text[s.start : s.end]) for s in spans]

    return run


@pytest.fixture(scope="session")
def spans_of(classifier: Classifier) -> Callable[..., list[tuple[str, int, int]]]:
    """`spans_of(text, key=None)` -> [(entity_type, start, end)]."""

    def run(text: str, key: str | None = None, *, ner: bool = False) -> list[tuple[str, int, int]]:
        [spans] = classifier.classify([StringSite("$.x", key, text)], ner=ner)
        return [(s.entity_type, s.start, s.end) for s in spans]

    return run


def _runner(classifier: Classifier, as_text: bool) -> Callable[..., list[tuple[str, Any, Any]]]:
    def run(text: str, key: str | None = None, *, ner: bool = False) -> list[tuple[str, Any, Any]]:
        [spans] = classifier.classify([StringSite("$.x", key, text)], ner=False)
        if as_text:
            return [(s.entity_type, text[s.start : s.end]) for s in spans]  # type: ignore[misc]
        return [(s.entity_type, s.start, s.end) for s in spans]

    return run


@pytest.fixture(scope="session")
def pattern_find(patterns: Classifier) -> Callable[..., list[tuple[str, Any, Any]]]:
    """`find` on the pattern classifier: no NER model loaded (`ner=` is accepted, ignored)."""
    return _runner(patterns, as_text=True)


@pytest.fixture(scope="session")
def pattern_spans_of(patterns: Classifier) -> Callable[..., list[tuple[str, Any, Any]]]:
    """`spans_of` on the pattern classifier."""
    return _runner(patterns, as_text=False)
