"""Payment card numbers of every network, as people and systems write them.

Prefixes are drawn from each network's whole IIN range (Mastercard 2221-2720 too),
lengths from what the network issues (Visa 13/16/19, UnionPay 16-19, Maestro 12-19),
check digits by Luhn, layout from the network's usual grouping (Amex 4-6-5) with no
separator, spaces or dashes.
"""

from __future__ import annotations

import random

from detectors.validators import luhn_check_digit

# fmt: off
# network: (weight, IIN ranges (low, high), lengths)
NETWORKS: dict[str, tuple[int, tuple[tuple[int, int], ...], tuple[int, ...]]] = {
    "visa": (30, ((4, 4),), (13, 16, 16, 16, 16, 19)),
    "mastercard": (15, ((51, 55),), (16,)),
    "mastercard_2series": (8, ((2221, 2720),), (16,)),
    "amex": (10, ((34, 34), (37, 37)), (15,)),
    "discover": (8, ((6011, 6011), (644, 649), (65, 65)), (16, 19)),
    "jcb": (6, ((3528, 3589),), (16, 19)),
    "diners": (5, ((300, 305), (36, 36), (38, 38)), (14,)),
    "unionpay": (8, ((621, 621), (623, 626)), (16, 17, 18, 19)),
    "maestro": (6, ((5018, 5018), (5020, 5020), (5038, 5038), (5893, 5893), (6304, 6304),
                    (6759, 6759), (6761, 6763)), (12, 13, 15, 16, 18, 19)),
}

GROUPS: dict[int, tuple[tuple[int, ...], ...]] = {
    12: ((4, 4, 4),), 13: ((4, 4, 5), (4, 3, 3, 3)), 14: ((4, 6, 4),), 15: ((4, 6, 5),),
    16: ((4, 4, 4, 4),), 17: ((4, 4, 4, 5),), 18: ((4, 4, 4, 6),),
    19: ((4, 4, 4, 4, 3), (6, 13)),
}
# fmt: on


def group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    """Split `digits` into groups of `sizes` joined by `sep`."""
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return sep.join(out)


def pan_digits(rng: random.Random, network: str | None = None) -> tuple[str, str]:
    """A Luhn-valid card number (digits only) and its network name."""
    names = list(NETWORKS)
    if network is None:
        network = rng.choices(names, weights=[NETWORKS[n][0] for n in names])[0]
    _, ranges, lengths = NETWORKS[network]
    length = rng.choice(lengths)
    low, high = rng.choice(ranges)
    body = str(rng.randint(low, high))
    body += "".join(rng.choice("0123456789") for _ in range(length - 1 - len(body)))
    return body + luhn_check_digit(body), network


def format_pan(rng: random.Random, digits: str) -> str:
    """The number as people and systems write it: compact, spaced or dashed."""
    sep = rng.choices(("", " ", "-"), weights=(45, 35, 20))[0]
    if not sep:
        return digits
    return group(digits, rng.choice(GROUPS[len(digits)]), sep)


def pan(rng: random.Random, network: str | None = None) -> tuple[str, str]:
    """A formatted, valid card number and its network."""
    digits, net = pan_digits(rng, network)
    return format_pan(rng, digits), net
