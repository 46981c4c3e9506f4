"""US_BANK_NUMBER: ABA routing numbers (checksum) and account numbers, in context.

Two recognizers for one entity, because the two shapes prune differently: a routing
number must pass the ABA 3-7-1 checksum; an account number (8 to 17 digits in text,
from 4 under a key hint) has no checksum at all, so it rests on its context:
"account", "acct", "checking" ("routing 021000021 account 12345678"). A routing word
alone does not make the number after it an account: that is a bad routing number.
Neither scores enough alone; context or a key hint must say "bank", or the two must
stand side by side (a checksum-valid routing number next to an account-shaped number),
which Presidio's related-entity hook (`enhance_using_context`) scores.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern, RecognizerResult

from detectors import validators
from detectors.recognizers._base import NUM_END, NUM_START, ConstantRecognizer

PAIR_SCORE = 0.5
"""A checksum-valid routing number right next to an account-shaped number: both are."""

_BETWEEN = re.compile(r"[\s,;:/|\-]{1,4}")
_NAME = RecognizerResult.RECOGNIZER_NAME_KEY
_BOOSTED = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


def _has_neighbour(text: str, result: RecognizerResult, starts: set[int], ends: set[int]) -> bool:
    """A partner starts 1-4 separator characters after `result`, or ends as far before."""
    for gap in range(1, 5):
        after, before = result.end + gap, result.start - gap
        if after in starts and _BETWEEN.fullmatch(text[result.end : after]):
            return True
        if before in ends and _BETWEEN.fullmatch(text[before : result.start]):
            return True
    return False


def _boost_pairs(
    text: str, mine: list[RecognizerResult], others: list[RecognizerResult], partner: str
) -> list[RecognizerResult]:
    partners = [o for o in others if (o.recognition_metadata or {}).get(_NAME) == partner]
    if not partners:
        return mine
    starts, ends = {p.start for p in partners}, {p.end for p in partners}
    for result in mine:
        if result.score < PAIR_SCORE and _has_neighbour(text, result, starts, ends):
            result.score = PAIR_SCORE
            result.recognition_metadata[_BOOSTED] = True
    return mine


class UsRoutingNumberRecognizer(ConstantRecognizer):
    """ABA routing transit numbers, checksum-valid, in banking context."""

    PATTERNS = [Pattern("aba routing", NUM_START + r"[0-9]{9}" + NUM_END, 0.1)]

    CONTEXT = ["routing", "aba", "rtn", "transit", "ach", "wire"]

    ENTITY = "US_BANK_NUMBER"
    NAME = "us_routing_number"

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not a routing number when the ABA checksum or Fed district is wrong."""
        return not validators.aba_routing(pattern_text)

    def related(self, text: str, results: list[RecognizerResult],
                others: list[RecognizerResult]) -> list[RecognizerResult]:
        """Presidio's related-entity hook: a routing number next to an account number."""
        return _boost_pairs(
            text, results, others, "us_bank_account"
        )


class UsBankAccountRecognizer(ConstantRecognizer):
    """US bank account numbers: digits that only context can tell apart."""

    PATTERNS = [Pattern("bank account", NUM_START + r"[0-9]{8,17}" + NUM_END, 0.05)]

    CONTEXT = [
        "account", "accounts", "acct", "checking", "savings", "deposit", "bank", "banking",
        "dda",
    ]  # fmt: skip

    ENTITY = "US_BANK_NUMBER"
    NAME = "us_bank_account"

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not an account number when every digit is the same (placeholders)."""
        return len(set(pattern_text)) == 1

    def related(self, text: str, results: list[RecognizerResult],
                others: list[RecognizerResult]) -> list[RecognizerResult]:
        """Presidio's related-entity hook: an account number next to a routing number."""
        return _boost_pairs(
            text, results, others, "us_routing_number"
        )
