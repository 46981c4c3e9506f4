"""Valid payment card numbers of every network, for tables and property tests."""

from __future__ import annotations

from detectors.validators import luhn_check_digit
from streams.generate.cards import GROUPS, group

__all__ = ["GROUPINGS", "NETWORKS", "card", "group", "spoil"]

NETWORKS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "visa": (("4",), (13, 16, 19)),
    "mastercard": (("51", "52", "53", "54", "55"), (16,)),
    "mastercard_2series": (tuple(str(p) for p in range(2221, 2721)), (16,)),
    "amex": (("34", "37"), (15,)),
    "discover": (("6011", "644", "645", "646", "647", "648", "649", "65"), (16, 19)),
    "jcb": (tuple(str(p) for p in range(3528, 3590)), (16, 19)),
    "diners": (("300", "301", "302", "303", "304", "305", "36", "38", "39"), (14,)),
    "unionpay": (("62",), (16, 17, 18, 19)),
    "maestro": (
        ("50", "56", "57", "58", "6304", "6759", "6761", "6762", "6763", "67"),
        tuple(range(12, 20)),
    ),
}

# how numbers of each length are grouped when written: the generator's own table
GROUPINGS = GROUPS


def card(prefix: str, length: int, fill: str = "0") -> str:
    """A Luhn-valid number: prefix, filler digits, check digit."""
    body = (prefix + fill * length)[: length - 1]
    return body + luhn_check_digit(body)


def spoil(number: str) -> str:
    """The same number with a wrong last (check) digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)
