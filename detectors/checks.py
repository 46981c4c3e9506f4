"""Checksum validators beyond `validators.py`, and the table YAML detectors name them by.

`validators.VALIDATORS` is shared with the traffic generator; the checks here are
extra ones that YAML detectors may use (`validator: nhs`).
"""

from __future__ import annotations

from collections.abc import Callable

from detectors import validators


def uk_nhs(value: str) -> bool:
    """A UK NHS number: 10 digits, the last a mod-11 check digit (10 is never valid)."""
    d = validators.digits_only(value)
    if len(d) != 10 or not d.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(d[9])


def nhs_check_digit(first9: str) -> str | None:
    """The tenth digit that makes `first9` a valid NHS number (None if no digit can)."""
    total = sum(int(c) * w for c, w in zip(first9, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else str(check)


ALL_VALIDATORS: dict[str, Callable[[str], bool]] = {**validators.VALIDATORS, "nhs": uk_nhs}
"""Every validator a YAML detector may name."""
