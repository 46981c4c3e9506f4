"""US_NPI: ten digits starting 1 or 2 whose Luhn over "80840" + NPI holds, in context.

One random 10-digit number in ten passes the check (and US phone numbers are ten
digits), so the checksum only prunes: a provider word ("NPI", "provider",
"prescriber") or a key hint must be present for the score to reach the threshold.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors import validators
from detectors.recognizers._base import NUM_END, NUM_START, ConstantRecognizer


class NpiChecksumRecognizer(ConstantRecognizer):
    """National Provider Identifiers, checksum-valid, with provider context."""

    PATTERNS = [Pattern("npi", NUM_START + r"[12][0-9]{9}" + NUM_END, 0.1)]

    CONTEXT = [
        "npi", "npis", "provider", "providers", "prescriber", "nppes", "physician",
        "clinician", "practitioner", "rendering", "referring", "attending",
    ]  # fmt: skip

    ENTITY = "US_NPI"
    NAME = "us_npi"

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not an NPI when the check digit is wrong."""
        return not validators.npi(pattern_text)
