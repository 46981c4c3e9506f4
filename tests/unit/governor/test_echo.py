"""Session memory: a value detected once is found again in the session, whatever its format."""

import pytest

from detectors.api import Span
from streams.echo import SessionMemory


@pytest.mark.parametrize(
    ("entity", "seen", "later", "found"),
    [
        ("US_SSN", "133-81-6373", "send 133816373 now", "133816373"),
        ("US_SSN", "133816373", "ssn 133 81 6373.", "133 81 6373"),
        ("CREDIT_CARD", "4111-1111-1111-1111", "card:4111111111111111;", "4111111111111111"),
        ("PHONE_NUMBER", "+49 30 5550 2572", "call +49-30-5550-2572", "+49-30-5550-2572"),
        ("PERSON", "Elif Tanaka", "Patient: elif tanaka\\n", "elif tanaka"),
        ("EMAIL_ADDRESS", "Ana.Lopez@example.org", "to ana.lopez@example.org", "ana.lopez@example.org"),
    ],
)
def test_echo_found_in_other_format(entity, seen, later, found) -> None:
    mem = SessionMemory()
    mem.remember("s1", entity, seen)
    spans = mem.echoes("s1", later, [])
    assert [(later[s.start : s.end], s.entity_type, s.detector) for s in spans] == [
        (found, entity, "session_echo")
    ]
    assert mem.echoes("s2", later, []) == []  # other sessions know nothing of it


@pytest.mark.parametrize(
    "later",
    ["id 91338163731 is longer", "x133816373y", "ref 1338163"],
)
def test_no_echo_inside_longer_tokens(later) -> None:
    mem = SessionMemory()
    mem.remember("s", "US_SSN", "133-81-6373")
    assert mem.echoes("s", later, []) == []


def test_already_covered_spans_are_not_doubled_and_memory_is_bounded() -> None:
    mem = SessionMemory(sessions=2, values_per_session=1)
    mem.remember("s", "US_SSN", "133-81-6373")
    mem.remember("s", "US_SSN", "234-56-7890")  # over the per-session bound: ignored
    taken = [Span("US_SSN", 4, 13, 1.0, "ssn")]
    assert mem.echoes("s", "ssn 133816373", taken) == []
    assert mem.echoes("s", "234567890", []) == []
    mem.remember("t", "PERSON", "Grace Hopper")
    mem.remember("u", "PERSON", "Alan Turing")  # evicts the oldest session, "s"
    assert mem.echoes("s", "ssn 133816373", []) == []
    assert mem.echoes("u", "by Alan Turing", [])


def test_many_echoes_against_many_taken_spans() -> None:
    """Overlap with `taken` is decided for every hit, whatever the order spans come in."""
    mem = SessionMemory()
    mem.remember("s", "US_SSN", "133-81-6373")
    mem.remember("s", "PERSON", "Elif Tanaka")
    text = " ".join(["133 81 6373", "Elif Tanaka", "x"] * 2000)
    step = len("133 81 6373 Elif Tanaka x ")
    taken = [Span("US_SSN", i * step, i * step + 11, 1.0, "ssn") for i in range(0, 2000, 2)]
    spans = mem.echoes("s", text, list(reversed(taken)))
    assert len(spans) == 1000 + 2000
    assert all(not (t.start < s.end and s.start < t.end) for s in spans[:50] for t in taken)
    assert [text[s.start : s.end] for s in spans[:3]] == ["Elif Tanaka", "133 81 6373",
                                                          "Elif Tanaka"]
