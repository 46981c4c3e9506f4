r"""One Hyperscan database over every recognizer's patterns: which may match where.

Each pattern of each recognizer (built-in, YAML, plugin) is compiled into one
Hyperscan block-mode database in prefilter mode, which accepts the lookarounds and
back-references recognizers are written with and reports a superset of their matches.
The database reads bytes, not Unicode: `\p{Lu}`, `\w`, `\d`, `\s` become byte classes
that also take every non-ASCII byte, and word boundaries are dropped, so the trigger
still matches wherever the Unicode regex can (a superset again) while compiling in
a second instead of a minute. Databases are shared by every `Automaton` built from the
same patterns in a process.
`Automaton.hits(texts)` joins an event's strings with newlines, scans them once, and
says for each string which patterns fired in it; only those go on to be confirmed.
Hyperscan is an automaton: its time is linear in the input whatever the patterns.

A pattern Hyperscan cannot parse even in prefilter mode is not lost: its index is in
`always`, and the engine runs it on every string (the slow path, logged at build).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import hyperscan

log = logging.getLogger(__name__)

SEPARATOR = "\n"

_BACKSLASH_K = re.compile(r"(?<!\\)((?:\\\\)*)\\K")
_STRING_ANCHORS = re.compile(r"(?<!\\)((?:\\\\)*)\\([AZz])")


@dataclass(frozen=True, slots=True)
class Trigger:
    """A regex (Python `regex` syntax) and whether it ignores case / spans lines."""

    regex: str
    caseless: bool = False
    dotall: bool = False


def hyperscan_form(regex: str) -> str:
    """The regex as Hyperscan's prefilter reads it: `\\K` dropped, string anchors as line ones.

    Dropping `\\K` keeps the same matches with an earlier start; `\\A`/`\\Z` become `^`/`$`
    because strings are scanned joined by newlines (multi-line mode): a superset either way.
    """
    regex = _BACKSLASH_K.sub(r"\1", regex)
    return _STRING_ANCHORS.sub(lambda m: m.group(1) + ("^" if m.group(2) == "A" else "$"), regex)


_NON_ASCII = r"\x80-\xff"
_CLASS_BODY = {"w": "0-9A-Za-z_", "d": "0-9", "s": r"\s"}
_PROPERTY_BODY = {"Lu": "A-Z", "Lt": "A-Z", "Ll": "a-z", "Nd": "0-9"}


def bytewise(regex: str) -> str:
    """A byte-level superset of a Unicode regex: see the module docstring."""
    out: list[str] = []
    i, n = 0, len(regex)
    in_class = negated = False
    class_start = -1
    while i < n:
        c = regex[i]
        if c == "\\" and i + 1 < n:
            nxt = regex[i + 1]
            if nxt in "pP" and i + 2 < n and regex[i + 2] == "{" and "}" in regex[i:]:
                j = regex.index("}", i)
                if nxt == "p":
                    body = _PROPERTY_BODY.get(regex[i + 3 : j], "0-9A-Za-z")
                    body += "" if negated else _NON_ASCII
                    out.append(body if in_class else f"[{body}]")
                else:
                    out.append(regex[i : j + 1])
                i = j + 1
                continue
            if nxt in _CLASS_BODY:
                body = _CLASS_BODY[nxt] + ("" if negated else _NON_ASCII)
                out.append(body if in_class else f"[{body}]")
                i += 2
                continue
            if nxt in "bB" and not in_class:
                i += 2  # a word boundary in bytes is not one in Unicode: drop it (superset)
                continue
            out.append(regex[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class, class_start = True, len(out)
            negated = regex.startswith("[^", i)
        elif c == "]" and in_class:
            opened = "".join(out[class_start:])
            if opened not in ("[", "[^"):
                in_class = negated = False
        out.append(c)
        i += 1
    return "".join(out)


def _flags(trigger: Trigger) -> int:
    flags = (hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY
             | hyperscan.HS_FLAG_MULTILINE)
    if trigger.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    if trigger.dotall:
        flags |= hyperscan.HS_FLAG_DOTALL
    return flags


def _compiles(expression: bytes, flags: int) -> bool:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=[expression], ids=[0], flags=[flags])
    except hyperscan.error:
        return False
    return True


_DATABASES: dict[tuple[tuple[bytes, ...], tuple[int, ...], tuple[int, ...]], bytes] = {}
_DATABASES_LOCK = threading.Lock()


def _database(expressions: tuple[bytes, ...], flags: tuple[int, ...],
              ids: tuple[int, ...]) -> hyperscan.Database:
    """A compiled database for these patterns, compiled once per process."""
    key = (expressions, flags, ids)
    with _DATABASES_LOCK:
        blob = _DATABASES.get(key)
        if blob is None:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(expressions=list(expressions), ids=list(ids), flags=list(flags))
            _DATABASES[key] = hyperscan.dumpb(db)
            return db
    db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
    db.scratch = hyperscan.Scratch(db)  # a loaded database comes without scratch space
    return db


class Automaton:
    """Scan many strings at once; report which triggers fired in which string."""

    def __init__(self, triggers: Sequence[Trigger], names: Sequence[str] | None = None) -> None:
        expressions: list[bytes] = []
        flags: list[int] = []
        ids: list[int] = []
        always: list[int] = []
        for i, trigger in enumerate(triggers):
            expression = bytewise(hyperscan_form(trigger.regex)).encode("utf-8")
            flag = _flags(trigger)
            if _compiles(expression, flag):
                expressions.append(expression)
                flags.append(flag)
                ids.append(i)
            else:
                always.append(i)
                name = names[i] if names else trigger.regex
                log.warning("detector pattern %r cannot be prefiltered by Hyperscan; it runs "
                            "on every string (slower)", name)
        self.always: tuple[int, ...] = tuple(always)
        """Triggers that must be treated as firing in every string."""
        self._db = _database(tuple(expressions), tuple(flags), tuple(ids)) if expressions else None
        self._lock = threading.Lock()

    def hits(self, texts: Sequence[str]) -> list[set[int]]:
        """For each text, the trigger ids that fired in it (plus `always`)."""
        out: list[set[int]] = [set(self.always) for _ in texts]
        if self._db is None or not texts:
            return out
        buffer = SEPARATOR.join(texts).encode("utf-8", errors="surrogatepass")
        bounds: list[int] = []
        at = 0
        for text in texts:
            at += len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
            bounds.append(at)
            at += len(SEPARATOR)
        found: list[tuple[int, int]] = []

        def on_match(trigger: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            found.append((end, trigger))

        with self._lock:
            self._db.scan(buffer, match_event_handler=on_match)
        if not found:
            return out
        found.sort()
        site = 0
        for end, trigger in found:
            while site < len(bounds) - 1 and end > bounds[site]:
                site += 1
            out[site].add(trigger)  # a match across a separator opens the gate: a superset
        return out
