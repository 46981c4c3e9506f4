"""National account layouts (BBAN) behind the IBANs, with their national check digits.

The IBAN's own mod-97 check is added by `values.iban`; these builders also compute
the national keys where a country has one (French RIB key, Spanish DC, Italian CIN,
Belgian mod 97), so a stricter detector finds nothing odd about them.
"""

from __future__ import annotations

import random
from collections.abc import Callable


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _de(rng: random.Random) -> str:
    return rng.choice("12345678") + _d(rng, 7) + _d(rng, 10)


def _gb(rng: random.Random) -> str:
    return rng.choice(("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "RBOS")) + _d(rng, 14)


def _ie(rng: random.Random) -> str:
    return rng.choice(("AIBK", "BOFI", "IPBS")) + _d(rng, 14)


def _nl(rng: random.Random) -> str:
    return rng.choice(("ABNA", "INGB", "RABO", "TRIO", "SNSB", "KNAB")) + _d(rng, 10)


def _fr(rng: random.Random) -> str:
    bank, branch, account = _d(rng, 5), _d(rng, 5), _d(rng, 11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"


_ES_WEIGHTS = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)


def _es_digit(ten: str) -> str:
    r = 11 - sum(int(c) * w for c, w in zip(ten, _ES_WEIGHTS, strict=True)) % 11
    return "0" if r == 11 else "1" if r == 10 else str(r)


def _es(rng: random.Random) -> str:
    bank_branch, account = _d(rng, 8), _d(rng, 10)
    return bank_branch + _es_digit("00" + bank_branch) + _es_digit(account) + account


_IT_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21)


def _it(rng: random.Random) -> str:
    rest = _d(rng, 5) + _d(rng, 5) + _d(rng, 12)  # ABI, CAB, conto
    total = sum(_IT_ODD[int(c)] if i % 2 == 0 else int(c) for i, c in enumerate(rest))
    return chr(65 + total % 26) + rest


def _be(rng: random.Random) -> str:
    ten = _d(rng, 10)
    return ten + f"{int(ten) % 97 or 97:02d}"


def _at(rng: random.Random) -> str:
    return rng.choice("123456") + _d(rng, 4) + _d(rng, 11)


def _ch(rng: random.Random) -> str:
    return "00" + _d(rng, 3) + _d(rng, 12)


def _pl(rng: random.Random) -> str:
    return _d(rng, 8) + _d(rng, 16)


BBANS: dict[str, Callable[[random.Random], str]] = {
    "DE": _de,
    "GB": _gb,
    "IE": _ie,
    "NL": _nl,
    "FR": _fr,
    "ES": _es,
    "IT": _it,
    "BE": _be,
    "AT": _at,
    "CH": _ch,
    "PL": _pl,
}
"""Country code -> builder of a BBAN of that country's length and layout."""
