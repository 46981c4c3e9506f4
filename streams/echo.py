"""Session memory: values already detected in a session, looked for again.

An agent that read a patient's record and then posts "Elif Tanaka +49 30 5550 2572
133816373" to a chat tool sends values that, bare and out of context, no pattern
would flag. The governor remembers what it detected per session (in memory only,
bounded, never written anywhere) and finds those values again in the session's later
strings, whatever the separators, so an echo of sensitive data is protected like the
original. Sessions are keyed to one partition, so each worker sees all of its own.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from detectors.api import Span

DETECTOR = "session_echo"
_DIGITY = {"CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "US_NPI", "US_BANK_NUMBER", "IBAN_CODE",
           "US_MBI", "MEDICAL_RECORD_NUMBER"}
_MIN_LEN = 6


def _pattern(entity_type: str, value: str) -> str | None:
    """A regex that finds `value` again, tolerant of separators for identifiers."""
    if entity_type in _DIGITY:
        chars = [c for c in value if c.isalnum()]
        if len(chars) < _MIN_LEN:
            return None
        body = r"[\s\-./]?".join(re.escape(c) for c in chars)
        plus = r"\+?" if entity_type == "PHONE_NUMBER" else ""
        return rf"(?<![A-Za-z0-9+]){plus}{body}(?![A-Za-z0-9])"
    v = value.strip()
    if len(v) < _MIN_LEN:
        return None
    return rf"(?<!\w){re.escape(v)}(?!\w)"


class _Session:
    __slots__ = ("values", "regex", "order")

    def __init__(self) -> None:
        self.values: dict[str, str] = {}  # pattern -> entity type
        self.regex: re.Pattern[str] | None = None
        self.order: list[str] = []  # patterns in the regex's group order


class SessionMemory:
    """Bounded per-session sets of detected values (LRU over sessions)."""

    def __init__(self, sessions: int = 20_000, values_per_session: int = 512) -> None:
        self.max_sessions = sessions
        self.max_values = values_per_session
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    def remember(self, session: str, entity_type: str, value: str) -> None:
        pat = _pattern(entity_type, value)
        if pat is None:
            return
        s = self._sessions.get(session)
        if s is None:
            s = self._sessions[session] = _Session()
            if len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        else:
            self._sessions.move_to_end(session)
        if pat not in s.values and len(s.values) < self.max_values:
            s.values[pat] = entity_type
            s.regex = None

    def echoes(self, session: str, text: str, taken: list[Span]) -> list[Span]:
        """Spans of remembered values in `text` that no span in `taken` already covers."""
        s = self._sessions.get(session)
        if s is None or not s.values:
            return []
        if s.regex is None:
            s.order = sorted(s.values, key=len, reverse=True)
            s.regex = re.compile("|".join(f"({p})" for p in s.order), re.IGNORECASE)
        out: list[Span] = []
        for m in s.regex.finditer(text):
            start, end = m.span()
            if any(t.start < end and start < t.end for t in taken):
                continue
            entity = s.values[s.order[(m.lastindex or 1) - 1]]
            out.append(Span(entity_type=entity, start=start, end=end, score=0.9,
                            detector=DETECTOR))
        return out
