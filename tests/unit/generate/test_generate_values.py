"""Synthetic values are valid by their checks; look-alikes fail every check."""

from __future__ import annotations

import base64
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors import validators as v
from streams.generate import cards, credentials, ibans, lookalikes, values
from streams.generate.checks import harmless, valid

SEEDS = st.integers(min_value=0, max_value=2**63)


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS)
def test_every_generator_makes_a_valid_unambiguous_value(seed: int) -> None:
    rng = random.Random(seed)
    first, last = values.person(rng)
    made = [
        ("CREDIT_CARD", cards.pan(rng)[0], ""),
        ("US_SSN", values.ssn(rng), ""),
        ("US_NPI", values.npi_value(rng), ""),
        ("US_MBI", values.mbi(rng), ""),
        ("MEDICAL_RECORD_NUMBER", values.mrn(rng), ""),
        ("US_BANK_NUMBER", values.routing_number(rng), "aba_routing"),
        ("US_BANK_NUMBER", values.account_number(rng), "account"),
        ("IBAN_CODE", values.iban(rng), ""),
        ("EMAIL_ADDRESS", values.email(rng, first, last), ""),
        ("PERSON", f"{first} {last}", ""),
        ("DATE_OF_BIRTH", values.date_of_birth(rng), ""),
        ("IP_ADDRESS", values.ip_address(rng), ""),
        *(("PHONE_NUMBER", values.phone(rng, r), "") for r in ("us", "uk", "eu", "apac")),
        *(("SECRET", make(rng), kind) for kind, make in credentials.SECRETS.items()),
    ]
    for entity, value, subtype in made:
        assert valid(entity, value, subtype), (entity, subtype, value)


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS, kind=st.sampled_from(sorted(lookalikes.LOOKALIKES)))
def test_every_lookalike_fails_every_identifier_check(seed: int, kind: str) -> None:
    value = lookalikes.lookalike(random.Random(seed), kind)
    assert harmless(value), (kind, value)
    for check in (v.credit_card, v.us_ssn, v.npi, v.mod97, v.aba_routing, v.us_mbi):
        assert not check(value), (kind, value, check.__name__)


@pytest.mark.parametrize("network", sorted(cards.NETWORKS))
def test_each_network_issues_valid_numbers_in_its_ranges(network: str) -> None:
    rng = random.Random(network)
    _, ranges, lengths = cards.NETWORKS[network]
    seen_lengths = set()
    for _ in range(300):
        digits, net = cards.pan_digits(rng, network)
        assert net == network and v.credit_card(digits), digits
        assert any(low <= int(digits[: len(str(low))]) <= high for low, high in ranges), digits
        seen_lengths.add(len(digits))
    assert seen_lengths == set(lengths)


def test_mastercard_two_series_spans_its_range_and_formats_vary() -> None:
    rng = random.Random(5)
    prefixes = {int(cards.pan_digits(rng, "mastercard_2series")[0][:4]) for _ in range(500)}
    assert min(prefixes) < 2300 and max(prefixes) > 2650 and len(prefixes) > 200
    formatted = [cards.pan(rng)[0] for _ in range(400)]
    assert any(" " in f for f in formatted) and any("-" in f for f in formatted)
    assert any(f.isdigit() for f in formatted)
    amex = cards.format_pan(random.Random(1), "378282246310005")
    assert amex in ("378282246310005", "3782 822463 10005", "3782-822463-10005")


@pytest.mark.parametrize("country", sorted(ibans.BBANS))
def test_iban_of_each_country_has_its_length_and_checksum(country: str) -> None:
    lengths = {
        "DE": 22,
        "GB": 22,
        "IE": 22,
        "NL": 18,
        "FR": 27,
        "ES": 24,
        "IT": 27,
        "BE": 16,
        "AT": 20,
        "CH": 21,
        "PL": 28,
    }
    rng = random.Random(country)
    for _ in range(50):
        iban = values.iban(rng, country)
        compact = iban.replace(" ", "")
        assert v.mod97(iban) and compact.startswith(country) and len(compact) == lengths[country]


def test_national_check_digits_follow_known_examples() -> None:
    # Published examples: the Spanish DC of 2100 0418 / 0200051332 is 45, the French
    # RIB key of 30006 00001 00000001234 ... is computed the same way as the builder.
    assert ibans._es_digit("0021000418") + ibans._es_digit("0200051332") == "45"
    assert v.mod97("ES9121000418450200051332") and v.mod97("FR1420041010050500013M02606")


def test_ssn_styles_and_rules() -> None:
    rng = random.Random(3)
    made = [values.ssn(rng) for _ in range(400)]
    assert any("-" in s for s in made) and any(s.isdigit() for s in made)
    assert all(v.us_ssn(s) and not v.aba_routing(s) for s in made)
    assert len(set(made)) == len(made)


def test_secret_shapes() -> None:
    rng = random.Random(9)
    token = credentials.jwt(rng)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "JWT" and header["alg"] in ("HS256", "RS256", "ES256")
    pem = credentials.pem_private_key(rng)
    assert pem.startswith("-----BEGIN ") and pem.endswith("PRIVATE KEY-----")
    assert all(len(line) <= 64 for line in pem.splitlines())
    gh = credentials.github_token(rng)
    assert valid("SECRET", gh, "github_token")
    assert not valid("SECRET", gh[:-1] + ("A" if gh[-1] != "A" else "B"), "github_token")


def test_checks_reject_wrong_values() -> None:
    assert not valid("CREDIT_CARD", "4111 1111 1111 1112")
    assert not valid("US_SSN", "666-12-3456")
    assert not valid("EMAIL_ADDRESS", "someone@gmail.com")
    assert not valid("PHONE_NUMBER", "(415) 555-2671")  # 555 outside 0100-0199
    assert not valid("IP_ADDRESS", "8.8.8.8")
    assert not valid("PERSON", "Zzyzx Qwerty")
    assert not valid("DATE_OF_BIRTH", "2026-13-01")
