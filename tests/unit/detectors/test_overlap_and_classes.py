"""Overlap resolution is deterministic; entity types map to the documented data classes."""

from __future__ import annotations

import itertools

import pytest

from detectors.api import Span, entity_classes, register_entity_classes
from detectors.overlap import resolve


def S(entity: str, start: int, end: int, score: float, detector: str = "d") -> Span:  # noqa: N802
    return Span(entity, start, end, score, detector)


@pytest.mark.parametrize(
    ("candidates", "kept"),
    [
        ([S("PHONE_NUMBER", 0, 10, 0.5), S("CREDIT_CARD", 0, 16, 1.0)], [S("CREDIT_CARD", 0, 16, 1.0)]),
        ([S("US_BANK_NUMBER", 0, 9, 0.45), S("US_SSN", 0, 9, 0.45)], [S("US_SSN", 0, 9, 0.45)]),
        ([S("PERSON", 0, 5, 0.85), S("PERSON", 0, 12, 0.85)], [S("PERSON", 0, 12, 0.85)]),
        # A secret absorbs what overlaps it: redacted whole, never tokenized as an e-mail.
        ([S("EMAIL_ADDRESS", 5, 20, 1.0), S("SECRET", 8, 12, 0.85)], [S("SECRET", 5, 20, 0.85)]),
        ([S("SECRET", 0, 6, 0.5), S("PHONE_NUMBER", 4, 12, 0.9), S("PERSON", 11, 15, 0.9),
          S("CREDIT_CARD", 20, 36, 1.0)],
         [S("SECRET", 0, 15, 0.5), S("CREDIT_CARD", 20, 36, 1.0)]),
        ([S("A", 0, 3, 0.5), S("B", 3, 6, 0.5)], [S("A", 0, 3, 0.5), S("B", 3, 6, 0.5)]),
        ([S("X", 4, 4, 0.9)], []),
    ],
)  # fmt: skip
def test_resolve(candidates: list[Span], kept: list[Span]) -> None:
    assert resolve(candidates) == kept


def test_resolve_does_not_depend_on_input_order() -> None:
    spans = [S("PHONE_NUMBER", 0, 12, 0.5), S("CREDIT_CARD", 2, 18, 1.0),
             S("US_BANK_NUMBER", 2, 18, 0.45), S("PERSON", 20, 30, 0.85),
             S("DATE_OF_BIRTH", 25, 35, 0.85)]  # fmt: skip
    results = {tuple(resolve(p)) for p in itertools.permutations(spans)}
    assert len(results) == 1
    [kept] = results
    assert all(a.end <= b.start for a, b in itertools.pairwise(kept))


@pytest.mark.parametrize(
    ("entity", "health", "classes"),
    [
        ("CREDIT_CARD", False, {"PCI", "FINANCIAL"}),
        ("CREDIT_CARD", True, {"PCI", "FINANCIAL", "PHI"}),
        ("US_BANK_NUMBER", False, {"FINANCIAL"}),
        ("IBAN_CODE", True, {"FINANCIAL", "PHI"}),
        ("SECRET", True, {"SECRET"}),
        ("MEDICAL_RECORD_NUMBER", False, {"PHI", "PII"}),
        ("US_MBI", False, {"PHI", "PII"}),
        ("US_NPI", True, {"PII"}),
        ("PERSON", False, {"PII"}),
        ("PERSON", True, {"PII", "PHI"}),
        ("US_SSN", False, {"PII"}),
        ("EMAIL_ADDRESS", True, {"PII", "PHI"}),
        ("SOMETHING_NEW", False, {"PII"}),
    ],
)
def test_entity_classes(entity: str, health: bool, classes: set[str]) -> None:
    assert entity_classes(entity, health_context=health) == classes


def test_custom_entity_classes() -> None:
    register_entity_classes("TEST_ONLY_PAYROLL_ID", {"FINANCIAL"})
    assert entity_classes("TEST_ONLY_PAYROLL_ID", health_context=True) == {"FINANCIAL"}
    with pytest.raises(ValueError, match="unknown data classes"):
        register_entity_classes("TEST_ONLY_X", {"TOP_SECRET"})
