"""SECRET: AWS secret access keys, which have no prefix and need context.

A secret access key is 40 characters of base64 (`[A-Za-z0-9/+]`), as is much else,
so it is weak alone and needs "aws", "secret" or a key hint. Git SHA-1s are 40 hex
characters; a value that is all hex, or lacks a mix of upper case, lower case and
digits, is invalidated.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer


class AwsSecretKeyRecognizer(ConstantRecognizer):
    """AWS secret access keys, in context."""

    PATTERNS = [
        Pattern(
            "aws secret access key",
            r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
            0.1,
        )
    ]

    CONTEXT = ["aws", "secret", "secretaccesskey", "aws_secret_access_key", "credentials"]

    ENTITY = "SECRET"
    NAME = "aws_secret_key"
    FLAGS = CASE_SENSITIVE

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not a key when it looks like a hash or a word: no upper/lower/digit mix."""
        if all(c in "0123456789abcdefABCDEF" for c in pattern_text):
            return True
        has = (any(c.isupper() for c in pattern_text), any(c.islower() for c in pattern_text))
        return not (all(has) and any(c.isdigit() for c in pattern_text))
