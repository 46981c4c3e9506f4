"""CREDIT_CARD: every network, any grouping, Luhn plus issuer prefix.

Presidio's card regex misses Mastercard 2-series and 19-digit PANs; this one takes any
12 to 19 digit run, contiguous or grouped (4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4, 4-4-5,
4-3-3-3, 6-13) with one consistent separator (space, dash, dot), and lets
`validators.credit_card` decide: a known network prefix at an allowed length and a
Luhn-valid number. Both together make a random digit run a card about once in a
hundred, and the digit boundaries keep it from biting into longer numbers (USPS
tracking numbers, timestamps), so no context word is needed.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors import validators
from detectors.recognizers._base import NUM_END, NUM_START, ConstantRecognizer

_SEP = r"[ \-.]"
_NOT_A_LATER_GROUP = r"(?<![0-9]{3}[ \-.])"
"""A grouped number does not start at the second group of a longer grouped number."""


class PaymentCardRecognizer(ConstantRecognizer):
    """Payment card numbers of every network, validated by prefix and Luhn."""

    PATTERNS = [
        Pattern(
            "card contiguous",
            NUM_START + r"[0-9]{12,19}" + NUM_END,
            0.3,
        ),
        Pattern(
            "card grouped",
            NUM_START
            + _NOT_A_LATER_GROUP
            + rf"[0-9]{{4,6}}(?P<s>{_SEP})[0-9]{{3,13}}(?:(?P=s)[0-9]{{3,6}}){{0,3}}"
            + r"(?!(?P=s)?[0-9])"
            + NUM_END,
            0.3,
        ),
    ]

    CONTEXT = [
        "card", "cards", "credit", "debit", "visa", "mastercard", "amex", "discover",
        "maestro", "jcb", "diners", "unionpay", "pan", "cc", "payment",
    ]  # fmt: skip

    ENTITY = "CREDIT_CARD"
    NAME = "credit_card"

    def validate_result(self, pattern_text: str) -> bool:
        """A card only when the network prefix, the length and Luhn all agree."""
        return validators.credit_card(pattern_text)
