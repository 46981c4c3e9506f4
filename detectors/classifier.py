"""The Classifier: every sensitive value in a batch of strings, with offsets and scores.

One `classify` call handles the strings of one message (or of many), in one linear pass:

1. each string is folded (`scan.normalize`: Unicode digits, odd spaces and dashes,
   invisible characters) and its encoded layers decoded (`scan.decode`);
2. one Hyperscan scan over all of them (`scan.automaton`) says which recognizer
   patterns can match in which string;
3. only those are confirmed, validated and scored (`scan.engine`, Presidio semantics);
4. spaCy NER runs once, batched, over the free-text strings only;
5. key hints add evidence and whole values, overlaps are resolved deterministically,
   and spans are mapped back to the strings as they were written.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from detectors.config import DetectorConfig
from detectors.context import LazyLemmaContextAwareEnhancer
from detectors.embedded import Unit, embedded_units, looks_like_json, parent_key
from detectors.gate import skippable
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
from detectors.scan.decode import Layer, decode_all
from detectors.scan.engine import ScanEngine
from detectors.scan.normalize import Folded, normalize
from detectors.wordlists import ORG_PARENTS
from detectors.yaml_loader import build, env_paths, load_detectors

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
    if not ranges:
        return text
    pieces: list[str] = []
    at = 0
    for start, end in sorted(ranges):
        start = max(start, at)
        if end <= start:
            continue
        pieces += [text[at:start], " " * (end - start)]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


DECODED_DETECTOR = "decoded"
"""Detector name prefix of a finding inside an encoded layer (`decoded:base64`)."""


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
        self.ner_recognizers = [r for r in recognizers if isinstance(r, SpacyRecognizer)]
        self.recognizers = recognizers
        self.engine = ScanEngine(
            recognizers,
            LazyLemmaContextAwareEnhancer(
                context_prefix_count=CONTEXT_PREFIX_WORDS,
                context_suffix_count=CONTEXT_SUFFIX_WORDS,
                context_matching_mode="whole_word",
            ),
            skip=self.ner_recognizers,
        )
        self.extra_hints: tuple[KeyHint, ...] = (*yaml_hints, *plugin_hints)
        self.supported: frozenset[str] = frozenset(
            e for r in recognizers for e in r.supported_entities if e not in cfg.disabled
        )
        self._lock = threading.Lock()
        self._cache: dict[tuple[bool, str | None, str | None, str], tuple[Span, ...]] = {}

    # --- planning ----------------------------------------------------------------

    def _plan(self, site: StringSite, fired: set[int]) -> _Plan:
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
        plan = _Plan(units, self.engine.entities(fired) & self.supported if fired else set())
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

        A site's spans depend on its text, its key and (for a few keys) its path only,
        and MCP traffic repeats short strings all day (methods, enum values, tool names
        and descriptions), so short sites are answered from a bounded in-memory cache.
        """
        keys = [_cache_key(site, ner) for site in sites]
        cache = self._cache
        out: list[list[Span] | None] = [None] * len(sites)
        todo: list[int] = []  # computed: long sites, and the first of each uncached key
        first: dict[tuple[bool, str | None, str | None, str], int] = {}
        for i, k in enumerate(keys):
            if k is None:
                todo.append(i)
            elif (hit := cache.get(k)) is not None:
                out[i] = list(hit)
            elif first.setdefault(k, i) == i:
                todo.append(i)
        computed = self._classify([sites[i] for i in todo], ner) if todo else []
        for i, spans in zip(todo, computed, strict=True):
            out[i] = spans
            k = keys[i]
            if k is not None:
                cache[k] = tuple(spans)
                if len(cache) > CACHE_SITES:
                    del cache[next(iter(cache))]  # oldest first: dicts keep insertion order
        for i, k in enumerate(keys):
            if out[i] is None:  # a repeat, within this call, of a key computed above
                out[i] = list(out[first[k]] or ())  # type: ignore[index]
        return out  # type: ignore[return-value]

    def clear_cache(self) -> None:
        """Forget remembered short sites (a benchmark's pass starts cold)."""
        self._cache.clear()

    def _classify(self, sites: Sequence[StringSite], ner: bool) -> list[list[Span]]:
        folded = [normalize(site.text) for site in sites]
        work = [StringSite(site.path, site.key, f.text) for site, f in zip(sites, folded,
                                                                             strict=True)]
        texts = ["" if skippable(site.text) else site.text for site in work]
        layers = [decode_all(text) for text in texts]
        inner = [layer.text for found in layers for layer in found]
        fired = self.engine.hits([*texts, *inner])
        plans = [self._plan(site, hits) for site, hits in zip(work, fired, strict=False)]
        persons: list[list[EntitySpan]] = [[] for _ in work]
        if ner and self.nlp_engine.nlp is not None and "PERSON" in self.supported:
            owners, texts = [], []
            for i, p in enumerate(plans):
                budget = self.config.ner_max_chars
                for off, piece in p.ner_pieces:
                    if budget <= 0:
                        break
                    if len(piece) > budget:  # cut at a space: never half a name
                        cut = piece.rfind(" ", 0, budget)
                        piece = piece[: cut if cut > budget // 2 else budget]
                    owners.append((i, off))
                    texts.append(piece)
                    budget -= len(piece)
            with self._lock:
                found = self.nlp_engine.persons(texts)
            for (i, off), ents in zip(owners, found, strict=True):
                persons[i].extend(
                    EntitySpan(e.label_, off + e.start_char, off + e.end_char) for e in ents
                )
        out: list[list[Span]] = []
        layer_hits = iter(fired[len(work):])
        for site, fold, plan, people, hits, found_layers in zip(
            work, folded, plans, persons, fired, layers, strict=False
        ):
            if not (hits or people or found_layers or any(m for _, m in plan.units)):
                out.append([])  # nothing fired, no key names it, no NER name: nothing here
                continue
            spans = self._spans(site, plan, people, hits)
            if site.key == "title" and _SCHEMA_PATH.search(site.path):
                spans = [s for s in spans if s.entity_type != "PERSON"]  # "Patient Id"
            for layer in found_layers:
                spans.extend(self._layer_spans(layer, next(layer_hits)))
            kept = resolve(s for s in spans if s.score >= self.config.min_score)
            out.append(_unfold(kept, fold))
        return out

    def _spans(self, site: StringSite, plan: _Plan, people: list[EntitySpan],
               fired: set[int]) -> list[Span]:
        text = site.text
        spans: list[Span] = []
        if plan.entities or people:
            results = self.engine.analyze(
                text, fired, self.nlp_engine.artifacts(text, people),
                extra=self.ner_recognizers if people else (),
            )
            spans = [
                Span(r.entity_type, r.start, r.end, float(r.score),
                     str((r.recognition_metadata or {}).get(_NAME_KEY, "presidio")))
                for r in results if r.score >= 0.01
            ]
        spans = self._apply_key_hints(text, plan.units, spans)
        return echo_names(text, spans)

    def _layer_spans(self, layer: Layer, fired: set[int]) -> list[Span]:
        """Findings inside a decoded layer, as spans of the encoded block they came from."""
        if not fired:
            return []
        results = self.engine.analyze(layer.text, fired,
                                      self.nlp_engine.artifacts(layer.text, []))
        out = []
        for r in results:
            if r.score < self.config.min_score:
                continue
            start, end = layer.source(r.start, r.end)
            out.append(Span(r.entity_type, start, end, float(r.score),
                            f"{DECODED_DETECTOR}:{layer.kind}"))
        return out

    @staticmethod
    def _apply_key_hints(
        text: str, units: list[tuple[Unit, list[HintMatch]]], spans: list[Span]
    ) -> list[Span]:
        """Raise, add or suppress spans by the keys that name the values they sit in.

        Spans are kept sorted by start, so each unit looks only at the spans that start
        inside it (a bisect), not at every span of the text: linear in a table's size.
        """
        spans = sorted(spans, key=lambda s: s.start)
        starts = [s.start for s in spans]
        dropped: set[int] = set()
        added: list[Span] = []
        for unit, matches in units:
            suppressed = suppressed_for_key(unit.key)
            if not suppressed and not matches:
                continue
            window = range(bisect.bisect_left(starts, unit.start),
                           bisect.bisect_left(starts, unit.end))
            mine = [i for i in window if spans[i].end <= unit.end and i not in dropped]
            if suppressed:
                for i in mine:
                    if spans[i].entity_type in suppressed and spans[i].score < SUPPRESS_BELOW:
                        dropped.add(i)
                mine = [i for i in mine if i not in dropped]
            for match in matches:
                hint = match.hint
                inside = [i for i in mine if spans[i].entity_type == hint.entity_type]
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
                    added.append(Span(hint.entity_type, start, end, hint.score, "key_hint"))
        return [s for i, s in enumerate(spans) if i not in dropped] + added




CACHE_SITES = 65_536
"""Short sites whose spans are remembered (a few MB at most)."""
CACHE_MAX_CHARS = 512


def _cache_key(site: StringSite, ner: bool) -> tuple[bool, str | None, str | None, str] | None:
    """What a short site's spans depend on; None for a long site (not cached).

    The path matters only for keys whose meaning depends on their parent (`name` inside a
    company, `title` inside a schema); other sites are keyed by key and text alone.
    """
    if len(site.text) > CACHE_MAX_CHARS:
        return None
    key = site.key
    lowered = key.lower() if key else ""
    path = site.path if ("name" in lowered or "display" in lowered or lowered == "title") \
        else None
    return (ner, key, path, site.text)


_SCHEMA_PATH = re.compile(r"\.(?:inputSchema|outputSchema|properties)\b")
"""A JSON Schema inside a message: its `title`s name fields ("Patient Id"), not people."""


def _unfold(spans: list[Span], fold: Folded) -> list[Span]:
    """Spans of the folded text as spans of the text as it was written."""
    if fold.index is None:
        return spans
    out = []
    for s in spans:
        start, end = fold.original(s.start, s.end)
        out.append(replace(s, start=start, end=end))
    return out
