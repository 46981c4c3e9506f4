"""Valid payment card numbers of every network, for tables and property tests."""

from __future__ import annotations

from detectors.validators import luhn_check_digit

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

GROUPINGS: dict[int, tuple[tuple[int, ...], ...]] = {
    12: ((4, 4, 4),),
    13: ((4, 4, 5), (4, 3, 3, 3)),
    14: ((4, 6, 4),),
    15: ((4, 6, 5),),
    16: ((4, 4, 4, 4),),
    17: ((4, 4, 4, 5),),
    18: ((4, 4, 4, 6),),
    19: ((4, 4, 4, 4, 3), (6, 13)),
}


def card(prefix: str, length: int, fill: str = "0") -> str:
    """A Luhn-valid number: prefix, filler digits, check digit."""
    body = (prefix + fill * length)[: length - 1]
    return body + luhn_check_digit(body)


def group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    """Split `digits` into groups of `sizes`, joined by `sep`."""
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return sep.join(out)


def spoil(number: str) -> str:
    """The same number with a wrong last (check) digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)
