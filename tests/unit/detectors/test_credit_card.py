"""CREDIT_CARD: every network, every grouping, exact offsets; look-alikes never."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors import validators
from detectors.recognizers.credit_card import PaymentCardRecognizer

from .cards import GROUPINGS, NETWORKS, card, group, spoil

VALID = [
    ("4111111111111111", "4111111111111111"),
    ("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111"),
    ("4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("4111.1111.1111.1111.", "4111.1111.1111.1111"),
    ("Visa 13: 4222222222222", "4222222222222"),
    ("Visa 19: " + group(card("4", 19), (4, 4, 4, 4, 3), " "), group(card("4", 19), (4, 4, 4, 4, 3), " ")),
    ("5555555555554444", "5555555555554444"),
    ("MC 5105 1051 0510 5100", "5105 1051 0510 5100"),
    ("2-series 2221 0000 0000 0009", "2221 0000 0000 0009"),
    ("2-series 2223003122003222", "2223003122003222"),
    ("2-series " + group(card("2720", 16, "9"), (4, 4, 4, 4), "-"), group(card("2720", 16, "9"), (4, 4, 4, 4), "-")),
    ("Amex 378282246310005", "378282246310005"),
    ("Amex 3714 496353 98431", "3714 496353 98431"),
    ("Amex 3782-822463-10005.", "3782-822463-10005"),
    ("Discover 6011111111111117", "6011111111111117"),
    ("Discover 6011 0009 9013 9424", "6011 0009 9013 9424"),
    ("Discover 19 " + card("6011", 19, "3"), card("6011", 19, "3")),
    ("Discover 644 " + card("644", 16, "1"), card("644", 16, "1")),
    ("JCB 3530111333300000", "3530111333300000"),
    ("JCB 3566 0020 2036 0505", "3566 0020 2036 0505"),
    ("JCB 19 " + card("3589", 19, "7"), card("3589", 19, "7")),
    ("Diners 30569309025904", "30569309025904"),
    ("Diners 3056 930902 5904", "3056 930902 5904"),
    ("Diners 36 " + card("36", 14, "2"), card("36", 14, "2")),
    ("UnionPay 6200000000000005", "6200000000000005"),
    ("UnionPay 17 " + card("62", 17, "4"), card("62", 17, "4")),
    ("UnionPay 19 " + group(card("6212", 19, "5"), (4, 4, 4, 4, 3), " "), group(card("6212", 19, "5"), (4, 4, 4, 4, 3), " ")),
    ("UnionPay 6-13 " + group(card("6212", 19, "8"), (6, 13), " "), group(card("6212", 19, "8"), (6, 13), " ")),
    ("Maestro 12 " + group(card("5018", 12), (4, 4, 4), " "), group(card("5018", 12), (4, 4, 4), " ")),
    ("Maestro 13 " + group(card("6759", 13, "6"), (4, 4, 5), " "), group(card("6759", 13, "6"), (4, 4, 5), " ")),
    ("Maestro 6759649826438453", "6759649826438453"),
    ("Maestro 18 " + group(card("6304", 18, "2"), (4, 4, 4, 6), "-"), group(card("6304", 18, "2"), (4, 4, 4, 6), "-")),
    ("Card: 5555 5555 5555 4444, exp 12/27", "5555 5555 5555 4444"),
    ('{"card": "4111111111111111"}', "4111111111111111"),
    ("(4111111111111111)", "4111111111111111"),
    ("pan=4111111111111111&x=1", "4111111111111111"),
]  # fmt: skip

LOOKALIKES = [
    "4111111111111112",  # Luhn-invalid
    "4111 1111 1111 1112",
    "1000000000000009",  # Luhn-valid, no network
    "9999999999999995",
    "ORD-4111111111111111",  # an order id that embeds card digits
    "SO-2026-531046",
    "PO 4512345678",
    "INV-2026-50519",
    "123e4567-e89b-12d3-a456-426614174000",  # UUID
    "2026-11-22T06:30:00.123456Z",  # ISO time stamp
    "1732258200123",  # epoch milliseconds
    "1Z999AA10123456784",  # UPS tracking
    "9400111899223100012345",  # USPS, 22 digits
    "9400 1118 9922 3100 0123 45",
    "4111 1111 1111 1111 1111",  # 20 digits in groups
    "10.4.2.1",
    "**** **** **** 1111",  # masked
    "411111******1111",
    "XXXX-XXXX-XXXX-4444",
    "+1 415 555 0101",
    "41111111111",  # 11 digits
    "41111111111111111111111",  # 23 digits
    "4111 1111-1111 1111",  # mixed separators
    "44111111111111111",  # 17 digits, Luhn-invalid
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_valid_cards_are_found_exactly(find, text: str, value: str) -> None:
    assert ("CREDIT_CARD", value) in find(text, ner=False)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_are_not_cards(find, text: str) -> None:
    assert all(t != "CREDIT_CARD" for t, _ in find(text, ner=False))


@pytest.mark.parametrize("text", LOOKALIKES)
def test_recognizer_alone_rejects_lookalikes(text: str) -> None:
    assert PaymentCardRecognizer().analyze(text, ["CREDIT_CARD"]) == []


def test_a_card_is_not_also_a_phone_or_bank_number(find) -> None:
    text = "account 4111111111111111 phone"
    assert find(text, ner=False) == [("CREDIT_CARD", "4111111111111111")]


_AROUND = st.text(alphabet=string.ascii_letters + " ,:;!?()'\"", max_size=24)


@st.composite
def pans(draw: st.DrawFn, valid: bool = True) -> tuple[str, str]:
    network = draw(st.sampled_from(sorted(NETWORKS)))
    prefixes, lengths = NETWORKS[network]
    prefix = draw(st.sampled_from(prefixes))
    length = draw(st.sampled_from(lengths))
    body = prefix + draw(st.text(alphabet=string.digits, min_size=length - 1 - len(prefix),
                                 max_size=length - 1 - len(prefix)))
    number = card(body, length) if len(body) == length - 1 else card(prefix, length)
    if not valid:
        number = spoil(number)
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    shown = group(number, draw(st.sampled_from(GROUPINGS[length])), sep) if sep else number
    return number, shown


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pan=pans(), before=_AROUND, after=_AROUND)
def test_property_every_valid_pan_is_found_with_its_span(spans_of, pan, before, after) -> None:
    number, shown = pan
    assert validators.credit_card(number)
    text = f"{before} {shown} {after}"
    start = len(before) + 1
    assert ("CREDIT_CARD", start, start + len(shown)) in spans_of(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pan=pans(valid=False), before=_AROUND, after=_AROUND)
def test_property_luhn_invalid_pans_are_never_cards(spans_of, pan, before, after) -> None:
    _, shown = pan
    assert all(t != "CREDIT_CARD" for t, _, _ in spans_of(f"{before} {shown} {after}"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(digits=st.text(alphabet=string.digits, min_size=12, max_size=19))
def test_property_random_digits_are_cards_only_when_valid(spans_of, digits) -> None:
    found = any(t == "CREDIT_CARD" for t, _, _ in spans_of(f"ref {digits}"))
    assert found == validators.credit_card(digits)
