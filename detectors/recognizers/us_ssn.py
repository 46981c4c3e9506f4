"""US_SSN by the SSA's rules, with dashes on its own and without them only in context.

Presidio's SSN recognizer scores every shape "very weak" and denylists a few values;
here the dashed 3-2-4 shape is distinctive enough to stand alone (0.5) once the SSA
rules pass (area not 000, 666 or 9xx, group not 00, serial not 0000, not a voided
advertising number). Spaced or dotted groups score 0.3 and a bare 9-digit run 0.05:
those need a context word ("SSN", "social security") or a key hint (`ssn`) to
reach the threshold, because bare 9-digit runs are everywhere (zip+4, ids, routing
numbers), or stand alone on a line of a record listing next to a person's name.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, RecognizerResult

from detectors import validators
from detectors.recognizers._base import NUM_END, NUM_START, ConstantRecognizer
from detectors.recognizers._listing import boost_listed


class SsaSsnRecognizer(ConstantRecognizer):
    """US Social Security numbers, SSA-valid, dashed or in context."""

    PATTERNS = [
        Pattern("ssn dashed", NUM_START + r"[0-9]{3}-[0-9]{2}-[0-9]{4}" + NUM_END, 0.5),
        Pattern(
            "ssn spaced", NUM_START + r"[0-9]{3}(?P<s>[ .])[0-9]{2}(?P=s)[0-9]{4}" + NUM_END, 0.3
        ),
        Pattern("ssn bare", NUM_START + r"[0-9]{9}" + NUM_END, 0.05),
    ]

    CONTEXT = ["ssn", "ssns", "social", "ss", "ssa"]

    ENTITY = "US_SSN"
    NAME = "us_ssn"

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not an SSN when the SSA never issues it (or voided it)."""
        return not validators.us_ssn(pattern_text)

    def related(self, text: str, results: list[RecognizerResult],
                others: list[RecognizerResult]) -> list[RecognizerResult]:
        """Presidio's related-entity hook: an SSN alone on a line near a name is theirs."""
        return boost_listed(text, results, others)
