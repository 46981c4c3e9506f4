"""IBAN_CODE: ISO 13616, mod-97 checked, any case, compact or printed in groups of four.

The national length is part of the pattern (one alternative per country of
`validators.IBAN_LENGTHS`, the SWIFT registry plus the experimental ones), so a
printed IBAN followed by another word ("... 7034 USD") is not swallowed by the match
and then rejected by the checksum. Groups may be split by spaces or dashes, or not at
all. Upper, lower or mixed case: people paste "de89 3704 ..." as often as the capitals.
Countries outside the table are still found compact and in capitals (a lower-case run
of an unknown country is more often an identifier than an account).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors import validators
from detectors.recognizers._base import CASE_INSENSITIVE, ConstantRecognizer

IBAN_LENGTHS: dict[str, int] = validators.IBAN_LENGTHS
"""Total IBAN length per country (re-exported for tests and callers)."""

_SEP = r"[ \-]?"


def _country_pattern(country: str, length: int) -> str:
    groups, rest = divmod(length - 4, 4)
    tail = f"(?:{_SEP}[A-Z0-9]{{{rest}}})" if rest else ""
    return f"{country}[0-9]{{2}}(?:{_SEP}[A-Z0-9]{{4}}){{{groups}}}{tail}"


_BY_COUNTRY = "|".join(_country_pattern(c, n) for c, n in sorted(IBAN_LENGTHS.items()))


class Mod97IbanRecognizer(ConstantRecognizer):
    """International bank account numbers with a valid mod-97 check."""

    PATTERNS = [
        Pattern("iban by country", rf"(?<![A-Za-z0-9])(?:{_BY_COUNTRY})(?![A-Za-z0-9])", 0.5),
        Pattern(
            "iban compact",
            r"(?<![A-Za-z0-9])(?-i:[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30})(?![A-Za-z0-9])",
            0.3,
        ),
    ]

    CONTEXT = ["iban", "ibans", "bank", "account", "transfer", "sepa", "bic", "swift"]

    ENTITY = "IBAN_CODE"
    NAME = "iban"
    FLAGS = CASE_INSENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """An IBAN only when the national length and mod-97 of the rearranged number agree."""
        return validators.mod97(pattern_text)
