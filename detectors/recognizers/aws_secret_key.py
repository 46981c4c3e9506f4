"""SECRET: AWS secret access keys, which have no prefix and need context.

A secret access key is 40 characters of base64 (`[A-Za-z0-9/+]`), as is much else.
Written a few words after "aws" or "secret" (`aws_secret_access_key = ...`,
`SecretAccessKey: ...`, "the AWS secret is ...") or after an access key id (the
`AKIA...,wJalr...` pair of a credentials CSV), the cue is inside the pattern and the
score is high; bare, the score is low and a key hint or a context word must raise it.

Either way the 40 characters must look like key material: not all hex (a git SHA-1),
a mix of upper case, lower case and digits, at least 4 bits of entropy per character
(random keys have 4.4 and more), and not base64 of text (30 decoded bytes that are
nearly all printable are an encoded sentence, not a key).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections import Counter

from presidio_analyzer import Pattern

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer

_KEY = r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
_CUE = r"(?:(?i:aws|secret)|(?:AKIA|ASIA)[A-Z0-9]{16})"
CUE_GAP = 60
"""How far after the cue the key may start ("a few words"), on the same line."""

MIN_ENTROPY = 4.0
MAX_PRINTABLE = 0.8


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`'s own character distribution."""
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values()) if n else 0.0


def looks_like_key(value: str) -> bool:
    """40 base64 characters that are key material rather than a hash, a word or text."""
    if all(c in "0123456789abcdefABCDEF" for c in value):
        return False
    mixed = (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )
    if not mixed or shannon_entropy(value) < MIN_ENTROPY:
        return False
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return True
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in raw)
    return printable / len(raw) <= MAX_PRINTABLE


class AwsSecretKeyRecognizer(ConstantRecognizer):
    """AWS secret access keys: after a cue, or bare and raised by context."""

    PATTERNS = [
        Pattern(
            "aws secret access key after a cue",
            _CUE + rf"[^\n]{{0,{CUE_GAP}}}?\K" + _KEY,
            0.8,
        ),
        Pattern("aws secret access key", _KEY, 0.1),
    ]

    CONTEXT = ["aws", "secret", "secretaccesskey", "aws_secret_access_key", "credentials"]

    ENTITY = "SECRET"
    NAME = "aws_secret_key"
    FLAGS = CASE_SENSITIVE

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not a key when it looks like a hash, an identifier or encoded text."""
        return not looks_like_key(pattern_text)
