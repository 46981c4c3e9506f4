"""Session memory: values already detected in a session, looked for again.

An agent that read a patient's record and then posts "Elif Tanaka +49 30 5550 2572
133816373" to a chat tool sends values that, bare and out of context, no pattern
would flag. The governor remembers what it detected per session (in memory only,
bounded, never written anywhere) and finds those values again in the session's later
strings, whatever the separators, so an echo of sensitive data is protected like the
original. Sessions are keyed to one partition, so each worker sees all of its own.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import OrderedDict
from functools import lru_cache

from detectors.api import Span

DETECTOR = "session_echo"
_DIGITY = {"CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "US_NPI", "US_BANK_NUMBER", "IBAN_CODE",
           "US_MBI", "MEDICAL_RECORD_NUMBER"}
_MIN_LEN = 6
_SEPARATOR = re.compile(r"[\s\-./]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class _Bare:
    """A text without separators (ASCII lower-cased), mapped back to the text's offsets.

    An identifier is looked for with `str.find` there, and its regex confirmed only at
    the places found, instead of one regex pass over the whole text per remembered value.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.translate(_ASCII_LOWER)  # same length as `text`
        seps = [m.start() for m in _SEPARATOR.finditer(lowered)]
        self.shift = [p - k for k, p in enumerate(seps)]  # non-decreasing
        self.bare = _SEPARATOR.sub("", lowered)

    def offset(self, i: int) -> int:
        """Offset in the text of character `i` of the bare text."""
        return i + bisect.bisect_right(self.shift, i)

    def matches(self, needle: str, regex: re.Pattern[str]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        at = self.bare.find(needle)
        while at >= 0:
            start = self.offset(at)
            m = regex.match(self.text, start)
            if m is None and start > 0 and self.text[start - 1] == "+":
                m = regex.match(self.text, start - 1)
            if m is not None:
                out.append((m.start(), m.end()))
            at = self.bare.find(needle, at + 1)
        return out


@lru_cache(maxsize=65_536)
def _compiled(entity_type: str, value: str) -> tuple[str, re.Pattern[str]] | None:
    """(needle, regex) finding `value` again; identifiers tolerate any separators.

    The needle is a cheap substring every match must contain (an identifier's characters
    without separators, looked for in the text without separators; the whole value
    otherwise), so most texts are ruled out without running the regex at all, even
    texts full of digits.
    """
    if entity_type in _DIGITY:
        chars = [c for c in value.casefold() if c.isalnum()]
        if len(chars) < _MIN_LEN:
            return None
        body = r"[\s\-./]?".join(re.escape(c) for c in chars)
        plus = r"\+?" if entity_type == "PHONE_NUMBER" else ""
        regex = rf"(?<![A-Za-z0-9+]){plus}{body}(?![A-Za-z0-9])"
        return "".join(chars), re.compile(regex, re.IGNORECASE)
    v = value.strip()
    if len(v) < _MIN_LEN:
        return None
    return v.casefold(), re.compile(rf"(?<!\w){re.escape(v)}(?!\w)", re.IGNORECASE)


class SessionMemory:
    """Bounded per-session sets of detected values (LRU over sessions)."""

    def __init__(self, sessions: int = 20_000, values_per_session: int = 512) -> None:
        self.max_sessions = sessions
        self.max_values = values_per_session
        # session -> {(entity type, needle, regex)}; a dict keeps insertion order.
        self._sessions: OrderedDict[str, dict[tuple[str, str, re.Pattern[str]], None]] = (
            OrderedDict())

    def remember(self, session: str, entity_type: str, value: str) -> None:
        values = self._sessions.get(session)
        if values is not None:
            self._sessions.move_to_end(session)
            if len(values) >= self.max_values:
                return  # full: compiling the value would be wasted work
        found = _compiled(entity_type, value)
        if found is None:
            return
        if values is None:
            values = self._sessions[session] = {}
            if len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        values[(entity_type, *found)] = None

    def echoes(self, session: str, text: str, taken: list[Span]) -> list[Span]:
        """Spans of remembered values in `text` that no span in `taken` already covers.

        Linear in the text: at most `values_per_session` scans (each ruled out by its
        needle first), then one sorted sweep; an overlap is a bisect into `taken` and a
        running end of what was kept, never a scan of every span per hit.
        """
        values = self._sessions.get(session)
        if not values:
            return []
        folded = text.casefold()
        bare: _Bare | None = None
        hits = []
        for entity, needle, regex in values:
            if entity in _DIGITY and needle.isascii():
                bare = _Bare(text) if bare is None else bare
                hits += [(a, b, entity) for a, b in bare.matches(needle, regex)]
            elif needle not in folded:
                continue
            elif len(folded) == len(text):  # confirm the regex only where the needle is
                at = folded.find(needle)
                while at >= 0:
                    if m := regex.match(text, at):
                        hits.append((m.start(), m.end(), entity))
                    at = folded.find(needle, at + 1)
            else:
                hits += [(m.start(), m.end(), entity) for m in regex.finditer(text)]
        if not hits:
            return []
        ordered = sorted((t.start, t.end) for t in taken)
        starts = [s for s, _ in ordered]
        reach = list(itertools.accumulate((e for _, e in ordered), max))  # furthest end so far
        out: list[Span] = []
        kept_end = -1
        for start, end, entity in sorted(hits, key=lambda h: (h[0], h[0] - h[1])):
            if start < kept_end:
                continue  # overlaps a hit kept before (those all start at or before `start`)
            i = bisect.bisect_left(starts, end)  # taken spans starting before this hit ends
            if i and reach[i - 1] > start:
                continue
            out.append(Span(entity_type=entity, start=start, end=end, score=0.9,
                            detector=DETECTOR))
            kept_end = end
        return out
