"""US_SSN by SSA rules: dashed alone, bare only with context or a key hint."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from detectors import validators

VALID = [
    ("SSN 078-05-1121", "078-05-1121"),
    ("123-45-6788", "123-45-6788"),
    ("ssn: 234-56-7890.", "234-56-7890"),
    ("his SSN is 536 22 1234", "536 22 1234"),
    ("social security number 536221234", "536221234"),
    ("SSN#536221234", "536221234"),
    ('{"ssn": "665-12-3456"}', "665-12-3456"),
    ('{"ssn": "536221234"}', "536221234"),
    ("899-99-9999", "899-99-9999"),
    ("001-01-0001", "001-01-0001"),
]

INVALID = [
    "000-12-3456",  # area 000
    "666-12-3456",  # area 666
    "900-12-3456",  # area 9xx (ITIN range)
    "987-65-4321",
    "123-00-4567",  # group 00
    "123-45-0000",  # serial 0000
    "078-05-1120",  # the Woolworth wallet card
    "219-09-9999",  # advertising card
    "123-45-6789",  # voided
    "536221234",  # bare, no context
    "order 536221234 shipped",
    "zip 94107-1234",
    "2026-11-22",
    "phone 415-555-0101",
    "1234-56-7890",  # too many digits
    "123-456-7890",
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_valid_ssns(find, text: str, value: str) -> None:
    assert ("US_SSN", value) in find(text, ner=False)


@pytest.mark.parametrize("text", INVALID)
def test_not_ssns(find, text: str) -> None:
    assert all(t != "US_SSN" for t, _ in find(text, ner=False))


@pytest.mark.parametrize("key", ["ssn", "SSN", "patientSSN", "social_security_number", "member-ssn"])
def test_bare_nine_digits_under_an_ssn_key(find, key: str) -> None:
    assert find("536221234", key=key, ner=False) == [("US_SSN", "536221234")]


@pytest.mark.parametrize("cue", ["TOKEN", "Bearer", "basic"])
def test_dashed_ssn_after_an_auth_word_is_an_ssn_not_a_credential(find, cue: str) -> None:
    assert find(f"{cue} 001-01-0001", ner=False) == [("US_SSN", "001-01-0001")]


def test_auth_credentials_that_merely_start_like_an_ssn_stay_secrets(find) -> None:
    assert ("SECRET", "001-01-0001x9") in find("Bearer 001-01-0001x9", ner=False)


def test_bare_nine_digits_under_another_key_are_not_ssn(find) -> None:
    assert all(t != "US_SSN" for t, _ in find("536221234", key="order_id", ner=False))


@st.composite
def ssns(draw: st.DrawFn, valid: bool = True) -> str:
    if valid:
        area = draw(st.integers(1, 899).filter(lambda a: a != 666))
        grp, serial = draw(st.integers(1, 99)), draw(st.integers(1, 9999))
    else:
        area = draw(st.sampled_from([0, 666, *range(900, 1000)]))
        grp, serial = draw(st.integers(0, 99)), draw(st.integers(0, 9999))
    return f"{area:03d}-{grp:02d}-{serial:04d}"


_AROUND = st.text(alphabet=string.ascii_letters + " ,:;()", max_size=20)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ssn=ssns(), before=_AROUND, after=_AROUND)
@example(ssn="001-01-0001", before="TOKEN", after="")  # once read as an auth credential
def test_property_dashed_valid_ssns_are_found(spans_of, ssn, before, after) -> None:
    if not validators.us_ssn(ssn):  # one of the voided numbers
        return
    start = len(before) + 1
    assert ("US_SSN", start, start + 11) in spans_of(f"{before} {ssn} {after}")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ssn=ssns(valid=False), before=_AROUND)
def test_property_ssa_invalid_numbers_are_never_ssns(spans_of, ssn, before) -> None:
    for shown in (ssn, ssn.replace("-", "")):
        found = spans_of(f"{before} SSN {shown}") + spans_of(shown, key="ssn")
        assert all(t != "US_SSN" for t, _, _ in found)
