"""Shared bits of the recognizers: regex flags and digit boundaries."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

CASE_SENSITIVE = re.DOTALL | re.MULTILINE
"""For tokens whose case is part of the format (AKIA..., IBAN country codes)."""

CASE_INSENSITIVE = re.DOTALL | re.MULTILINE | re.IGNORECASE

NUM_START = r"(?<![\w\-.+/])"
"""A number starts here: no letter, digit, dash, dot, plus or slash glued before it."""

NUM_END = r"(?![\w\-/]|[.][0-9])"
"""A number ends here: nothing glued after it but sentence punctuation."""


class ConstantRecognizer(PatternRecognizer):
    """A pattern recognizer described by class constants alone, as Presidio's own are.

    Subclasses set ENTITY, NAME, PATTERNS (and CONTEXT, FLAGS) and override only
    `validate_result` / `invalidate_result`, or `related` to adjust their results
    with what other recognizers found in the same text.
    """

    ENTITY: ClassVar[str]
    NAME: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str] | None] = None
    FLAGS: ClassVar[int] = CASE_INSENSITIVE

    def __init__(self) -> None:
        super().__init__(supported_entity=self.ENTITY, name=self.NAME, patterns=self.PATTERNS,
                         context=list(self.CONTEXT or []), global_regex_flags=self.FLAGS)

    def related(self, text: str, results: list[RecognizerResult],
                others: list[RecognizerResult]) -> list[RecognizerResult]:
        """This recognizer's results given the others' (Presidio's related-entity hook)."""
        return results

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return self.related(text, raw_recognizer_results, other_raw_recognizer_results)
