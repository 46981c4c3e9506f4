"""IBAN_CODE: ISO 13616, mod-97 checked, compact or printed in groups of four.

The national length is part of the pattern (one alternative per country), so a
printed IBAN followed by another word ("... 7034 USD") is not swallowed by the match
and then rejected by the checksum. Countries missing from the table are still found in
the compact form. Case-sensitive: IBANs are written in capitals, and lower-case
look-alikes are more often identifiers.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors import validators
from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
"""Total IBAN length per country (SWIFT IBAN registry)."""


def _country_pattern(country: str, length: int) -> str:
    groups, rest = divmod(length - 4, 4)
    tail = f"(?: ?[A-Z0-9]{{{rest}}})" if rest else ""
    return f"{country}[0-9]{{2}}(?: ?[A-Z0-9]{{4}}){{{groups}}}{tail}"


_BY_COUNTRY = "|".join(_country_pattern(c, n) for c, n in sorted(IBAN_LENGTHS.items()))


class Mod97IbanRecognizer(ConstantRecognizer):
    """International bank account numbers with a valid mod-97 check."""

    PATTERNS = [
        Pattern("iban by country", rf"(?<![A-Za-z0-9])(?:{_BY_COUNTRY})(?![A-Za-z0-9])", 0.5),
        Pattern(
            "iban compact",
            r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}(?![A-Za-z0-9])",
            0.3,
        ),
    ]

    CONTEXT = ["iban", "ibans", "bank", "account", "transfer", "sepa", "bic", "swift"]

    ENTITY = "IBAN_CODE"
    NAME = "iban"
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """An IBAN only when mod-97 of the rearranged number is 1."""
        return validators.mod97(pattern_text)
