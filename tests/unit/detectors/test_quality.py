"""Recall and precision against the traffic generator's ground truth (a small run)."""

from __future__ import annotations

import pytest

from detectors.api import StringSite
from detectors.quality import measure

generate = pytest.importorskip("streams.generate.api").generate

KEY_TYPES = ("CREDIT_CARD", "US_SSN", "EMAIL_ADDRESS", "IBAN_CODE", "US_NPI", "SECRET")


@pytest.fixture(scope="module")
def report(classifier):
    events, truth = generate(40, 3)
    return measure(events, truth, classifier)


@pytest.mark.parametrize("entity", KEY_TYPES)
def test_recall_of_the_key_types(report, entity: str) -> None:
    score = report.entities[entity]
    assert score.truth > 0
    assert score.recall >= 0.99, report.misses


def test_recall_of_phones_and_people(report) -> None:
    assert report.entities["PHONE_NUMBER"].recall >= 0.97
    assert report.entities["PERSON"].recall >= 0.9
    assert report.person_in_text.truth > 0 and report.person_in_text.recall >= 0.9


def test_precision_of_everything_but_person(report) -> None:
    for entity, score in report.entities.items():
        if entity != "PERSON":
            assert score.precision >= 0.97, (entity, report.false_positives)


def test_lookalikes_are_left_alone(report) -> None:
    assert report.lookalikes > 0
    assert sum(report.lookalike_hits.values()) <= 0.01 * report.lookalikes


def test_measure_counts_partial_cover_as_a_miss(classifier) -> None:
    text = "card 4111 1111 1111 1111"
    event = {"event_id": "e1", "message": {"text": text}}
    truth = {"events": {"e1": {"values": [
        {"entity_type": "CREDIT_CARD", "value": text[5:], "path": "$.text", "start": 5, "end": 24},
        {"entity_type": "PERSON", "value": "card", "path": "$.text", "start": 0, "end": 4},
    ], "lookalikes": []}}}  # fmt: skip
    rep = measure([event], truth, classifier)
    assert rep.entities["CREDIT_CARD"].recall == 1.0 and rep.entities["CREDIT_CARD"].precision == 1.0
    assert rep.entities["PERSON"].recall == 0.0 and rep.misses[0]["entity_type"] == "PERSON"
    assert "CREDIT_CARD" in rep.table()
    assert StringSite  # the API the measurement walks with
