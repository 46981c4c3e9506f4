"""Overlap resolution: one entity per character, decided the same way every time.

Recognizers disagree (a PAN also parses as a phone number in some region, a 9-digit
run is an SSN, a routing number and an MRN). Overlapping PERSON spans are first merged
into their union; then candidates are ranked by score, then
length, then entity precedence (`classes.ENTITY_TYPES`), then position; each is kept
unless it overlaps one already kept. A SECRET first absorbs whatever overlaps it
(`absorb_into_secrets`). The winner takes the characters; the loser is dropped, not
trimmed, so a finding is always a whole detected value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from detectors.classes import precedence


@dataclass(frozen=True, slots=True)
class Span:
    """One detected value inside one string."""

    entity_type: str
    start: int
    end: int
    score: float
    detector: str


def _rank(span: Span) -> tuple[float, int, int, int, str]:
    length = span.end - span.start
    return (-span.score, -length, precedence(span.entity_type), span.start, span.detector)


def overlap_groups(spans: Iterable[Span]) -> list[list[Span]]:
    """Spans grouped into runs of overlapping ones, in text order (a run is one value)."""
    groups: list[list[Span]] = []
    reach = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if groups and span.start < reach:
            groups[-1].append(span)
            reach = max(reach, span.end)
        else:
            groups.append([span])
            reach = span.end
    return groups


def absorb_into_secrets(candidates: Iterable[Span]) -> list[Span]:
    """A run of overlapping spans that holds a SECRET becomes one SECRET over all of it.

    A password that also reads as an e-mail (`p@ssw0rd@host`) must be redacted, never
    tokenized and sealed where `detokenize` could give it back; and what overlapped it
    is masked with it, so no piece of either is left in clear.
    """
    out: list[Span] = []
    for group in overlap_groups(candidates):
        secrets = [s for s in group if s.entity_type == "SECRET"]
        if secrets and len(secrets) < len(group):
            best = max(secrets, key=lambda s: s.score)
            out.append(Span("SECRET", group[0].start, max(s.end for s in group),
                            best.score, best.detector))
        else:
            out.extend(group)
    return out


MERGED_TYPES = frozenset({"PERSON"})


def merge_same_type(candidates: Iterable[Span]) -> list[Span]:
    """Overlapping PERSON spans become their union (best score and detector).

    Two detectors agreeing on a name but not on its bounds ("Ji" by NER, "Ji-woo" by a
    cue word) both saw part of it; the union leaves none of it in clear. Other types
    keep the best span: under `authorization` the whole-value SECRET and the JWT inside
    it are resolved by score, so the scheme word stays readable.
    """
    out: list[Span] = []
    by_type: dict[str, list[Span]] = {}
    for span in candidates:
        if span.entity_type in MERGED_TYPES:
            by_type.setdefault(span.entity_type, []).append(span)
        else:
            out.append(span)
    for spans in by_type.values():
        spans.sort(key=lambda s: (s.start, -s.end))
        current = spans[0]
        for span in spans[1:]:
            if span.start < current.end:
                best = current if current.score >= span.score else span
                current = Span(current.entity_type, current.start, max(current.end, span.end),
                               best.score, best.detector)  # fmt: skip
            else:
                out.append(current)
                current = span
        out.append(current)
    return out


def resolve(candidates: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans in text order: same-type overlaps merged, then best first.

    Taken characters are marked in a byte array, so checking and claiming a span costs
    its length in C, never a scan or an insertion over the spans already kept: tens of
    thousands of names in one long text resolve in linear time.
    """
    ranked = sorted(merge_same_type(absorb_into_secrets(candidates)), key=_rank)
    if not ranked:
        return []
    taken = bytearray(max(span.end for span in ranked))
    kept: list[Span] = []
    for span in ranked:
        if span.end <= span.start or taken.find(1, span.start, span.end) != -1:
            continue
        taken[span.start : span.end] = b"\x01" * (span.end - span.start)
        kept.append(span)
    kept.sort(key=lambda s: s.start)
    return kept
