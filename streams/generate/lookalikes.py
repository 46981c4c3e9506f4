"""Look-alikes: strings shaped like sensitive values that a good detector leaves alone.

They are the negatives of the ground truth, so precision can be measured per kind.
Every one fails all identifier checks (card, SSN, NPI, IBAN, ABA, MBI): one that
passes by chance is drawn again, and the tests hold every kind to that.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from detectors.validators import luhn_check_digit, npi_check_digit
from streams.generate import cards, values
from streams.generate.cards import group
from streams.generate.envelope import iso
from streams.generate.values import ambiguous


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def order_number(rng: random.Random) -> str:
    """Shop and ERP order references."""
    return rng.choice(
        (
            f"ORD-{_d(rng, 7)}",
            f"SO-2026-{_d(rng, 6)}",
            f"PO 45{_d(rng, 8)}",
            f"#{rng.randint(100_000, 999_999)}",
            f"A{_d(rng, 3)}-{_d(rng, 4)}",
        )
    )


def luhn_invalid_number(rng: random.Random) -> str:
    """Sixteen digits with a card prefix and grouping, but a wrong Luhn digit."""
    digits, _ = cards.pan_digits(rng, rng.choice(("visa", "mastercard", "discover")))
    while len(digits) != 16:
        digits, _ = cards.pan_digits(rng, "mastercard")
    good = luhn_check_digit(digits[:-1])
    bad = rng.choice([c for c in "0123456789" if c != good])
    return cards.format_pan(rng, digits[:-1] + bad)


def uuid_value(rng: random.Random) -> str:
    """A random (version 4) UUID from the seeded generator."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def iso_timestamp(rng: random.Random) -> str:
    """An ISO 8601 time stamp of 2026."""
    m, d, h, mi, s = (
        rng.randint(1, 12),
        rng.randint(1, 28),
        rng.randint(0, 23),
        rng.randint(0, 59),
        rng.randint(0, 59),
    )
    base = f"2026-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
    return base + rng.choice(("Z", ".000Z", f".{rng.randint(0, 999):03d}+00:00", "+01:00"))


def timestamp_before(rng: random.Random, time_us: int) -> str:
    """An ISO 8601 time stamp up to 60 days before `time_us`, in one of the usual styles."""
    full = iso(time_us - rng.randint(1, 60 * 86_400) * 1_000_000 - rng.randint(0, 999_999))
    return rng.choice((full[:19] + "Z", full[:23] + "Z", full, full[:19] + "+00:00"))


def ups_tracking(rng: random.Random) -> str:
    """A UPS 1Z tracking number: shipper code, service, package digits."""
    shipper = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6))
    return f"1Z{shipper}{rng.choice(('01', '02', '03', '12', '13'))}{_d(rng, 8)}"


def usps_tracking(rng: random.Random) -> str:
    """A 22-digit USPS tracking number, compact or in groups of four."""
    raw = rng.choice(("9400", "9205", "9361", "9405")) + _d(rng, 18)
    return group(raw, (4, 4, 4, 4, 4, 2), " ") if rng.random() < 0.4 else raw


def version(rng: random.Random) -> str:
    """A software version string."""
    a, b, c = rng.randint(0, 12), rng.randint(0, 30), rng.randint(0, 40)
    return rng.choice(
        (
            f"{a}.{b}.{c}",
            f"v{a}.{b}.{c}",
            f"{a}.{b}.{c}-rc.{rng.randint(1, 4)}",
            f"2026.{rng.randint(1, 12)}.{c}",
            f"{a}.{b}.{c}.{rng.randint(1000, 9999)}",
        )
    )


def invoice_id(rng: random.Random) -> str:
    """An invoice reference."""
    return rng.choice((f"INV-2026-{_d(rng, 5)}", f"INV/2026/{_d(rng, 4)}", f"BILL-{_d(rng, 8)}"))


def iban_bad_checksum(rng: random.Random) -> str:
    """An IBAN-shaped string whose check digits are wrong."""
    good = values.iban(rng)
    compact = good.replace(" ", "")
    check = (int(compact[2:4]) + rng.randint(1, 96) - 2) % 97 + 2
    bad = compact[:2] + f"{check:02d}" + compact[4:]
    return bad if good == compact else " ".join(bad[i : i + 4] for i in range(0, len(bad), 4))


def ssn_invalid(rng: random.Random) -> str:
    """Nine digits in SSN layout that SSA rules exclude (000, 666, 9xx, 00, 0000)."""
    rule = rng.randrange(4)
    area = ("000", "666", f"9{_d(rng, 2)}", f"{rng.randint(1, 665):03d}")[rule]
    grp = "00" if rule == 3 else f"{rng.randint(1, 99):02d}"
    serial = "0000" if rule != 3 and rng.random() < 0.2 else f"{rng.randint(1, 9999):04d}"
    return group(area + grp + serial, (3, 2, 4), rng.choice(("-", "-", "")))


def npi_invalid(rng: random.Random) -> str:
    """Ten digits starting with 1 whose NPI check digit is wrong."""
    first9 = "1" + _d(rng, 8)
    good = npi_check_digit(first9)
    return first9 + rng.choice([c for c in "0123456789" if c != good])


def masked_pan(rng: random.Random, digits: str | None = None) -> str:
    """A truncated card number as receipts print it (first six / last four at most)."""
    if digits is None:
        digits, _ = cards.pan_digits(rng, rng.choice(("visa", "mastercard", "amex")))
    last4 = digits[-4:]
    return rng.choice(
        (
            f"**** **** **** {last4}",
            f"XXXX-XXXX-XXXX-{last4}",
            f"{digits[:6]}{'*' * (len(digits) - 10)}{last4}",
            f"ending in {last4}",
        )
    )


# kind: (entity type it resembles, or "" for none; generator)
LOOKALIKES: dict[str, tuple[str, Callable[[random.Random], str]]] = {
    "ORDER_NUMBER": ("", order_number),
    "LUHN_INVALID_NUMBER": ("CREDIT_CARD", luhn_invalid_number),
    "UUID": ("", uuid_value),
    "ISO_TIMESTAMP": ("DATE_OF_BIRTH", iso_timestamp),
    "UPS_TRACKING": ("", ups_tracking),
    "USPS_TRACKING": ("CREDIT_CARD", usps_tracking),
    "VERSION": ("IP_ADDRESS", version),
    "INVOICE_ID": ("", invoice_id),
    "IBAN_BAD_CHECKSUM": ("IBAN_CODE", iban_bad_checksum),
    "SSN_INVALID": ("US_SSN", ssn_invalid),
    "NPI_INVALID": ("US_NPI", npi_invalid),
    "MASKED_PAN": ("CREDIT_CARD", masked_pan),
}


def lookalike(rng: random.Random, kind: str) -> str:
    """A look-alike of `kind` that fails every identifier check."""
    make = LOOKALIKES[kind][1]
    while True:
        value = make(rng)
        if not ambiguous(value):
            return value
