"""Confirm what the automaton found: each recognizer's own regex, only where it fired.

Presidio's `AnalyzerEngine` runs every recognizer's every regex over every string. Here
the automaton has already said which patterns can match in which string, so a string
costs nothing when no pattern fired in it, and otherwise only the patterns that fired
run, with Presidio's own semantics: `validate_result` True makes a match certain (1.0),
False or `invalidate_result` drops it, `enhance_using_context` (the recognizers'
related-entity hooks) and the context-word enhancer adjust scores, then duplicates and
zero scores go.

Recognizers that are not regex based (the phone matcher) declare `TRIGGERS`, regexes
that every match of theirs contains; they run on the strings where one fired. A plugin
recognizer with neither patterns nor triggers runs on every string.

A confirming regex that exceeds `REGEX_TIMEOUT` fails closed: the whole string is
reported as that recognizer's entity, so a hostile string is masked, never let through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex
from presidio_analyzer import (
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.scan.automaton import Automaton, Trigger

log = logging.getLogger(__name__)

REGEX_TIMEOUT = 2.0
"""Seconds one confirming regex may take on one string before the string is masked."""

_NAME = RecognizerResult.RECOGNIZER_NAME_KEY
_ID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one automaton trigger stands for: a recognizer and maybe one of its patterns."""

    recognizer: int
    pattern: Pattern | None
    compiled: regex.Pattern[str] | None


def _triggers_of(recognizer: Any) -> list[tuple[Trigger, Pattern | None, object]]:
    """The automaton triggers of a recognizer, with what confirms each.

    A plain `PatternRecognizer`: its patterns, each confirmed by its own regex. One that
    overrides `analyze` (or any recognizer with `TRIGGERS`): its patterns or triggers open
    the gate, and its own `analyze` runs on the string.
    """
    flags = getattr(recognizer, "global_regex_flags", None) or 0
    caseless, dotall = bool(flags & regex.IGNORECASE), bool(flags & regex.DOTALL)
    triggers = getattr(recognizer, "TRIGGERS", None)
    if triggers:
        return [(Trigger(t, caseless=True, dotall=True), None, None) for t in triggers]
    patterns: list[Pattern] = list(getattr(recognizer, "patterns", None) or [])
    if not isinstance(recognizer, PatternRecognizer) or not patterns:
        return []
    plain = type(recognizer).analyze is PatternRecognizer.analyze
    out: list[tuple[Trigger, Pattern | None, object]] = []
    for pattern in patterns:
        trigger = Trigger(pattern.regex, caseless=caseless, dotall=dotall)
        if plain:
            out.append((trigger, pattern, regex.compile(pattern.regex, flags=flags)))
        else:
            out.append((trigger, None, None))
    return out


class ScanEngine:
    """Recognizers behind one automaton; `analyze` confirms the hits of one string."""

    def __init__(self, recognizers: Sequence[EntityRecognizer],
                 context_enhancer: ContextAwareEnhancer | None = None,
                 skip: Sequence[EntityRecognizer] = ()) -> None:
        self.recognizers: list[Any] = list(recognizers)  # Presidio's classes are untyped
        self.context_enhancer = context_enhancer
        entries: list[_Entry] = []
        triggers: list[Trigger] = []
        names: list[str] = []
        unguarded: list[int] = []
        skip_ids = {id(r) for r in skip}
        for index, rec in enumerate(self.recognizers):
            if id(rec) in skip_ids:
                continue
            found = _triggers_of(rec)
            if not found:
                unguarded.append(index)
                log.warning("recognizer %r has no patterns or TRIGGERS; it runs on every "
                            "string (slower)", rec.name)
            for trigger, pattern, compiled in found:
                entries.append(_Entry(index, pattern, compiled))  # type: ignore[arg-type]
                triggers.append(trigger)
                names.append(f"{rec.name}: {pattern.name if pattern else trigger.regex}")
        self._entries = entries
        self._unguarded = tuple(unguarded)
        self.automaton = Automaton(triggers, names)

    def hits(self, texts: Sequence[str]) -> list[set[int]]:
        """Per text, the automaton triggers that fired in it."""
        return self.automaton.hits(texts)

    def entities(self, fired: set[int]) -> set[str]:
        """The entity types the fired triggers can produce."""
        out: set[str] = set()
        for i in fired:
            out.update(self.recognizers[self._entries[i].recognizer].supported_entities)
        for i in self._unguarded:
            out.update(self.recognizers[i].supported_entities)
        return out

    def analyze(self, text: str, fired: set[int], nlp_artifacts: NlpArtifacts,
                extra: Sequence[Any] = (),
                context: list[str] | None = None) -> list[RecognizerResult]:
        """Presidio's `analyze` for one string, over the recognizers whose triggers fired."""
        by_recognizer: dict[int, list[_Entry]] = {i: [] for i in self._unguarded}
        for i in sorted(fired):
            entry = self._entries[i]
            by_recognizer.setdefault(entry.recognizer, []).append(entry)
        active: list[Any] = []
        results: list[RecognizerResult] = []
        for index, entries in by_recognizer.items():
            rec = self.recognizers[index]
            active.append(rec)
            patterns = [e for e in entries if e.pattern is not None]
            if patterns and isinstance(rec, PatternRecognizer):
                found = self._confirm(rec, text, patterns)
            else:
                found = rec.analyze(text, list(rec.supported_entities), nlp_artifacts) or []
            for result in found:
                meta = result.recognition_metadata
                if meta is None:
                    meta = result.recognition_metadata = {}
                meta.setdefault(_NAME, rec.name)
                meta.setdefault(_ID, rec.id)
            results.extend(found)
        for extra_rec in extra:
            rec = extra_rec
            active.append(rec)
            found = rec.analyze(text, list(rec.supported_entities), nlp_artifacts) or []
            for result in found:
                meta = result.recognition_metadata = result.recognition_metadata or {}
                meta.setdefault(_NAME, rec.name)
                meta.setdefault(_ID, rec.id)
            results.extend(found)
        if not results:
            return []
        results = self._enhance(text, results, nlp_artifacts, active, context)
        return EntityRecognizer.remove_duplicates(results)

    @staticmethod
    def _confirm(rec: Any, text: str,
                 entries: list[_Entry]) -> list[RecognizerResult]:
        """`PatternRecognizer.analyze`, for the patterns that fired only."""
        entity = rec.supported_entities[0]
        results: list[RecognizerResult] = []
        for entry in entries:
            assert entry.pattern is not None and entry.compiled is not None  # noqa: S101
            try:
                for match in entry.compiled.finditer(text, timeout=REGEX_TIMEOUT):
                    start, end = match.span()
                    if start == end:
                        continue
                    value = text[start:end]
                    score = entry.pattern.score
                    valid = rec.validate_result(value)
                    if valid is not None:
                        score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
                    invalid = rec.invalidate_result(value)
                    if invalid:
                        score = EntityRecognizer.MIN_SCORE
                    if score > EntityRecognizer.MIN_SCORE:
                        results.append(RecognizerResult(
                            entity, start, end, score,
                            recognition_metadata={_NAME: rec.name, _ID: rec.id}))
            except TimeoutError:
                log.warning("pattern %r of %s timed out on a %d-character string; the string "
                            "is masked whole", entry.pattern.name, rec.name, len(text))
                results.append(RecognizerResult(
                    entity, 0, len(text), EntityRecognizer.MAX_SCORE,
                    recognition_metadata={_NAME: f"{rec.name}:timeout", _ID: rec.id}))
        return results

    def _enhance(self, text: str, raw: list[RecognizerResult], artifacts: NlpArtifacts,
                 recognizers: list[Any],
                 context: list[str] | None) -> list[RecognizerResult]:
        """Presidio's two context passes: each recognizer's hook, then context words."""
        if len(recognizers) == 1:
            groups = {recognizers[0].id: raw}
        else:
            groups = {}
            for r in raw:
                groups.setdefault(r.recognition_metadata[_ID], []).append(r)
        out: list[RecognizerResult] = []
        for rec in recognizers:
            mine = groups.get(rec.id, [])
            others = [r for r in raw if r.recognition_metadata[_ID] != rec.id]
            out.extend(rec.enhance_using_context(
                text=text, raw_recognizer_results=mine, other_raw_recognizer_results=others,
                nlp_artifacts=artifacts, context=context))
        if self.context_enhancer is not None:
            out = self.context_enhancer.enhance_using_context(
                text=text, raw_results=out, nlp_artifacts=artifacts, recognizers=recognizers,
                context=context)
        return out
