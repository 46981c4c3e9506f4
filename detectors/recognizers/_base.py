"""Shared bits of the recognizers: regex flags and digit boundaries."""

from __future__ import annotations

import regex as re

CASE_SENSITIVE = re.DOTALL | re.MULTILINE
"""For tokens whose case is part of the format (AKIA..., IBAN country codes)."""

CASE_INSENSITIVE = re.DOTALL | re.MULTILINE | re.IGNORECASE

NUM_START = r"(?<![\w\-.+/])"
"""A number starts here: no letter, digit, dash, dot, plus or slash glued before it."""

NUM_END = r"(?![\w\-/]|[.][0-9])"
"""A number ends here: nothing glued after it but sentence punctuation."""
