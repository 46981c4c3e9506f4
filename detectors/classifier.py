"""The Classifier: every sensitive value in a batch of strings, with offsets and scores.

One `classify` call handles the strings of one message (or of many): a cheap gate
picks the entity types each string could hold, Presidio's `AnalyzerEngine` runs only
those recognizers with regex-token artifacts (no spaCy), spaCy NER runs once, batched,
over the free-text strings only, key hints add evidence and whole values, and overlaps
are resolved deterministically.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult

from detectors import gate
from detectors.config import DetectorConfig
from detectors.context import LazyLemmaContextAwareEnhancer
from detectors.embedded import Unit, embedded_units, looks_like_json, parent_key
from detectors.jsonwalk import StringSite
from detectors.jsonwalk import parent_key as path_parent
from detectors.key_hints import (
    SUPPRESS_BELOW,
    HintMatch,
    KeyHint,
    hints_for_key,
    normalize_key,
    suppressed_for_key,
    whole_value_span,
)
from detectors.names import echo_names
from detectors.nlp import EntitySpan, TokenNlpEngine, is_prose, load_spacy
from detectors.overlap import Span, resolve
from detectors.plugins import load_plugins
from detectors.registry import builtin_recognizers, enabled
from detectors.wordlists import ORG_PARENTS
from detectors.yaml_loader import YamlPatternRecognizer, build, env_paths, load_detectors

CONTEXT_PREFIX_WORDS = 4
"""Context words counted before a match ("SSN:", "date of birth", "NPI number")."""
CONTEXT_SUFFIX_WORDS = 0
"""None after it: in "123456789012. MRN: 4471920" the MRN words belong to the next value."""

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_GENERIC_NAME_KEYS = frozenset({"name", "display_name", "display"})


def _not_org_name(
    matches: list[HintMatch], key: str | None, parent_of: Callable[[], str | None]
) -> list[HintMatch]:
    """Drop the PERSON hint of a bare `name` key inside a company, tool, resource..."""
    if not matches or key is None or normalize_key(key) not in _GENERIC_NAME_KEYS:
        return matches
    parent = parent_of()
    if parent is not None and normalize_key(parent) in ORG_PARENTS:
        return [m for m in matches if m.hint.entity_type != "PERSON"]
    return matches


@dataclass(slots=True)
class _Plan:
    """What to do with one site, decided before the NER batch runs."""

    units: list[tuple[Unit, list[HintMatch]]]
    entities: set[str]
    ner_pieces: list[tuple[int, str]] = field(default_factory=list)


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with `ranges` replaced by spaces: tables are read by their headers, not NER."""
    for start, end in ranges:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


class Classifier:
    """Find sensitive values in the strings of MCP messages. Build once, reuse."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        cfg = self.config
        # Validate every YAML file before building anything.
        paths = [*cfg.paths, *(env_paths() if cfg.use_env else [])]
        loaded = load_detectors(paths, builtin=cfg.builtin_yaml)
        yaml_recognizers, yaml_hints = build(loaded)
        plugin_recognizers, plugin_hints = load_plugins() if cfg.plugins else ([], [])
        self.nlp_engine = TokenNlpEngine(load_spacy(cfg.spacy_model) if cfg.ner else None,
                                         batch_size=cfg.ner_batch_size)
        recognizers = enabled(
            [*builtin_recognizers(cfg), *yaml_recognizers, *plugin_recognizers], cfg.disabled
        )
        self.analyzer = AnalyzerEngine(
            registry=RecognizerRegistry(recognizers=recognizers, supported_languages=["en"]),
            nlp_engine=self.nlp_engine,
            supported_languages=["en"],
            default_score_threshold=0.0,
            context_aware_enhancer=LazyLemmaContextAwareEnhancer(
                context_prefix_count=CONTEXT_PREFIX_WORDS,
                context_suffix_count=CONTEXT_SUFFIX_WORDS,
                context_matching_mode="whole_word",
            ),
        )
        self.extra_hints: tuple[KeyHint, ...] = (*yaml_hints, *plugin_hints)
        self.supported: frozenset[str] = frozenset(
            e for r in recognizers for e in r.supported_entities if e not in cfg.disabled
        )
        builtin = {e for r in builtin_recognizers(cfg) for e in r.supported_entities}
        digits_needed: dict[str, int] = {}
        for rec in recognizers:
            needs = (
                gate.min_digits(rec.regexes)
                if isinstance(rec, YamlPatternRecognizer)
                else 0
            )
            for entity in set(rec.supported_entities) - builtin:
                digits_needed[entity] = min(needs, digits_needed.get(entity, needs))
        self.custom_entities: dict[str, int] = {
            e: n for e, n in digits_needed.items() if e in self.supported
        }
        """Custom entity types and the digits a string needs before their detectors run."""
        self._lock = threading.Lock()

    # --- planning ----------------------------------------------------------------

    def _plan(self, site: StringSite) -> _Plan:
        text = site.text
        hints = hints_for_key(site.key, self.extra_hints)
        units: list[tuple[Unit, list[HintMatch]]] = [
            (Unit(0, len(text), site.key),
             _not_org_name(hints, site.key, lambda: path_parent(site.path)))
        ]
        inner: list[Unit] = []
        tables: list[tuple[int, int]] = []
        if len(text) > 6 and (":" in text or "=" in text or "\n" in text):
            embedded = embedded_units(text)
            inner, tables = embedded.units, embedded.tables
            for u in inner:
                matches = hints_for_key(u.key, self.extra_hints)
                if matches and u.quoted:
                    matches = _not_org_name(matches, u.key, partial(parent_key, text, u.start))
                units.append((u, matches))
        entities: set[str] = set()
        if not gate.skippable(text):
            digits = gate.digit_count(text)
            entities = gate.candidate_entities(text, digits)
            entities.update(e for e, n in self.custom_entities.items() if digits >= n)
        plan = _Plan(units, entities & self.supported)
        if looks_like_json(text):
            plan.ner_pieces = [
                (u.start, text[u.start : u.end])
                for u in inner
                if u.quoted and is_prose(text[u.start : u.end])
            ]
        elif is_prose(text):
            plan.ner_pieces = [(0, _blank(text, tables))]
        return plan

    # --- the API -------------------------------------------------------------------

    def classify(self, sites: Sequence[StringSite], *, ner: bool = True) -> list[list[Span]]:
        """One list of non-overlapping spans per site, in the same order.

        `ner=False` skips spaCy entirely: PERSON then comes from key hints, cue words
        ("Dr.", "Thanks", "Signed:") and later mentions of a name found so.
        """
        plans = [self._plan(site) for site in sites]
        persons: list[list[EntitySpan]] = [[] for _ in sites]
        if ner and self.nlp_engine.nlp is not None and "PERSON" in self.supported:
            owners = [(i, off) for i, p in enumerate(plans) for off, _ in p.ner_pieces]
            texts = [piece for p in plans for _, piece in p.ner_pieces]
            with self._lock:
                found = self.nlp_engine.persons(texts)
            for (i, off), ents in zip(owners, found, strict=True):
                persons[i].extend(
                    EntitySpan(e.label_, off + e.start_char, off + e.end_char) for e in ents
                )
        return [
            self._classify_one(site, plan, people)
            for site, plan, people in zip(sites, plans, persons, strict=True)
        ]

    def _classify_one(self, site: StringSite, plan: _Plan, people: list[EntitySpan]) -> list[Span]:
        text = site.text
        entities = set(plan.entities)
        if people:
            entities.add("PERSON")
        spans: list[Span] = []
        if entities:
            results = self.analyzer.analyze(
                text,
                "en",
                entities=sorted(entities),
                nlp_artifacts=self.nlp_engine.artifacts(text, people),
                score_threshold=0.01,
            )
            spans = [
                Span(r.entity_type, r.start, r.end, float(r.score),
                     str((r.recognition_metadata or {}).get(_NAME_KEY, "presidio")))
                for r in results
            ]
        spans = self._apply_key_hints(text, plan.units, spans)
        spans = echo_names(text, spans)
        floor = self.config.min_score
        return resolve(s for s in spans if s.score >= floor)

    @staticmethod
    def _apply_key_hints(
        text: str, units: list[tuple[Unit, list[HintMatch]]], spans: list[Span]
    ) -> list[Span]:
        for unit, matches in units:
            suppressed = suppressed_for_key(unit.key)
            if suppressed:
                spans = [
                    s for s in spans
                    if not (s.entity_type in suppressed and s.score < SUPPRESS_BELOW
                            and unit.start <= s.start and s.end <= unit.end)
                ]  # fmt: skip
            for match in matches:
                hint = match.hint
                inside = [
                    i for i, s in enumerate(spans)
                    if s.entity_type == hint.entity_type and unit.start <= s.start
                    and s.end <= unit.end
                ]  # fmt: skip
                for i in inside:
                    if spans[i].score < hint.score:
                        spans[i] = replace(spans[i], score=hint.score)
                raw = text[unit.start : unit.end]
                value = raw.strip()
                bounds = whole_value_span(match, value)
                if bounds is None:
                    continue
                offset = unit.start + (len(raw) - len(raw.lstrip()))
                start, end = offset + bounds[0], offset + bounds[1]
                if not any(spans[i].start <= start and spans[i].end >= end for i in inside):
                    spans.append(Span(hint.entity_type, start, end, hint.score, "key_hint"))
        return spans
