"""Synthetic sensitive values: valid by their checksum, varied, and never real.

Each function takes a `random.Random` so a seed fixes every value. Numbers are built
with `detectors.validators` so the generator and the detectors agree on "valid", and
a value that would also pass another identifier's check (a 10-digit phone number that
happens to be a valid NPI) is drawn again: each truth value has exactly one meaning.
Reserved ranges are used where they exist: example.com/.org/.net mail, 555-01xx US
phones, Ofcom drama numbers (UK), ACMA fictitious numbers (AU), documentation IPs.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from detectors.validators import (
    aba_routing,
    credit_card,
    iban_check_digits,
    mod97,
    npi,
    npi_check_digit,
    us_mbi,
    us_ssn,
)
from streams.generate.cards import group
from streams.generate.ibans import BBANS
from streams.generate.names import FIRST_NAMES, LAST_NAMES, ascii_fold

_CHECKS: tuple[Callable[[str], bool], ...] = (credit_card, us_ssn, npi, mod97, aba_routing, us_mbi)


def ambiguous(value: str, own: Callable[[str], bool] | None = None) -> bool:
    """True when `value` passes an identifier check other than its own."""
    return any(check(value) for check in _CHECKS if check is not own)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# --- national and health identifiers ------------------------------------------------


def ssn(rng: random.Random) -> str:
    """An SSN that follows SSA rules, dashed, compact or spaced."""
    while True:
        area = rng.randint(1, 899)
        raw = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if us_ssn(raw) and not ambiguous(raw, us_ssn):
            break
    style = rng.choices(("-", "", " "), weights=(60, 30, 10))[0]
    return group(raw, (3, 2, 4), style)


def npi_value(rng: random.Random) -> str:
    """A National Provider Identifier with its Luhn (80840 prefix) check digit."""
    while True:
        first9 = rng.choice("12") + _digits(rng, 8)
        value = first9 + npi_check_digit(first9)
        if not ambiguous(value, npi):
            return value


def mrn(rng: random.Random) -> str:
    """A medical record number as EHRs print it (no checksum exists)."""
    style = rng.randrange(3)
    if style == 0:
        return f"MRN-{rng.randint(1, 99_999_999):08d}"
    if style == 1:
        return f"{rng.randint(1, 99_999_999):08d}"
    return rng.choice("EKMT") + f"{rng.randint(1_000_000, 9_999_999)}"


_MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"
_MBI_ALNUM = _MBI_ALPHA + "0123456789"


def mbi(rng: random.Random) -> str:
    """A Medicare Beneficiary Identifier (CMS layout), sometimes dashed 4-3-4."""
    slots = ("C", "A", "X", "N", "A", "X", "N", "A", "A", "N", "N")  # X: letter or digit
    pick = {"C": "123456789", "A": _MBI_ALPHA, "X": _MBI_ALNUM, "N": "0123456789"}
    value = "".join(rng.choice(pick[s]) for s in slots)
    return group(value, (4, 3, 4), "-") if rng.random() < 0.35 else value


def routing_number(rng: random.Random) -> str:
    """An ABA routing number: Federal Reserve prefix, institution, 3-7-1 check digit."""
    prefixes = [f"{p:02d}" for p in (*range(1, 13), *range(21, 33), *range(61, 73))]
    while True:
        head = rng.choice(prefixes) + rng.choice("0123456789") + "00" + _digits(rng, 3)
        total = sum(int(c) * w for c, w in zip(head, (3, 7, 1, 3, 7, 1, 3, 7), strict=True))
        value = head + str((10 - total % 10) % 10)
        if aba_routing(value) and not ambiguous(value, aba_routing):
            return value


def account_number(rng: random.Random) -> str:
    """A US deposit account number (8 to 17 digits, no public checksum)."""
    while True:
        value = rng.choice("123456789") + _digits(rng, rng.choice((8, 10, 11, 12, 14, 17)) - 1)
        if not ambiguous(value):
            return value


# --- contact details ----------------------------------------------------------------


def person(rng: random.Random) -> tuple[str, str]:
    """A first and a last name, drawn independently from many cultures."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


_MAIL_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "patients.example.org",
    "inbox.example.net",
)


def email(rng: random.Random, first: str, last: str, domain: str | None = None) -> str:
    """An address at a reserved domain, built the ways people build them."""
    f, lname, n = ascii_fold(first), ascii_fold(last), rng.randint(1, 99)
    local = rng.choice(
        (
            f"{f}.{lname}",
            f"{f[0]}{lname}",
            f"{f}_{lname}{n}",
            f"{lname}.{f}",
            f"{f}{n}",
            f"{f}.{lname[0]}",
        )
    )
    return f"{local}@{domain or rng.choice(_MAIL_DOMAINS)}"


_US_AREAS = ("415", "212", "617", "312", "206", "512", "303", "646", "718", "202", "305", "971")
_UK_FIXED = (("20", "7946 0"), ("161", "496 0"), ("113", "496 0"), ("121", "496 0"))


def phone(rng: random.Random, region: str) -> str:
    """A phone number from a reserved fictional range of the region, in a local style."""
    while True:
        value = _phone(rng, region)
        if not ambiguous(value):
            return value


def _phone(rng: random.Random, region: str) -> str:
    x = rng.randint(0, 99)
    if region == "us":
        a, line = rng.choice(_US_AREAS), f"01{x:02d}"
        return rng.choice(
            (
                f"({a}) 555-{line}",
                f"{a}-555-{line}",
                f"{a}.555.{line}",
                f"+1 {a} 555 {line}",
                f"+1{a}555{line}",
                f"1-{a}-555-{line}",
            )
        )
    if region == "uk":
        n = rng.randint(0, 999)
        if rng.random() < 0.5:
            return rng.choice((f"07700 900{n:03d}", f"+44 7700 900{n:03d}", f"+447700900{n:03d}"))
        code, block = rng.choice(_UK_FIXED)
        sep = " " if len(code) == 2 else ""
        return rng.choice(
            (
                f"0{code} {block}{n:03d}",
                f"+44 {code} {block}{n:03d}",
                f"(0{code}){sep} {block}{n:03d}",
            )
        )
    if region == "apac":
        d, n = rng.choice("2378"), rng.randint(0, 9999)
        block = rng.choice(("5550", "7010"))
        return rng.choice((f"(0{d}) {block} {n:04d}", f"+61 {d} {block} {n:04d}"))
    # eu: no EU-wide reserved range; an invented 5550 block in German style
    n = rng.randint(0, 9999)
    return rng.choice((f"+49 30 5550 {n:04d}", f"030 5550{n:04d}", f"+49 (0)89 5550-{n:04d}"))


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_of_birth(rng: random.Random) -> str:
    """A birth date between 1932 and 2007 in ISO, US or long form."""
    y, m, d = rng.randint(1932, 2007), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        (
            f"{y}-{m:02d}-{d:02d}",
            f"{m:02d}/{d:02d}/{y}",
            f"{d} {_MONTHS[m - 1]} {y}",
            f"{_MONTHS[m - 1]} {d}, {y}",
        )
    )


def ip_address(rng: random.Random) -> str:
    """An address from the documentation ranges (RFC 5737 / RFC 3849)."""
    while True:
        if rng.random() < 0.2:
            groups = ":".join(f"{rng.getrandbits(16):x}" for _ in range(3))
            return f"2001:db8:{groups}::{rng.getrandbits(12):x}"
        net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
        value = f"{net}.{rng.randint(1, 254)}"
        if not ambiguous(value):
            return value


def iban(rng: random.Random, country: str | None = None) -> str:
    """A mod-97-valid IBAN of a European country, compact or in groups of four."""
    country = country or rng.choice(sorted(BBANS))
    bban = BBANS[country](rng)
    value = country + iban_check_digits(country, bban) + bban
    assert mod97(value), value
    if rng.random() < 0.4:
        sizes = (4,) * (len(value) // 4) + ((len(value) % 4,) if len(value) % 4 else ())
        return group(value, sizes, " ")
    return value
