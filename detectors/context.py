"""Presidio's lemma context scoring, in place and in O(log n) per result.

`LemmaContextAwareEnhancer` deep-copies every result of every analyzed string, finds the
token of each match by scanning all tokens, and tests keyword membership in a list: on a
200 KB tool output with thousands of weak candidates that is quadratic (seconds per
string). The scoring here is Presidio's (window of keywords before and after the match,
+0.35, floor 0.4, whole-word matching, external context words such as the JSON key),
computed with a bisect over token offsets and a keyword set. Results are this `analyze`
call's own, so they are updated in place. Results already certain (1.0) or already
boosted by their recognizer are left alone.
"""

from __future__ import annotations

import bisect

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

_ID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_ENHANCED = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


class LazyLemmaContextAwareEnhancer(LemmaContextAwareEnhancer):
    """Presidio's context scoring, in place, only for results that can still gain."""

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Raise each result whose surrounding keywords include one of its context words."""
        by_id = {r.id: r for r in recognizers if r.context}
        todo = [
            r for r in raw_results
            if r.score < 1.0 and not (r.recognition_metadata or {}).get(_ENHANCED)
            and (r.recognition_metadata or {}).get(_ID) in by_id
        ]  # fmt: skip
        if not todo or nlp_artifacts is None:
            return raw_results
        tokens = nlp_artifacts.tokens
        starts = nlp_artifacts.tokens_indices
        lemmas = [lemma.lower() for lemma in nlp_artifacts.lemmas]
        keywords = set(nlp_artifacts.keywords)
        extra = [w.lower() for w in context or ()]
        for result in todo:
            recognizer = by_id[result.recognition_metadata[_ID]]
            words = self._window(result.start, tokens, starts, lemmas, keywords) + extra
            found = self._first_context_word(words, recognizer.context)
            if found:
                result.score = min(
                    max(result.score + self.context_similarity_factor,
                        self.min_score_with_context_similarity),
                    self.MAX_SCORE,
                )  # fmt: skip
                if result.analysis_explanation is not None:
                    result.analysis_explanation.set_supportive_context_word(found)
                    result.analysis_explanation.set_improved_score(result.score)
        return raw_results

    def _window(
        self, start: int, tokens: object, starts: list[int], lemmas: list[str], keywords: set[str]
    ) -> list[str]:
        """The keywords before (and after) the token at `start`, as Presidio counts them."""
        if not starts:
            return []
        j = bisect.bisect_right(starts, start) - 1
        index = j if j >= 0 and start < starts[j] + len(tokens[j]) else j + 1  # type: ignore[index]
        index = min(max(index, 0), len(lemmas) - 1)
        out: list[str] = []
        for step, count in ((-1, self.context_prefix_count), (1, self.context_suffix_count)):
            i, remaining = index, count + 1
            while 0 <= i < len(lemmas) and remaining > 0:
                if lemmas[i] in keywords:
                    out.append(lemmas[i])
                    remaining -= 1
                i += step
        return out

    def _first_context_word(self, words: list[str], context: list[str]) -> str:
        """The recognizer's first context word present in `words` ("" if none)."""
        if self.context_matching_mode == "whole_word":
            present = set(words)
            return next((c for c in context if c.lower() in present), "")
        return next((c for c in context if any(c.lower() in w for w in words)), "")
