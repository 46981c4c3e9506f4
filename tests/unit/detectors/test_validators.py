"""Checksum validators: valid values pass, look-alikes fail, no input makes them raise."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detectors.validators import (
    CARD_IINS,
    IBAN_LENGTHS,
    VALIDATORS,
    aba_routing,
    card_network,
    credit_card,
    known_card_network,
    luhn_card_number,
    luhn_check_digit,
    mod97,
    npi,
    us_mbi,
    us_ssn,
)


def _card(prefix: str, length: int) -> str:
    body = (prefix + "0" * length)[: length - 1]
    return body + luhn_check_digit(body)


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (credit_card, "4111 1111 1111 1111", True),
        (credit_card, "2221-0000-0000-0009", True),
        (credit_card, "4111/1111/1111/1111", True),
        (credit_card, "4111_1111_1111_1111", True),
        (credit_card, "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", True),
        (credit_card, "4111 1111 1111 1112", False),
        (credit_card, "1111 1111 1111 1117", False),  # Luhn-valid, no network
        (credit_card, "²111111111111111", False),
        (credit_card, "41111111111111111111", False),  # 20 digits
        (credit_card, _card("1800", 15), True),  # JCB 15
        (credit_card, _card("2131", 15), True),
        (credit_card, _card("1800", 16), False),  # 1800 is issued at 15 only
        (credit_card, _card("5018", 12), True),  # Maestro 12
        (credit_card, _card("4", 12), False),  # Visa is never 12
        (credit_card, _card("36", 14), True),
        (credit_card, _card("36", 19), True),  # Diners 14-19
        (credit_card, _card("3095", 14), True),
        (credit_card, _card("3528", 19), True),
        (credit_card, _card("7000", 16), False),  # in no network's range
        (credit_card, _card("2200", 16), True),  # MIR
        (credit_card, _card("9792", 16), True),  # Troy
        (credit_card, _card("9999", 16), False),
        (credit_card, _card("1", 15), True),  # UATP
        (credit_card, _card("1", 16), False),
        (credit_card, _card("7", 16), False),
        (us_ssn, "123-45-6780", True),
        (us_ssn, "000-12-3456", False),
        (us_ssn, "666-12-3456", False),
        (us_ssn, "912-12-3456", False),
        (us_ssn, "123-00-4567", False),
        (us_ssn, "123-45-0000", False),
        (us_ssn, "１２３４５６７８０", False),  # full-width digits
        (mod97, "GB82 WEST 1234 5698 7654 32", True),
        (mod97, "gb82 west 1234 5698 7654 32", True),
        (mod97, "DE89370400440532013000", True),
        (mod97, "de89-3704-0044-0532-0130-00", True),
        (mod97, "DE89370400440532013001", False),
        (mod97, "DE8937040044053201300", False),  # wrong length for DE
        (mod97, "DE89 3704 0044 0532 0130 00 0", False),
        (npi, "1234567893", True),
        (npi, "1234567890", False),
        (npi, "3234567893", False),
        (aba_routing, "011000015", True),
        (aba_routing, "011000016", False),
        (aba_routing, "12345678²", False),
        (us_mbi, "1EG4-TE5-MK73", True),
        (us_mbi, "1EG4-TS5-MK73", False),  # S is never used
    ],
)
def test_table(check, value, ok) -> None:
    assert check(value) is ok


@pytest.mark.parametrize(
    ("prefix", "length", "network"),
    [
        ("4111", 16, "visa"), ("51", 16, "mastercard"), ("2720", 16, "mastercard"),
        ("34", 15, "amex"), ("6011", 19, "discover"), ("622126", 16, "discover"),
        ("3589", 16, "jcb"), ("1800", 15, "jcb"), ("2131", 15, "jcb"),
        ("305", 14, "diners"), ("39", 16, "diners"), ("62", 17, "unionpay"),
        ("5018", 12, "maestro"), ("6759", 13, "maestro"), ("2204", 16, "mir"),
        ("508", 16, "rupay"), ("606282", 16, "hipercard"), ("3841", 19, "hipercard"),
        ("506099", 16, "verve"), ("650027", 16, "verve"), ("9792", 16, "troy"),
        ("5019", 16, "dankort"), ("1", 15, "uatp"), ("6541", 16, "bc_card"),
        ("636", 16, "interpayment"), ("638", 16, "instapayment"), ("509000", 16, "elo"),
    ],
)  # fmt: skip
def test_card_network_names_the_most_specific_range(prefix, length, network) -> None:
    assert card_network(_card(prefix, length)) == network


def test_every_iin_row_is_well_formed_and_reachable() -> None:
    for name, low, high, lengths in CARD_IINS:
        assert low.isdigit() and high.isdigit() and len(low) == len(high) and low <= high, name
        assert lengths and all(12 <= n <= 19 for n in lengths), name
        for n in lengths:
            assert known_card_network(_card(low, n)) and known_card_network(_card(high, n)), name


def test_luhn_card_number_ignores_networks() -> None:
    assert luhn_card_number(_card("7000", 16)) and not known_card_network(_card("7000", 16))
    assert not luhn_card_number(_card("3500", 11))


def test_iban_lengths_are_plausible() -> None:
    assert len(IBAN_LENGTHS) >= 89
    assert all(len(c) == 2 and c.isupper() and 15 <= n <= 34 for c, n in IBAN_LENGTHS.items())


@given(st.text(max_size=40))
def test_validators_never_raise(text) -> None:
    for fn in VALIDATORS.values():
        assert fn(text) in (True, False)
    assert known_card_network(text) in (True, False)
    assert card_network(text) is None or isinstance(card_network(text), str)
