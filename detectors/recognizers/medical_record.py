"""MEDICAL_RECORD_NUMBER: a hospital's own patient id, found only in context.

MRNs have no national format (digits, sometimes a short letter prefix such as
`MRN-`, `H` or `PT`), so the pattern is loose and weak on purpose: it reaches the
threshold only next to "MRN" / "medical record" / "chart", or under a key hint
(`mrn`, `medical_record_number`). A letter prefix glued to the digits is part of the
value; the words "MRN:" before it are not.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import NUM_END, ConstantRecognizer


class MedicalRecordNumberRecognizer(ConstantRecognizer):
    """Medical record numbers, in medical-record context."""

    PATTERNS = [
        Pattern(
            "mrn",
            r"(?<![\w\-.+/])(?!mrn)(?:[A-Z]{1,4}-?)?[0-9]{5,12}" + NUM_END,
            0.1,
        ),
        Pattern("mrn prefixed", r"(?<![\w\-.+/])MRN-?[0-9]{4,12}" + NUM_END, 0.3),
    ]

    CONTEXT = ["mrn", "mrns", "medical", "record", "chart", "emr", "ehr"]

    ENTITY = "MEDICAL_RECORD_NUMBER"
    NAME = "medical_record_number"

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not an MRN when every digit is the same (placeholders like 000000)."""
        digits = [c for c in pattern_text if c.isdigit()]
        return len(set(digits)) == 1
