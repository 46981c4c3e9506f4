"""Checksum validators: valid values pass, look-alikes fail, no input makes them raise."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detectors.validators import VALIDATORS, aba_routing, credit_card, mod97, npi, us_mbi, us_ssn


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (credit_card, "4111 1111 1111 1111", True),
        (credit_card, "2221-0000-0000-0009", True),
        (credit_card, "4111 1111 1111 1112", False),
        (credit_card, "1111 1111 1111 1117", False),  # Luhn-valid, no network
        (credit_card, "²111111111111111", False),
        (us_ssn, "123-45-6780", True),
        (us_ssn, "000-12-3456", False),
        (us_ssn, "666-12-3456", False),
        (us_ssn, "912-12-3456", False),
        (us_ssn, "123-00-4567", False),
        (us_ssn, "123-45-0000", False),
        (us_ssn, "１２３４５６７８０", False),  # full-width digits
        (mod97, "GB82 WEST 1234 5698 7654 32", True),
        (mod97, "DE89370400440532013000", True),
        (mod97, "DE89370400440532013001", False),
        (mod97, "DE8937040044053201300", False),  # wrong length for DE
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


@given(st.text(max_size=40))
def test_validators_never_raise(text) -> None:
    for fn in VALIDATORS.values():
        assert fn(text) in (True, False)
