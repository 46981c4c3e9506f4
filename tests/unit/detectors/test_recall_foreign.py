"""Recall and precision on traffic this project did not write (issue 10 targets).

The corpus (`corpus.py`) plants Faker's values and checksum-valid identifiers in
MCP-shaped text. A value is *found* when spans of its entity type cover all its
non-space characters, *masked* when spans of any type do. Targets: structured types
found at >= 99.5 % per (entity, kind); evasions masked at >= 99.5 % per form;
look-alikes untouched at >= 99 % per kind and span precision >= 99 % overall; PERSON
found at >= 85 % per locale in English prose with NER.

KNOWN_GAPS lists what the engine misses today, each case an xfail (not strict): remove
an entry when the engine closes it, and the case is asserted from then on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pytest

from detectors import validators
from detectors.api import Classifier, Span, StringSite

from . import corpus
from .corpus import Case

RECALL_TARGET = 0.995
UNTOUCHED_TARGET = 0.99
PRECISION_TARGET = 0.99
PERSON_TARGET = 0.85

_SCRIPT = "the English spaCy model does not tag names written in {} script"
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("PERSON", "ar_AA"): _SCRIPT.format("Arabic"),
    ("PERSON", "he_IL"): _SCRIPT.format("Hebrew"),
    ("PERSON", "hi_IN"): _SCRIPT.format("Devanagari"),
    ("PERSON", "ja_JP"): _SCRIPT.format("Japanese"),
    ("PERSON", "ko_KR"): _SCRIPT.format("Hangul"),
    ("PERSON", "zh_CN"): _SCRIPT.format("Chinese"),
}
"""(entity, kind) -> why it misses today. Look-alike kinds use the entity "NONE"."""


# --- measuring ---------------------------------------------------------------------------


def _ignorable(ch: str) -> bool:
    """Spaces and invisible format characters (zero-width) need no cover."""
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def covered(case: Case, spans: Iterable[Span], entity: str | None) -> bool:
    """Whether spans (of `entity`, or of any type when None) cover the value."""
    start = case.start
    end = start + len(case.value)
    cover: set[int] = set()
    for s in spans:
        if (entity is None or s.entity_type == entity) and s.start < end and s.end > start:
            cover.update(range(max(s.start, start), min(s.end, end)))
    return all(i in cover for i, ch in enumerate(case.value, start) if not _ignorable(ch))


def touched(case: Case, spans: Iterable[Span]) -> bool:
    start, end = case.start, case.start + len(case.value)
    return any(s.start < end and s.end > start for s in spans)


@dataclass
class Tally:
    """Hits out of total for one (entity, kind), with a few missed texts to show."""

    hits: int = 0
    total: int = 0
    missed: list[str] = field(default_factory=list)

    def add(self, ok: bool, case: Case, spans: list[Span]) -> None:
        self.total += 1
        self.hits += ok
        if not ok and len(self.missed) < 3:
            found = sorted({f"{s.entity_type}:{case.text[s.start:s.end]}" for s in spans})
            self.missed.append(f"{case.text!r} found {found}")

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


Tallies = dict[tuple[str, str], Tally]


def _classify(clf: Classifier, cases: Sequence[Case], ner: bool) -> list[list[Span]]:
    out: list[list[Span]] = []
    for i in range(0, len(cases), 500):
        chunk = cases[i : i + 500]
        out += clf.classify([StringSite("$.content[0].text", c.key, c.text) for c in chunk],
                            ner=ner)
    return out


def _tally(cases: Sequence[Case], found: list[list[Span]],
           judge: Callable[[Case, list[Span]], bool]) -> Tallies:
    tallies: Tallies = {}
    for case, spans in zip(cases, found, strict=True):
        tally = tallies.setdefault((case.entity_type, case.kind), Tally())
        tally.add(judge(case, spans), case, spans)
    return tallies


def table(tallies: Tallies, only: str | None = None, mark: tuple[str, str] | None = None) -> str:
    """One line per (entity, kind): hits/total and rate; `mark` flags the asserted row."""
    rows = [f"{'entity':<14} {'kind':<22} {'hits':>9} {'rate':>7}"]
    for (entity, kind), t in sorted(tallies.items()):
        if only is None or entity == only:
            flag = " <" if (entity, kind) == mark else ""
            rows.append(f"{entity:<14} {kind:<22} {t.hits:>4}/{t.total:<4} "
                        f"{100 * t.rate:6.1f}%{flag}")
    return "\n".join(rows)


def _check(tallies: Tallies, entity: str, kind: str, target: float, what: str) -> None:
    t = tallies.get((entity, kind), Tally())
    missed = "\n".join(f"  missed: {text}" for text in t.missed)
    if not (t.total and t.rate >= target):
        pytest.fail(f"{what} of {entity}/{kind} {t.hits}/{t.total} below {100 * target:.1f}%\n"
                    f"{table(tallies, only=entity, mark=(entity, kind))}\n{missed}",
                    pytrace=False)


@dataclass
class Measured:
    """Everything classified once per module; each test reads its row."""

    structured: Tallies
    evasions: Tallies
    lookalikes: Tallies
    precision: tuple[int, int]  # spans on planted values, all spans


@pytest.fixture(scope="module")
def measured(patterns: Classifier) -> Measured:
    structured = corpus.structured_cases()
    evasions = corpus.evasion_cases()
    lookalikes = corpus.lookalike_cases()
    s_found = _classify(patterns, structured, ner=False)
    e_found = _classify(patterns, evasions, ner=False)
    l_found = _classify(patterns, lookalikes, ner=False)
    good = total = 0
    for case, spans in [*zip(structured, s_found), *zip(lookalikes, l_found)]:
        planted = case.entity_type != "NONE"
        for s in spans:
            total += 1
            good += planted and s.start < case.start + len(case.value) and s.end > case.start
    return Measured(
        structured=_tally(structured, s_found, lambda c, sp: covered(c, sp, c.entity_type)),
        evasions=_tally(evasions, e_found, lambda c, sp: covered(c, sp, None)),
        lookalikes=_tally(lookalikes, l_found, lambda c, sp: not touched(c, sp)),
        precision=(good, total),
    )


@pytest.fixture(scope="module")
def persons(classifier: Classifier) -> Tallies:
    cases = corpus.person_cases()
    found = _classify(classifier, cases, ner=True)
    return _tally(cases, found, lambda c, sp: covered(c, sp, "PERSON"))


# --- the targets ---------------------------------------------------------------------------


def _params(pairs: Iterable[tuple[str, str]]) -> list[object]:
    out = []
    for entity, kind in pairs:
        gap = KNOWN_GAPS.get((entity, kind))
        marks = [pytest.mark.xfail(strict=False, reason=f"issue 10: {gap}")] if gap else []
        out.append(pytest.param(entity, kind, marks=marks, id=f"{entity}-{kind}"))
    return out


@pytest.mark.parametrize(("entity", "kind"), _params(corpus.structured_kinds()))
def test_structured_recall(measured: Measured, entity: str, kind: str) -> None:
    _check(measured.structured, entity, kind, RECALL_TARGET, "recall")


@pytest.mark.parametrize(("entity", "kind"), _params(corpus.evasion_kinds()))
def test_evasions_are_masked(measured: Measured, entity: str, kind: str) -> None:
    _check(measured.evasions, entity, kind, RECALL_TARGET, "masked share")


@pytest.mark.parametrize(("entity", "kind"), _params(("NONE", k) for k in corpus.LOOKALIKE_KINDS))
def test_lookalikes_stay_untouched(measured: Measured, entity: str, kind: str) -> None:
    _check(measured.lookalikes, entity, kind, UNTOUCHED_TARGET, "untouched share")


def test_span_precision(measured: Measured) -> None:
    """Spans on planted values over all spans, look-alikes and layout text included."""
    good, total = measured.precision
    assert total and good / total >= PRECISION_TARGET, (
        f"precision {good}/{total} = {100 * good / max(total, 1):.2f}%\n"
        f"{table(measured.lookalikes)}"
    )


@pytest.mark.parametrize(("entity", "kind"), _params(("PERSON", k) for k in corpus.PERSON_LOCALES))
def test_person_recall_with_ner(persons: Tallies, entity: str, kind: str) -> None:
    _check(persons, entity, kind, PERSON_TARGET, "recall")


def test_recall_table(measured: Measured, persons: Tallies) -> None:
    """Not a target: prints the whole table (see it with `-rP`)."""
    good, total = measured.precision
    print(table({**measured.structured, **persons}), "\n")
    print(table({(f"~{e}", k): t for (e, k), t in measured.evasions.items()}), "\n")
    print(table(measured.lookalikes))
    print(f"span precision {good}/{total}")


# --- the corpus itself -------------------------------------------------------------------


def test_corpus_is_what_it_claims() -> None:
    """Planted once per text, checksums right, look-alikes really invalid, kinds declared."""
    structured = corpus.structured_cases()
    for case in [*structured, *corpus.evasion_cases(), *corpus.lookalike_cases()]:
        assert case.text.count(case.value) == 1, case
    checks = {"CREDIT_CARD": validators.luhn, "IBAN_CODE": validators.mod97,
              "US_NPI": validators.npi, "US_MBI": validators.us_mbi, "US_SSN": validators.us_ssn}
    for case in structured:
        check = checks.get(case.entity_type)
        assert check is None or check(case.value), case
    assert {(c.entity_type, c.kind) for c in structured} == set(corpus.structured_kinds())
    assert {(c.entity_type, c.kind) for c in corpus.evasion_cases()} == set(
        corpus.evasion_kinds())
    for case in corpus.lookalike_cases():
        assert case.kind != "luhn_invalid_16" or not validators.luhn(case.value), case
    assert corpus.card_cases() == corpus.card_cases()  # seeded per generator, not per process
