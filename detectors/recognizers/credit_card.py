"""CREDIT_CARD: every network, any grouping or separator, Luhn plus issuer prefix.

The patterns take any 12 to 19 digit number however it is printed: contiguous, in
groups (4-4-4-4, 4-4-4-2, 4-4-4-4-3, 4-6-5, 4-6-4, 4-4-5, 2-4-4-4, 6-13...) split by
space, dash, dot, slash or underscore, mixed or not, one digit at a time ("4 1 1 1 ..."),
and glued after a word or an id prefix ("PAN4111...", "card_4111...", "sess-4111...").
`validators` then decides:

- Luhn-invalid, or not 12 to 19 digits: dropped;
- Luhn-valid with the prefix and length of a known network (`validators.CARD_IINS`):
  a card, score 1.0, no context needed (but a bare 12-13 digit Maestro run does);
- Luhn-valid outside every range: the weak pattern score stays (below the 0.4 floor),
  and a context word before it ("card", "visa", "pan"...) or a card key lifts it.

Every pattern is valid PCRE with fixed-length lookbehinds and bounded repeats only:
each repeat step consumes exactly one digit, so a start position costs at most 19 steps.
A grouped number must start at the start of its digit sequence and end at its end, so
it never bites into a longer run (USPS tracking numbers, time stamps, 20+ digit ids).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors import validators
from detectors.recognizers._base import ConstantRecognizer

SHORT_DIGITS = 13
SHORT_NEEDS_CONTEXT = frozenset({"maestro"})
"""Networks whose 12-13 digit numbers, written as a bare run, need a context word or key."""

_SEP1 = r"[ \-./_]"
_SEP = r"(?:[ \-./_]| [\-/] )"
"""Between two groups: one space, dash, dot, slash or underscore, or ' - ' / ' / '."""

_NOT_IN_HEX = (
    r"(?<![0-9][A-Fa-f])(?<![0-9][A-Fa-f]{2})(?<![0-9][A-Fa-f]{3})(?<![0-9][A-Fa-f]{4})"
)
"""Digits glued after letters count ("PAN4111..."), but not a digit run inside a hash."""

_START = r"(?<![0-9\-.+/])(?<![0-9]_)" + _NOT_IN_HEX
"""No digit, dash, dot, plus or slash glued before; a word or '_' before is fine."""

_ID_START = (
    r"(?<![0-9.+/])(?<!^-)(?<![^A-Za-z]-)(?<![0-9]_)" + _NOT_IN_HEX
    + r"(?<![0-9][A-Fa-f]-)(?<![0-9][A-Fa-f]{2}-)(?<![0-9][A-Fa-f]{3}-)"
)
"""As `_START`, and after an id prefix's dash (`sess-4111...`, `ORD-4111...`): gateways
build session ids and tool names that way. A dash after a digit (`2024-...`, a UUID's
last group) or after a hex run still starts nothing."""

_GROUP_START = _START + r"(?<![0-9]{3} )(?<![0-9]{3} [\-/] )"
"""A grouped number does not start at a later group of a longer grouped number."""

_END = r"(?![^\W_]|[\-/]|[._][0-9])"
"""Nothing glued after it but punctuation or '_' ("card_4111..._exp")."""

_CARD_WORD = (
    r"(?:card|cc|ccn|pan|visa|mastercard|amex|maestro|jcb|diners|discover|unionpay)"
    r"(?:[_\-]?(?:no|num|number|nr))?"
)
"""A card word a number is glued to ("PAN4111...", "CardNo...", "cc#..."): the context
enhancer reads words, and a glued word is no word of its own."""

_EXPIRY = r"[0-9]{2}/[0-9]{2}(?:[0-9]{2})?(?![0-9])"
_NO_MORE_GROUPS = rf"(?!{_SEP}(?!{_EXPIRY})[0-9])"
"""No further group follows (an expiry date "12/27" after the number may)."""

_NEXT_GROUP = rf"(?=[0-9]{{3}}|[0-9]{{1,2}}(?![0-9]|{_SEP}[0-9]))"
"""A later group has 3+ digits, or 1-2 when it is the last (a 13-digit Visa printed
4-4-4-1): "45.99 12.50" is still no card, its groups are too short to start one."""


def short_run_needs_context(number: str) -> bool:
    """A bare 12-13 digit run whose network issues such short numbers rarely (Maestro)."""
    return (len(number) <= SHORT_DIGITS and number.isdigit()
            and validators.card_network(number) in SHORT_NEEDS_CONTEXT)


class PaymentCardRecognizer(ConstantRecognizer):
    """Payment card numbers of every network, validated by Luhn and issuer prefix."""

    PATTERNS = [
        Pattern("card contiguous", _ID_START + r"[0-9]{12,19}" + _END, 0.3),
        Pattern(
            "card glued after a card word",
            rf"\b{_CARD_WORD}[_#:=]?\K" + r"[0-9]{12,19}" + _END,
            0.6,
        ),
        Pattern(
            "card grouped",
            _GROUP_START
            + rf"[0-9]{{3}}(?:[0-9]|{_SEP}{_NEXT_GROUP}[0-9]){{9,16}}"
            + _END
            + _NO_MORE_GROUPS,
            0.3,
        ),
        # Its own pattern, so that "12 5018 0000 0009" (a failing 14-digit 2-4-4-4) does
        # not hide the 12-digit card after it: matches of one pattern never overlap.
        Pattern(
            "card grouped from two digits",
            _GROUP_START
            + rf"[0-9]{{2}}{_SEP}[0-9]{{3}}(?:[0-9]|{_SEP}{_NEXT_GROUP}[0-9]){{7,14}}"
            + _END
            + _NO_MORE_GROUPS,
            0.3,
        ),
        Pattern(
            "card digit by digit",
            _GROUP_START
            + rf"(?<![0-9]{_SEP1})[0-9](?P<s>{_SEP1})[0-9](?:(?P=s)[0-9]){{10,17}}"
            + _END
            + rf"(?!{_SEP1}[0-9])",
            0.3,
        ),
        Pattern(
            "card then cvv",
            _GROUP_START
            + rf"[0-9]{{4}}(?P<c>{_SEP1})[0-9]{{4}}(?P=c)[0-9]{{4}}(?P=c)[0-9]{{4}}"
            + rf"(?={_SEP1}[0-9]{{3}}(?![0-9]|{_SEP1}[0-9]{{4}}))",
            0.3,
        ),
    ]

    CONTEXT = [
        "card", "cards", "credit", "debit", "visa", "mastercard", "amex", "discover",
        "maestro", "jcb", "diners", "unionpay", "rupay", "mir", "elo", "hipercard", "verve",
        "troy", "dankort", "uatp", "pan", "cc", "ccn", "payment", "cardholder", "cvv",
    ]  # fmt: skip

    ENTITY = "CREDIT_CARD"
    NAME = "credit_card"

    def validate_result(self, pattern_text: str) -> bool | None:
        """1.0 for a known network, dropped when Luhn fails, else left to context.

        A 12 or 13 digit run under a Maestro prefix (50, 56-69), written without
        separators, is left to context: that is the length of order and account ids and
        EAN-13 barcodes, those prefixes cover a sixth of all numbers, and one in ten passes
        Luhn. Printed in groups, or 14 digits and more, the prefix alone decides.
        """
        if not validators.luhn_card_number(pattern_text):
            return False
        if short_run_needs_context(pattern_text):
            return None
        return True if validators.known_card_network(pattern_text) else None
