"""IBAN_CODE: mod-97, national lengths, any case, compact or printed in fours.

Runs on the pattern classifier (no NER).
"""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.recognizers.iban import IBAN_LENGTHS, Mod97IbanRecognizer
from detectors.validators import IBAN_NUMERIC_BBAN, iban_check_digits, mod97


@pytest.fixture(scope="module")
def find(pattern_find: Callable[..., list[tuple[str, str]]]) -> Callable[..., list[tuple[str, str]]]:
    return pattern_find


@pytest.fixture(scope="module")
def spans_of(pattern_spans_of: Callable[..., list]) -> Callable[..., list]:
    return pattern_spans_of


def printed(iban: str, sep: str = " ") -> str:
    return sep.join(iban[i : i + 4] for i in range(0, len(iban), 4))


def recognized(text: str) -> list[str]:
    """What the recognizer alone reports (gate and classifier aside)."""
    results = Mod97IbanRecognizer().analyze(text, ["IBAN_CODE"])
    return [text[r.start : r.end] for r in results if r.score >= 0.4]


VALID = [
    ("IBAN DE89370400440532013000", "DE89370400440532013000"),
    ("IBAN DE89 3704 0044 0532 0130 00 please", "DE89 3704 0044 0532 0130 00"),
    ("IBAN DE89-3704-0044-0532-0130-00", "DE89-3704-0044-0532-0130-00"),
    ("GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
    ("GB82WEST12345698765432.", "GB82WEST12345698765432"),
    ("to FR14 2004 1010 0505 0001 3M02 606 today", "FR14 2004 1010 0505 0001 3M02 606"),
    ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ("NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00"),
    ("BE68 5390 0754 7034 USD", "BE68 5390 0754 7034"),  # a word after the last group
    ("CH9300762011623852957", "CH9300762011623852957"),
    ("NO9386011117947", "NO9386011117947"),
    ("NO93 8601 1117 947", "NO93 8601 1117 947"),
    ('{"iban": "ES9121000418450200051332"}', "ES9121000418450200051332"),
    ("(IT60X0542811101000000123456)", "IT60X0542811101000000123456"),
    ("SA03 8000 0000 6080 1016 7519", "SA03 8000 0000 6080 1016 7519"),
    ("AT611904300234573201", "AT611904300234573201"),
    ("PL61 1090 1014 0000 0712 1981 2874", "PL61 1090 1014 0000 0712 1981 2874"),
    ("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"),
    ("LC55HEMM000100010012001200023015", "LC55HEMM000100010012001200023015"),
    ("BR1800360305000010009795493C1", "BR1800360305000010009795493C1"),
    ("RU0204452560040702810412345678901", "RU0204452560040702810412345678901"),
]

LOWER_AND_MIXED = [
    ("iban de89 3704 0044 0532 0130 00", "de89 3704 0044 0532 0130 00"),
    ("de89370400440532013000", "de89370400440532013000"),
    ("gb82 west 1234 5698 7654 32", "gb82 west 1234 5698 7654 32"),
    ("Gb82West12345698765432", "Gb82West12345698765432"),
    ("nl91-abna-0417-1643-00", "nl91-abna-0417-1643-00"),
    ("fr14 2004 1010 0505 0001 3m02 606", "fr14 2004 1010 0505 0001 3m02 606"),
]

INVALID = [
    "DE88370400440532013000",  # wrong check digits
    "DE89 3704 0044 0532 0130 01",
    "de89 3704 0044 0532 0130 01",
    "GB82 WEST 1234 5698 7654 33",
    "GB82WEST1234569876543",  # one character short
    "DE8937040044053201300099",  # two too long
    "XX89370400440532013000",
    "xx89370400440532013000",
    "ORD-DE89370400440532013000X",
    "aDE89370400440532013000",
    "AB12",
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_valid_ibans(find, text: str, value: str) -> None:
    assert ("IBAN_CODE", value) in find(text)


@pytest.mark.parametrize(("text", "value"), VALID + LOWER_AND_MIXED)
def test_recognizer_reads_any_case(text: str, value: str) -> None:
    assert value in recognized(text)


@pytest.mark.parametrize(("text", "value"), LOWER_AND_MIXED)
def test_lower_case_ibans_through_the_classifier(find, text: str, value: str) -> None:
    assert ("IBAN_CODE", value) in find(text)


@pytest.mark.parametrize("text", INVALID)
def test_not_ibans(find, text: str) -> None:
    assert all(t != "IBAN_CODE" for t, _ in find(text))
    assert recognized(text) == []


def test_length_table_is_the_registry_and_more() -> None:
    registry = {"DE", "FR", "GB", "NO", "LC", "RU", "YE", "HN", "NI", "SO", "OM", "FK", "MN"}
    assert registry <= IBAN_LENGTHS.keys()
    assert len(IBAN_LENGTHS) >= 89
    assert min(IBAN_LENGTHS.values()) == 15 and max(IBAN_LENGTHS.values()) == 33


def test_numeric_bban_countries_reject_letters() -> None:
    bban = "37040044053201300A"
    assert not mod97("DE" + iban_check_digits("DE", bban) + bban)
    assert "DE" in IBAN_NUMERIC_BBAN


@st.composite
def ibans(draw: st.DrawFn, valid: bool = True) -> str:
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    n = IBAN_LENGTHS[country] - 4
    alphabet = string.digits if country in IBAN_NUMERIC_BBAN else string.digits + string.ascii_uppercase
    bban = draw(st.text(alphabet=alphabet, min_size=n, max_size=n))
    check = iban_check_digits(country, bban)
    if not valid:
        check = f"{(int(check) + draw(st.integers(1, 96)) - 2) % 97 + 2:02d}"
    return country + check + bban


_AROUND = st.text(alphabet=string.ascii_lowercase + " ,:;()", max_size=20)
_SETTINGS = settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
_SHOWN = st.sampled_from(["compact", " ", "-"])


def _show(iban: str, how: str) -> str:
    return iban if how == "compact" else printed(iban, how)


@_SETTINGS
@given(iban=ibans(), how=_SHOWN, before=_AROUND, after=_AROUND)
def test_property_valid_ibans_are_found(spans_of, iban, how, before, after) -> None:
    assert mod97(iban)
    shown = _show(iban, how)
    start = len(before) + 1
    assert ("IBAN_CODE", start, start + len(shown)) in spans_of(f"{before} {shown} {after}")


@_SETTINGS
@given(iban=ibans(), how=_SHOWN, lower=st.booleans())
def test_property_any_case_is_recognized(iban, how, lower) -> None:
    shown = _show(iban.lower() if lower else iban.title(), how)
    assert mod97(shown)
    assert shown in recognized(f"pay to {shown} now")


@_SETTINGS
@given(iban=ibans(valid=False), how=_SHOWN, lower=st.booleans())
def test_property_bad_check_digits_are_never_ibans(spans_of, iban, how, lower) -> None:
    if mod97(iban):  # a different check digit pair that still passes: not a bad IBAN
        return
    shown = _show(iban.lower() if lower else iban, how)
    assert all(t != "IBAN_CODE" for t, _, _ in spans_of(f"iban {shown}") + spans_of(shown, key="iban"))
    assert recognized(shown) == []
