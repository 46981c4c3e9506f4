"""Valid payment card numbers of every network, printed every way, for tables and properties."""

from __future__ import annotations

import random

from detectors.validators import CARD_IINS, luhn_check_digit

__all__ = [
    "GROUPINGS", "NETWORKS", "SEPARATORS", "card", "group", "network_card", "printed", "spoil",
]  # fmt: skip

NETWORKS: dict[str, list[tuple[str, str, tuple[int, ...]]]] = {}
"""network -> its IIN ranges (low, high, lengths), straight from the validator's table."""
for _name, _low, _high, _lengths in CARD_IINS:
    NETWORKS.setdefault(_name, []).append((_low, _high, _lengths))

GROUPINGS: dict[int, tuple[tuple[int, ...], ...]] = {
    12: ((4, 4, 4), (6, 6), (2, 4, 4, 2)),
    13: ((4, 4, 5), (4, 3, 3, 3), (4, 4, 3, 2)),
    14: ((4, 6, 4), (4, 4, 4, 2), (2, 4, 4, 4)),
    15: ((4, 6, 5), (4, 4, 4, 3), (5, 5, 5)),
    16: ((4, 4, 4, 4), (8, 8), (2, 4, 4, 4, 2), (6, 10)),
    17: ((4, 4, 4, 5), (4, 4, 4, 3, 2)),
    18: ((4, 4, 4, 6), (4, 4, 4, 4, 2), (6, 6, 6)),
    19: ((4, 4, 4, 4, 3), (6, 13), (4, 4, 4, 7)),
}  # fmt: skip
"""How numbers of each length are written: the usual layouts and short last groups."""

SEPARATORS = (" ", "-", ".", "/", "_", " - ", " / ")
"""Group separators the recognizer must read through (NBSP arrives as ' ')."""


def group(digits: str, sizes: tuple[int, ...], sep: str | list[str]) -> str:
    """`digits` split into groups of `sizes`, joined by `sep` (or by one sep per gap)."""
    seps = [sep] * (len(sizes) - 1) if isinstance(sep, str) else sep
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    text = out[0]
    for s, part in zip(seps, out[1:], strict=True):
        text += s + part
    return text


def card(prefix: str, length: int, fill: str = "0") -> str:
    """A Luhn-valid number: prefix, filler digits, check digit."""
    body = (prefix + fill * length)[: length - 1]
    return body + luhn_check_digit(body)


def network_card(rng: random.Random, low: str, high: str, length: int) -> str:
    """A Luhn-valid number of `length` digits whose prefix lies in [low, high]."""
    prefix = str(rng.randint(int(low), int(high))).zfill(len(low))
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - 1 - len(prefix)))
    return body + luhn_check_digit(body)


def printed(rng: random.Random, number: str, style: str) -> str:
    """`number` as written in `style`: compact, one of SEPARATORS, mixed, or digit by digit."""
    if style == "compact":
        return number
    if style == "digits":
        return rng.choice(" -./_").join(number)
    sizes = rng.choice(GROUPINGS[len(number)])
    if style == "mixed":
        return group(number, sizes, [rng.choice(SEPARATORS) for _ in sizes[1:]])
    return group(number, sizes, style)


def spoil(number: str) -> str:
    """The same number with a wrong last (check) digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)
