"""US_NPI: the 80840-prefixed Luhn check, with provider context or a key hint."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.validators import npi_check_digit

from .cards import spoil

VALID = [
    ("NPI 1234567893", "1234567893"),
    ("Dr. Lee (NPI: 1245319599)", "1245319599"),
    ("referring provider 1003000126", "1003000126"),
    ("prescriber npi 2000000002", "2000000002"),
    ('{"npi": "1234567893"}', "1234567893"),
    ("provider_npi\n1234567893", "1234567893"),
]

INVALID = [
    "NPI 1234567890",  # bad check digit
    "NPI 1234567894",
    "NPI 3234567893",  # starts with 3
    "1234567893",  # no context
    "NPI 123456789",  # nine digits
    "NPI 12345678931",  # eleven digits
    "order 1234567893 shipped",
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_valid_npis(find, text: str, value: str) -> None:
    assert ("US_NPI", value) in find(text, ner=False)


@pytest.mark.parametrize("text", INVALID)
def test_not_npis(find, text: str) -> None:
    assert all(t != "US_NPI" for t, _ in find(text, ner=False))


def test_npi_under_its_key(find) -> None:
    assert find("1234567893", key="npi", ner=False) == [("US_NPI", "1234567893")]
    assert find("1234567893", key="provider_npi", ner=False) == [("US_NPI", "1234567893")]


@st.composite
def npis(draw: st.DrawFn) -> str:
    first9 = draw(st.sampled_from("12")) + draw(st.text(string.digits, min_size=8, max_size=8))
    return first9 + npi_check_digit(first9)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(npi=npis())
def test_property_valid_npis_in_context_are_found(spans_of, npi) -> None:
    text = f"Seen by the attending (NPI {npi}) today."
    start = text.index(npi)
    assert ("US_NPI", start, start + 10) in spans_of(text)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(npi=npis())
def test_property_bad_check_digits_are_never_npis(spans_of, npi) -> None:
    bad = spoil(npi)
    found = spans_of(f"NPI {bad}") + spans_of(bad, key="npi")
    assert all(t != "US_NPI" for t, _, _ in found)
