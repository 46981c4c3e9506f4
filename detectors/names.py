"""Names: trimming NER spans, growing partial ones, and finding later mentions.

The small English model is good at saying "a name is around here" and less good at
its exact bounds or at names it has rarely seen; these helpers turn its output into
spans that cover whole names and nothing else, and carry a found name to its other
mentions in the same string.
"""

from __future__ import annotations

import bisect
import itertools
import re

from detectors.overlap import Span
from detectors.wordlists import IMPERATIVES, LABEL_WORDS, ORG_WORDS, stop_words

_NOT_IN_NAME = re.compile(r"[\d@_/\\:=<>{}\[\]|#*]")
_EDGE = " \t\n.,;:'\"()-–—"


def person_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The NER span trimmed to a plausible name, or None for what is not one.

    The small model tags labels ("Requester:"), masked digits ("XXXX"), drug names,
    company names ("Orbital Dental") and schema field titles ("Member Name"); a name has a
    capital letter, no digits or markup, no organisation or field-label word, and is not
    a one-word all-caps or label-like token.
    """
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    name = text[start:end]
    if not name or len(name) > 80 or _NOT_IN_NAME.search(name) or "\n" in name:
        return None
    if name.lower() == name or not any(c.isalpha() for c in name):
        return None
    if " " not in name and (name.isupper() or text[end : end + 2].lstrip().startswith(":")):
        return None
    if any(w.lower() in ORG_WORDS or w.lower() in LABEL_WORDS for w in name.split()):
        return None  # "Orbital Dental", and field titles of schemas: "Member Name"
    if " " not in name and name.lower() in IMPERATIVES:
        return None
    return start, end


_NAME_WORD = re.compile(r"[^\W\d_a-z][^\W\d_]*(?:['’\-][^\W\d_]+)*")
_EXTEND_MAX = 2
_WORD_MAX = 40
"""Longest name word looked at when growing a span: the look-around stays bounded."""


def _name_word(word: str) -> bool:
    return (
        bool(_NAME_WORD.fullmatch(word))
        and not (word.isupper() and len(word) > 1)
        and word.lower() not in stop_words()
        and word.lower() not in ORG_WORDS
        and word.lower() not in LABEL_WORDS
    )


def extend_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a PERSON span over the capitalized name words right beside it.

    The small model often tags only part of a name it has not seen ("Ji-woo *Park*",
    "Tomasz *Nowak*"); the rest of the name is the capitalized word glued to it by a
    single space. At most two words each side, never across a line or a stop word.
    """
    for _ in range(_EXTEND_MAX):
        left = text.rfind(" ", max(0, start - 2 - _WORD_MAX), max(0, start - 1))
        if left < 0 and start - 1 > _WORD_MAX:
            break  # no name word is that long: look no further back
        word = text[left + 1 : start - 1]
        if start < 2 or text[start - 1] != " " or "\n" in word or not _name_word(word):
            break
        start = left + 1
    for _ in range(_EXTEND_MAX):
        if end >= len(text) or text[end] != " ":
            break
        right = end + 1
        stop = min(len(text), right + _WORD_MAX + 1)
        while right < stop and not text[right].isspace() and text[right] not in ",.;:!?()":
            right += 1
        if right - end - 1 > _WORD_MAX or not _name_word(text[end + 1 : right]):
            break
        end = right
    return start, end


ECHO_SCORE = 0.6
_ECHO_FLOOR = 0.5


def echo_names(text: str, spans: list[Span]) -> list[Span]:
    """Other mentions of a name already found in the same string are that person too.

    "Patient: Lakshmi Park ... Subjective: Park is seen today": the family name alone,
    later, is the same person. Each capitalized word (three letters or more, not a stop
    or organisation word) of a PERSON span scoring 0.5 or more is looked for again as
    a whole, case-sensitive word; new mentions score `ECHO_SCORE`.
    """
    people = [s for s in spans if s.entity_type == "PERSON" and s.score >= _ECHO_FLOOR]
    if not people:
        return spans
    words = {
        w for s in people for w in _NAME_WORD.findall(text[s.start : s.end])
        if len(w) >= 3 and _name_word(w)
    }  # fmt: skip
    if not words:
        return spans
    found = list(spans)
    known = sorted((s.start, s.end) for s in people)
    known_starts = [s for s, _ in known]
    reach = list(itertools.accumulate((e for _, e in known), max))  # furthest end so far
    for m in _GLUED_RUN.finditer(text):  # one pass, whatever the number of names
        if m.group() not in words:
            continue
        at, end = m.span()
        i = bisect.bisect_right(known_starts, at) - 1
        if not (i >= 0 and reach[i] >= end):
            found.append(Span("PERSON", at, end, ECHO_SCORE, "name_echo"))
    return found


_GLUED_RUN = re.compile(r"[\w'’\-]+")
"""A maximal run of characters that glue into one word (letters, digits, `_`, apostrophes,
hyphens): a name is found again only where such a run is the name itself."""
