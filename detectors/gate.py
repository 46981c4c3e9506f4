"""Strings that can hold nothing: skipped before the automaton sees them.

Most strings of an MCP message are method names, ids, enum values, time stamps,
amounts. A whole string that is one alphabetic word, a time stamp, a UUID, a version
or a number cannot hold a sensitive value, and one C-level match says so.
"""

from __future__ import annotations

import re

_INERT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+\-][0-9]{2}:?[0-9]{2})?)?"  # ISO time
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUID
    r"|(?![0-9]{3}\.[0-9]{3}\.[0-9]{4}$)"  # (415.555.0101 is a phone number)
    r"v?[0-9]{1,4}(?:\.[0-9]{1,4}){1,2}(?:[\-+][A-Za-z0-9.]+)?"  # a version, not a quad
    r"|[\-+]?[0-9]{1,12}[.,][0-9]{1,4}|[\-+]?[0-9]{1,6}"  # an amount, a small number
)
"""Whole strings that are nothing but a time stamp, a UUID, a version or a number."""
MIN_LENGTH = 4


def skippable(text: str) -> bool:
    """Nothing can hide in it: too short, one alphabetic word, a time stamp, a UUID..."""
    if len(text) < MIN_LENGTH or text.isalpha():
        return True
    return len(text) <= 40 and _INERT.fullmatch(text) is not None
