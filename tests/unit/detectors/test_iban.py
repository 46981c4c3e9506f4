"""IBAN_CODE: mod-97, national lengths, compact or printed in fours."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.recognizers.iban import IBAN_LENGTHS
from detectors.validators import iban_check_digits, mod97


def printed(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


VALID = [
    ("IBAN DE89370400440532013000", "DE89370400440532013000"),
    ("IBAN DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00"),
    ("GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
    ("GB82WEST12345698765432.", "GB82WEST12345698765432"),
    ("to FR14 2004 1010 0505 0001 3M02 606 today", "FR14 2004 1010 0505 0001 3M02 606"),
    ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ("BE68 5390 0754 7034 USD", "BE68 5390 0754 7034"),  # a word after the last group
    ("CH9300762011623852957", "CH9300762011623852957"),
    ("NO9386011117947", "NO9386011117947"),
    ('{"iban": "ES9121000418450200051332"}', "ES9121000418450200051332"),
    ("(IT60X0542811101000000123456)", "IT60X0542811101000000123456"),
]

INVALID = [
    "DE88370400440532013000",  # wrong check digits
    "DE89 3704 0044 0532 0130 01",
    "GB82 WEST 1234 5698 7654 33",
    "GB82WEST1234569876543",  # one character short
    "de89370400440532013000",  # lower case
    "XX89370400440532013000",
    "ORD-DE89370400440532013000X",
    "AB12",
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_valid_ibans(find, text: str, value: str) -> None:
    assert ("IBAN_CODE", value) in find(text, ner=False)


@pytest.mark.parametrize("text", INVALID)
def test_not_ibans(find, text: str) -> None:
    assert all(t != "IBAN_CODE" for t, _ in find(text, ner=False))


@st.composite
def ibans(draw: st.DrawFn, valid: bool = True) -> str:
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    n = IBAN_LENGTHS[country] - 4
    bban = draw(st.text(alphabet=string.digits + string.ascii_uppercase, min_size=n, max_size=n))
    check = iban_check_digits(country, bban)
    if not valid:
        check = f"{(int(check) + draw(st.integers(1, 96)) - 2) % 97 + 2:02d}"
    return country + check + bban


_AROUND = st.text(alphabet=string.ascii_lowercase + " ,:;()", max_size=20)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(iban=ibans(), spaced=st.booleans(), before=_AROUND, after=_AROUND)
def test_property_valid_ibans_are_found(spans_of, iban, spaced, before, after) -> None:
    assert mod97(iban)
    shown = printed(iban) if spaced else iban
    start = len(before) + 1
    assert ("IBAN_CODE", start, start + len(shown)) in spans_of(f"{before} {shown} {after}")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(iban=ibans(valid=False), spaced=st.booleans())
def test_property_bad_check_digits_are_never_ibans(spans_of, iban, spaced) -> None:
    if mod97(iban):  # a different check digit pair that still passes: not a bad IBAN
        return
    shown = printed(iban) if spaced else iban
    assert all(t != "IBAN_CODE" for t, _, _ in spans_of(f"iban {shown}") + spans_of(shown, key="iban"))
