"""Checksum and structure validators for identifiers.

Shared by the detectors (to reject look-alikes) and the traffic generator (to make
valid synthetic values), so both sides agree on what "valid" means. Each function
takes the raw string, ignores the usual separators, and returns a bool; none raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SEPARATORS = re.compile(r"[\s\-.]")


def digits_only(value: str) -> str:
    """Strip spaces, dashes and dots; what is left is compared as digits."""
    return _SEPARATORS.sub("", value)


def _ascii_digits(d: str) -> bool:
    """Only 0-9: str.isdigit() also accepts superscripts and full-width digits."""
    return d.isascii() and d.isdigit()


def luhn_checksum(digits: str) -> int:
    """The Luhn sum mod 10 of a digit string (0 means the string passes)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10


def luhn_check_digit(partial: str) -> str:
    """The digit that, appended to `partial`, makes it Luhn-valid."""
    return str((10 - luhn_checksum(partial + "0")) % 10)


def luhn(value: str) -> bool:
    """True when `value` (separators allowed) is all digits and passes Luhn."""
    d = digits_only(value)
    return _ascii_digits(d) and luhn_checksum(d) == 0


# Issuer prefixes (IIN ranges) of the card networks, as (low, high, lengths).
_CARD_RANGES: tuple[tuple[int, int, int, tuple[int, ...]], ...] = (
    # (prefix length, low, high, allowed lengths)
    (1, 4, 4, (13, 16, 19)),  # Visa
    (2, 51, 55, (16,)),  # Mastercard
    (4, 2221, 2720, (16,)),  # Mastercard 2-series
    (2, 34, 34, (15,)),  # American Express
    (2, 37, 37, (15,)),  # American Express
    (4, 6011, 6011, (16, 19)),  # Discover
    (2, 65, 65, (16, 19)),  # Discover
    (3, 644, 649, (16, 19)),  # Discover
    (6, 622126, 622925, (16, 19)),  # Discover / UnionPay co-brand
    (2, 62, 62, (16, 17, 18, 19)),  # UnionPay
    (4, 3528, 3589, (16, 19)),  # JCB
    (3, 300, 305, (14,)),  # Diners Club International
    (2, 36, 36, (14,)),  # Diners Club International
    (2, 38, 39, (14, 16)),  # Diners Club
    (2, 50, 50, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (2, 56, 58, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (4, 6304, 6304, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (4, 6759, 6759, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro UK
    (4, 6761, 6763, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (2, 67, 67, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
)


def card_network_ok(digits: str) -> bool:
    """True when the digits start with a known issuer prefix at an allowed length."""
    n = len(digits)
    for plen, low, high, lengths in _CARD_RANGES:
        if n in lengths and low <= int(digits[:plen]) <= high:
            return True
    return False


def credit_card(value: str) -> bool:
    """A payment card number: 12 to 19 digits, known network prefix, Luhn-valid."""
    d = digits_only(value)
    return (_ascii_digits(d) and 12 <= len(d) <= 19 and card_network_ok(d)
            and luhn_checksum(d) == 0)


def us_ssn(value: str) -> bool:
    """An SSN by SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    d = digits_only(value)
    if len(d) != 9 or not _ascii_digits(d):
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    # Values the SSA voided after public misuse (advertising cards, the Woolworth card).
    return d not in {"078051120", "219099999", "123456789"}


def mod97(value: str) -> bool:
    """An IBAN: country code, two check digits, BBAN; ISO 13616 mod-97 equals 1."""
    s = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", s, re.ASCII):
        return False
    expected = _IBAN_LENGTHS.get(s[:2])
    if expected is not None and len(s) != expected:
        return False
    rearranged = s[4:] + s[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits that make `country + ?? + bban` a valid IBAN."""
    numeric = "".join(str(int(ch, 36)) for ch in (bban + country + "00").upper())
    return f"{98 - int(numeric) % 97:02d}"


_IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24, "FI": 18,
    "FR": 27, "GB": 22, "IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "SE": 24,
}  # fmt: skip


def aba_routing(value: str) -> bool:
    """An ABA routing number: 9 digits, weights 3-7-1, sum divisible by 10."""
    d = digits_only(value)
    if len(d) != 9 or not _ascii_digits(d):
        return False
    head = int(d[:2])
    if not (0 <= head <= 12 or 21 <= head <= 32 or 61 <= head <= 72 or head == 80):
        return False
    w = (3, 7, 1) * 3
    return sum(int(c) * k for c, k in zip(d, w, strict=True)) % 10 == 0


def npi(value: str) -> bool:
    """A US National Provider Identifier: 10 digits starting 1 or 2, Luhn over 80840 + NPI."""
    d = digits_only(value)
    return len(d) == 10 and _ascii_digits(d) and d[0] in "12" and luhn_checksum("80840" + d) == 0


def npi_check_digit(first9: str) -> str:
    """The tenth digit that makes `first9` a valid NPI."""
    return luhn_check_digit("80840" + first9)


_MBI = re.compile(
    r"[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d"
    r"[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y]\d\d"
)


def us_mbi(value: str) -> bool:
    """A Medicare Beneficiary Identifier (CMS format, 11 characters, no S L O I B Z)."""
    return bool(_MBI.fullmatch(re.sub(r"[\s\-]", "", value).upper()))


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "credit_card": credit_card,
    "ssn": us_ssn,
    "mod97": mod97,
    "iban": mod97,
    "aba": aba_routing,
    "npi": npi,
    "mbi": us_mbi,
}
"""Validators by the name YAML detectors use (`validator: luhn`)."""
