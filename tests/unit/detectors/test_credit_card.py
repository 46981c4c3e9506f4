"""CREDIT_CARD: every network, every grouping and separator, exact offsets; look-alikes never.

Runs on the pattern classifier (no NER): cards are found by patterns, Luhn, the IIN
table, context words and key hints only.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Callable

import pytest
from faker import Faker
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from detectors import validators
from detectors.recognizers.credit_card import PaymentCardRecognizer, short_run_needs_context

from .cards import GROUPINGS, NETWORKS, SEPARATORS, card, group, network_card, printed, spoil


@pytest.fixture(scope="module")
def find(pattern_find: Callable[..., list]) -> Callable[..., list]:
    """The pattern classifier's `find` (no NER model loaded)."""
    return pattern_find


@pytest.fixture(scope="module")
def spans_of(pattern_spans_of: Callable[..., list]) -> Callable[..., list]:
    """The pattern classifier's `spans_of` (no NER model loaded)."""
    return pattern_spans_of


def _g(number: str, sizes: tuple[int, ...], sep: str | list[str]) -> str:
    return group(number, sizes, sep)


V19 = card("4", 19)
MC2 = card("2720", 16, "9")
UP19 = card("6212", 19, "5")
DIN14 = card("36", 14, "4")
JCB15A = card("1800", 15)
JCB15B = card("2131", 15, "7")
UNKNOWN16 = card("7000", 16, "1")  # Luhn-valid, 7000 is in no network's range
SHORT_ID = card("5016", 12, "5")  # Luhn-valid under a Maestro prefix, the length of an id

VALID = [
    # Visa
    ("4111111111111111", "4111111111111111"),
    ("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111"),
    ("4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("4111.1111.1111.1111.", "4111.1111.1111.1111"),
    # a 13-digit Visa printed in fours, its last group one digit
    ("Paid with 4982 5979 1907 0 today", "4982 5979 1907 0"),
    ("visa 4222-2222-2222-2", "4222-2222-2222-2"),
    ("Visa 13: 4222222222222", "4222222222222"),
    ("ref 4222222222222", "4222222222222"),  # Visa 13 needs no context
    ("Visa 19: " + _g(V19, (4, 4, 4, 4, 3), " "), _g(V19, (4, 4, 4, 4, 3), " ")),
    ("Visa 19 " + _g(V19, (4, 4, 4, 7), "-"), _g(V19, (4, 4, 4, 7), "-")),
    # Mastercard
    ("5555555555554444", "5555555555554444"),
    ("MC 5105 1051 0510 5100", "5105 1051 0510 5100"),
    ("2-series 2221 0000 0000 0009", "2221 0000 0000 0009"),
    ("2-series 2223003122003222", "2223003122003222"),
    ("2-series " + _g(MC2, (4, 4, 4, 4), "-"), _g(MC2, (4, 4, 4, 4), "-")),
    # Amex
    ("Amex 378282246310005", "378282246310005"),
    ("Amex 3714 496353 98431", "3714 496353 98431"),
    ("Amex 3782-822463-10005.", "3782-822463-10005"),
    ("Amex 3782 8224 6310 005", "3782 8224 6310 005"),
    # Discover
    ("Discover 6011111111111117", "6011111111111117"),
    ("Discover 6011 0009 9013 9424", "6011 0009 9013 9424"),
    ("Discover 19 " + card("6011", 19, "3"), card("6011", 19, "3")),
    ("Discover 644 " + card("644", 16, "1"), card("644", 16, "1")),
    # JCB, including the 15-digit 1800/2131 numbers
    ("JCB 3530111333300000", "3530111333300000"),
    ("JCB 3566 0020 2036 0505", "3566 0020 2036 0505"),
    ("JCB 19 " + card("3589", 19, "7"), card("3589", 19, "7")),
    ("ref " + JCB15A, JCB15A),
    ("ref " + _g(JCB15B, (4, 6, 5), " "), _g(JCB15B, (4, 6, 5), " ")),
    # Diners, 14 digits in 4-4-4-2 too
    ("Diners 30569309025904", "30569309025904"),
    ("Diners 3056 930902 5904", "3056 930902 5904"),
    ("Diners 3056 9309 0259 04", "3056 9309 0259 04"),
    ("Diners 36 " + DIN14, DIN14),
    ("ref " + _g(DIN14, (4, 4, 4, 2), "-"), _g(DIN14, (4, 4, 4, 2), "-")),
    ("Diners 16 " + card("3095", 16, "2"), card("3095", 16, "2")),
    # UnionPay
    ("UnionPay 6200000000000005", "6200000000000005"),
    ("UnionPay 17 " + card("62", 17, "4"), card("62", 17, "4")),
    ("UnionPay 19 " + _g(UP19, (4, 4, 4, 4, 3), " "), _g(UP19, (4, 4, 4, 4, 3), " ")),
    ("UnionPay 6-13 " + _g(UP19, (6, 13), " "), _g(UP19, (6, 13), " ")),
    # Maestro 12-19
    ("Maestro 12 " + _g(card("5018", 12), (4, 4, 4), " "), _g(card("5018", 12), (4, 4, 4), " ")),
    ("card no " + card("5018", 12), card("5018", 12)),
    ("order " + _g(SHORT_ID, (4, 4, 4), " "), _g(SHORT_ID, (4, 4, 4), " ")),  # printed as a card
    ("JCB " + card("3501", 16, "7"), card("3501", 16, "7")),  # the 35 range, issued or not
    ("Maestro 13 " + _g(card("6759", 13, "6"), (4, 4, 5), " "),
     _g(card("6759", 13, "6"), (4, 4, 5), " ")),
    ("Maestro 6759649826438453", "6759649826438453"),
    ("Maestro 18 " + _g(card("6304", 18, "2"), (4, 4, 4, 6), "-"),
     _g(card("6304", 18, "2"), (4, 4, 4, 6), "-")),
    # regional and historic networks
    ("MIR " + card("2200", 16, "3"), card("2200", 16, "3")),
    ("Troy " + card("9792", 16), card("9792", 16)),
    ("Hipercard " + card("606282", 16), card("606282", 16)),
    ("Hipercard " + card("3841", 19), card("3841", 19)),
    ("Dankort " + card("5019", 16), card("5019", 16)),
    ("UATP " + card("1", 15, "2"), card("1", 15, "2")),
    ("Verve " + card("506099", 16), card("506099", 16)),
    ("Verve " + card("650002", 19), card("650002", 19)),
    ("RuPay " + card("508", 16), card("508", 16)),
    ("RuPay " + card("353", 16, "4"), card("353", 16, "4")),
    ("UzCard " + card("8600", 16), card("8600", 16)),
    ("Humo " + card("9860", 16), card("9860", 16)),
    ("InterPayment " + card("636", 17), card("636", 17)),
    ("InstaPayment " + card("637", 16), card("637", 16)),
    ("BC " + card("6541", 16), card("6541", 16)),
    ("Napas " + card("9704", 19), card("9704", 19)),
    ("T-Union " + card("31", 19), card("31", 19)),
    ("enRoute " + card("2014", 15), card("2014", 15)),
    ("UnionPay (81) " + card("81", 17), card("81", 17)),
    # separators: slash, underscore, mixed, spaced dashes, one per digit
    ("4111/1111/1111/1111", "4111/1111/1111/1111"),
    ("4111_1111_1111_1111", "4111_1111_1111_1111"),
    ("4111 1111-1111 1111", "4111 1111-1111 1111"),
    ("x 4111.1111-1111/1111_", "4111.1111-1111/1111"),
    ("4111 - 1111 - 1111 - 1111", "4111 - 1111 - 1111 - 1111"),
    ("4111 / 1111 / 1111 / 1111", "4111 / 1111 / 1111 / 1111"),
    ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"),
    ("n: 4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1!", "4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1"),
    ("41 1111 1111 1111 11", "41 1111 1111 1111 11"),
    # glued after a word, a key or punctuation
    ("PAN4111111111111111", "4111111111111111"),
    ("card_4111111111111111", "4111111111111111"),
    ("cc:4111111111111111", "4111111111111111"),
    ("CardNo4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("visa#4111 1111 1111 1111", "4111 1111 1111 1111"),
    # in records
    ("Card: 5555 5555 5555 4444, exp 12/27", "5555 5555 5555 4444"),
    ("card 5555 5555 5555 4444 12/27", "5555 5555 5555 4444"),
    ("card 5555 5555 5555 4444 123 12/27", "5555 5555 5555 4444"),
    ("5555555555554444|12/27|123", "5555555555554444"),
    ("qty 2 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ('{"card": "4111111111111111"}', "4111111111111111"),
    ("(4111111111111111)", "4111111111111111"),
    ("pan=4111111111111111&x=1", "4111111111111111"),
    # glued after an id prefix, as gateways build session ids and tool names
    ("sess-4111111111111111", "4111111111111111"),
    ("x_4111111111111111", "4111111111111111"),
    ("ORD-4111111111111111", "4111111111111111"),
    ("tool call_5555555555554444_v2", "5555555555554444"),
    # Luhn-valid, prefix in no table, but a card word before it
    ("card " + UNKNOWN16, UNKNOWN16),
    ("JCB card " + _g(UNKNOWN16, (4, 4, 4, 4), " "), _g(UNKNOWN16, (4, 4, 4, 4), " ")),
    ("Credit card number: " + UNKNOWN16, UNKNOWN16),
    ("card_" + UNKNOWN16, UNKNOWN16),
    ("PAN " + card("0604", 12), card("0604", 12)),
]  # fmt: skip

LOOKALIKES = [
    "4111111111111112",  # Luhn-invalid
    "4111 1111 1111 1112",
    "4111/1111/1111/1112",
    "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2",
    "1000000000000009",  # Luhn-valid, no network, no context
    "9999999999999995",
    "ref " + UNKNOWN16,
    "ORD-2024-000123",
    "order " + SHORT_ID,  # 12 digits in one run: an order id unless a card word or key says so
    "ean " + card("5901", 13, "2"),  # a 13-digit run under a Maestro prefix
    "2026-4111111111111111",  # after a digit's dash: a piece of a longer id
    "SO-2026-531046",
    "PO 4512345678",
    "INV-2026-50519",
    "123e4567-e89b-12d3-a456-426614174000",  # UUID
    "2026-11-22T06:30:00.123456Z",  # ISO time stamp
    "2026-11-22 06:30:00.123456",
    "20261122063000123",
    "1732258200123",  # epoch milliseconds
    "1732258200123456",  # epoch microseconds
    "1Z999AA10123456784",  # UPS tracking
    "9400111899223100012345",  # USPS, 22 digits
    "9400 1118 9922 3100 0123 45",
    "4111 1111 1111 1111 1111",  # 20 digits in groups
    "4111-1111-1111-1111-1111",
    "41111111111111111111",  # 20 digits
    "41111111111111111111111",  # 23 digits
    "10.4.2.1",
    "**** **** **** 1111",  # masked
    "411111******1111",
    "XXXX-XXXX-XXXX-4444",
    "+1 415 555 0101",
    "415 555 0101 415 555 0102",
    "41111111111",  # 11 digits
    "44111111111111111",  # 17 digits, Luhn-invalid
    "45.99 12.50 33.10 40.00",  # prices
    "45 67 89 12 34 56 78 90",  # a row of small numbers
    "sha1 3f786850e387550fdab836ed7e6dc881de23001b",
    "md5 9e107d9d372bb6826bd81d3542a419d6",
    "ab4111111111111111cd",  # digits between letters on both sides
    "3fa4111111111111111",  # the digit run of a hex id
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_valid_cards_are_found_exactly(find, text: str, value: str) -> None:
    assert ("CREDIT_CARD", value) in find(text)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_are_not_cards(find, text: str) -> None:
    assert all(t != "CREDIT_CARD" for t, _ in find(text))


@pytest.mark.parametrize("text", LOOKALIKES)
def test_recognizer_alone_never_reports_a_lookalike(text: str) -> None:
    # a Luhn-valid number outside every range may stay as a weak (0.3) candidate
    results = PaymentCardRecognizer().analyze(text, ["CREDIT_CARD"])
    assert all(r.score < 0.4 for r in results)


def test_a_card_is_not_also_a_phone_or_bank_number(find) -> None:
    text = "account 4111111111111111 phone"
    assert find(text) == [("CREDIT_CARD", "4111111111111111")]


def test_unknown_prefix_needs_context_or_a_key(find) -> None:
    assert find(UNKNOWN16) == []
    assert find(UNKNOWN16, key="card_number") == [("CREDIT_CARD", UNKNOWN16)]
    assert find("card " + spoil(UNKNOWN16)) == []


def test_validate_result_semantics() -> None:
    rec = PaymentCardRecognizer()
    assert rec.validate_result("4111 1111 1111 1111") is True
    assert rec.validate_result(UNKNOWN16) is None
    assert rec.validate_result("4111 1111 1111 1112") is False
    assert rec.validate_result("41111111111") is False
    assert rec.validate_result(SHORT_ID) is None
    assert rec.validate_result(_g(SHORT_ID, (4, 4, 4), " ")) is True


def test_a_short_run_needs_context_or_a_key(find) -> None:
    assert find("order " + SHORT_ID) == []
    assert find("card " + SHORT_ID) == [("CREDIT_CARD", SHORT_ID)]
    assert find(SHORT_ID, key="card_number") == [("CREDIT_CARD", SHORT_ID)]


def _needs_context(number: str, shown: str) -> bool:
    """12-13 Maestro digits in one run are ids until a card word or key says otherwise."""
    return shown == number and short_run_needs_context(number)


# --- properties ------------------------------------------------------------------------

_AROUND = st.text(alphabet=string.ascii_letters + " ,:;!?()'\"", max_size=24)
_STYLES = ("compact", *SEPARATORS, "mixed", "digits")
_ROWS = [(name, low, high, n) for name, rows in NETWORKS.items() for low, high, lengths in rows
         for n in lengths]  # fmt: skip


@st.composite
def pans(draw: st.DrawFn, valid: bool = True) -> tuple[str, str]:
    """A number of any network, prefix and length, printed in any style."""
    _, low, high, length = draw(st.sampled_from(_ROWS))
    rng = random.Random(draw(st.integers(0, 2**32)))
    number = network_card(rng, low, high, length)
    if not valid:
        number = spoil(number)
    return number, printed(rng, number, draw(st.sampled_from(_STYLES)))


_SETTINGS = settings(max_examples=400, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(pan=pans(), before=_AROUND, after=_AROUND)
def test_property_every_valid_pan_is_found_with_its_span(spans_of, pan, before, after) -> None:
    number, shown = pan
    assert validators.credit_card(number)
    cue = "card " if _needs_context(number, shown) else ""
    text = f"{before} {cue}{shown} {after}"
    start = len(before) + 1 + len(cue)
    assert ("CREDIT_CARD", start, start + len(shown)) in spans_of(text)


@_SETTINGS
@given(pan=pans(), word=st.sampled_from(["PAN", "card_", "cc:", "CardNo", "pan=", "visa", "x"]))
def test_property_pans_glued_after_a_word(spans_of, pan, word) -> None:
    number, shown = pan
    text = f"{word}{shown}"
    found = ("CREDIT_CARD", len(word), len(text)) in spans_of(text)
    assert found == (word != "x" or not _needs_context(number, shown))  # "x" is no card word


@_SETTINGS
@given(pan=pans(valid=False), before=_AROUND, after=_AROUND)
def test_property_luhn_invalid_pans_are_never_cards(spans_of, pan, before, after) -> None:
    number, shown = pan
    # 4-4-4-4-3 also reads as a 16-digit card and its CVV: not a look-alike then
    assume(not (len(number) == 19 and validators.luhn_card_number(number[:16])))
    # "50 6048 7647 5939", "358759 5117548395083": after the first group, the rest may be
    # a card of its own (Luhn-valid, and "card" before it)
    first = next((i for i, ch in enumerate(shown) if not ch.isdigit()), len(shown))
    assume(not (first < len(shown) and validators.luhn_card_number(number[first:])))
    assert all(t != "CREDIT_CARD" for t, _, _ in spans_of(f"{before} card {shown} {after}"))


@_SETTINGS
@given(digits=st.text(alphabet=string.digits, min_size=12, max_size=19))
def test_property_random_digits_are_cards_only_when_valid(spans_of, digits) -> None:
    found = any(t == "CREDIT_CARD" for t, _, _ in spans_of(f"ref {digits}"))
    assert found == (validators.credit_card(digits) and not _needs_context(digits, digits))


@_SETTINGS
@given(pan=pans(), extra=st.text(alphabet=string.digits, min_size=1, max_size=8))
def test_property_a_longer_digit_run_is_not_bitten(spans_of, pan, extra) -> None:
    number, _ = pan
    for run in (number + extra, extra + number):
        if len(run) > 19:
            assert all(t != "CREDIT_CARD" for t, _, _ in spans_of(f"id {run} end"))


# --- Faker's own card numbers ----------------------------------------------------------

FAKER_TYPES = ["amex", "diners", "discover", "jcb", "jcb15", "jcb16", "maestro", "mastercard",
               "visa", "visa13", "visa16", "visa19"]  # fmt: skip


@pytest.mark.parametrize("card_type", FAKER_TYPES)
def test_faker_cards_of_every_type_in_every_grouping(find, card_type: str) -> None:
    fake = Faker()
    fake.seed_instance(card_type)
    rng = random.Random(card_type)
    missed = []
    for i in range(200):
        number = fake.credit_card_number(card_type=card_type)
        shown = printed(rng, number, _STYLES[i % len(_STYLES)])
        if ("CREDIT_CARD", shown) not in find(f"card {shown}"):
            missed.append(shown)
        bare = ("CREDIT_CARD", shown) in find(f"ref {shown}")
        expected = validators.known_card_network(number) and not _needs_context(number, shown)
        assert bare == expected, shown
    assert missed == []


def test_groupings_table_covers_every_length() -> None:
    assert sorted(GROUPINGS) == list(range(12, 20))
    assert all(sum(g) == n for n, gs in GROUPINGS.items() for g in gs)


# --- linear time -----------------------------------------------------------------------

HOSTILE = [
    "1 " * 4000,
    "1-" * 4000,
    "1111 " * 2000,
    "41 " * 3000,
    "4111 1111 1111 111" * 500,
    "9" * 8000,
    "12/" * 3000,
    "ab1" * 3000,
    "1 - " * 2000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_linear(text: str) -> None:
    rec = PaymentCardRecognizer()
    timings = []
    for size in (1, 4):
        t0 = time.perf_counter()
        rec.analyze(text * size, ["CREDIT_CARD"])
        timings.append(time.perf_counter() - t0)
    assert timings[1] < 2.0
    assert timings[1] < 12 * timings[0] + 0.05
