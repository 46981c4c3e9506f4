"""Keys inside a string: serialized JSON, `Key: value` text, CSV and markdown tables.

A text block often carries a serialized object (`{"ssn": "078-05-1120", ...}`), a
report (`Patient: Maria Garcia   DOB: 1980-05-17`) or a table whose header names each
column (`provider,provider_npi`). Patterns scan the whole string anyway; this module
finds each embedded value's span and the key that names it, so the key-hint table
(whole-value detection, score boosts) applies inside text as it does to the message's
own keys. Offsets are into the outer string: values are taken raw (JSON escapes
included), never unescaped, so spans need no mapping.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Unit:
    """A value inside a site's text, with the key that names it."""

    start: int
    end: int
    key: str | None
    quoted: bool = False
    """True for a JSON string value (prose inside it may go to NER on its own)."""


_JSON_PAIR = re.compile(
    r'"((?:[^"\\\n]|\\.){1,64})"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?[0-9][0-9.eE+\-]*))'
)
_ESCAPED_PAIR = re.compile(
    r'\\"((?:[^"\\\n]){1,64})\\"\s*:\s*(?:\\"((?:[^"\\]|\\[^"])*)\\"|(-?[0-9][0-9.eE+\-]*))'
)
"""A pair of JSON serialized inside a JSON string (double-encoded payloads)."""
_KV_HEAD = re.compile(
    r"(?:^|(?<=;)|(?<!\s)\s{2,}+|(?<!\s)\t)[ \t>*•\-]*+(?:\*\*)?"
    r"([A-Za-z][A-Za-z0-9_./#\-]{0,30}(?: [A-Za-z0-9_./#\-]{1,30}){0,3})(?:\*\*)?[ \t]*+[:=]"
    r"[ \t]*+(?:\*\*)?[ \t]*+(?=[^\s*])",
    re.MULTILINE,
)
"""A `Key:` (or `Key =`) at a line start, after two spaces, a tab or `;`, up to its value.

A separator is read from the start of its whitespace run and every run possessively, so
a megabyte of spaces is one failed attempt, not one per space."""
_VALUE_END = re.compile(r"[^\s*](?=\*\*|[ \t]{2,}|\t|\n|;|$)")
"""Where a value may end: a visible character before `**`, two spaces, a tab, `;` or
the end of the line."""
_HEADER_CELL = re.compile(r"[A-Za-z][A-Za-z0-9 _.#/()\-]{0,40}")
_MD_RULE = re.compile(r"\s*+\|?(?:\s*+:?-{3,}+:?\s*+\|)++\s*+:?-*+:?\s*+\|?\s*+")
"""A markdown rule row (`|---|:--:|`); possessive, so a row of spaces fails in one pass."""

MAX_UNITS = 2000
"""Keep pathological inputs bounded: beyond this many pairs, patterns alone decide."""


_JSON_START = re.compile(r"\s*[\[{]")


def looks_like_json(text: str) -> bool:
    """A string that holds a serialized object or array."""
    return _JSON_START.match(text) is not None and ('":' in text or '" :' in text)


def _json_units(text: str) -> list[Unit]:
    units: list[Unit] = []
    pairs = [_JSON_PAIR, _ESCAPED_PAIR] if '\\"' in text else [_JSON_PAIR]
    for m in (m for pattern in pairs for m in pattern.finditer(text)):
        if m.group(2) is not None:
            units.append(Unit(m.start(2), m.end(2), m.group(1), quoted=True))
        else:
            units.append(Unit(m.start(3), m.end(3), m.group(1)))
        if len(units) >= MAX_UNITS:
            break
    return units


def _kv_units(text: str) -> list[Unit]:
    """`Key: value` pairs; a value is the shortest run ending where `_VALUE_END` allows.

    Value ends and line ends are listed once and bisected, so a line of many keys whose
    values never end costs a pass, not a scan to the end of the line per key.
    """
    units: list[Unit] = []
    ends: list[int] | None = None
    newlines: list[int] = []
    pos = 0
    while len(units) < MAX_UNITS:
        m = _KV_HEAD.search(text, pos)
        if m is None:
            break
        if ends is None:
            ends = [v.end() for v in _VALUE_END.finditer(text)]
            newlines = [n.start() for n in _NEWLINE.finditer(text)]
        start = m.end()
        i = bisect.bisect_left(newlines, start)
        line_end = newlines[i] if i < len(newlines) else len(text)
        j = bisect.bisect_left(ends, start + 2)
        if j < len(ends) and ends[j] <= line_end:
            end = ends[j]
        elif (k := bisect.bisect_left(ends, start + 1)) < len(ends) and ends[k] == start + 1:
            end = start + 1
        else:
            pos = m.start() + 1
            continue
        units.append(Unit(start, end, m.group(1).strip()))
        pos = end
    return units


_NEWLINE = re.compile(r"\n")


def _cells(text: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    """Trimmed (start, end) of each cell of the line text[start:end]."""
    line = text[start:end]
    if sep == "|":
        inner = line.strip()
        if not (inner.startswith("|") and inner.endswith("|")):
            return []
        lead = line.index("|") + 1
        line, start = line[lead : line.rindex("|")], start + lead
    out: list[tuple[int, int]] = []
    pos = 0
    for part in line.split(sep):
        s = start + pos + (len(part) - len(part.lstrip()))
        e = start + pos + len(part.rstrip())
        out.append((s, max(s, e)))
        pos += len(part) + 1
    return out


def _table_units(text: str, blocks: list[tuple[int, int]]) -> list[Unit]:
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    units: list[Unit] = []
    i = 0
    while i < len(lines) - 1:
        s, e = lines[i]
        head = text[s:e]
        sep = "|" if head.lstrip().startswith("|") else "\t" if "\t" in head else ","
        header = _cells(text, s, e, sep)
        names = [text[a:b] for a, b in header]
        if len(header) < 2 or not all(_HEADER_CELL.fullmatch(n) for n in names):
            i += 1
            continue
        j = i + 1
        rows: list[list[tuple[int, int]]] = []
        room = (MAX_UNITS - len(units)) // len(header)  # rows past the bound: patterns only
        while j < len(lines) and len(rows) < room:
            row_text = text[lines[j][0] : lines[j][1]]
            if sep == "|" and _MD_RULE.fullmatch(row_text):
                j += 1
                continue
            cells = _cells(text, *lines[j], sep)
            if len(cells) != len(header):
                break
            rows.append(cells)
            j += 1
        for cells in rows:
            pairs = zip(cells, names, strict=True)
            units.extend(Unit(a, b, name) for (a, b), name in pairs if b > a)
        if rows:
            blocks.append((s, lines[j - 1][1]))
        i = j if rows else i + 1
        if len(units) >= MAX_UNITS or (rows and len(rows) >= room):
            break  # bounded: the rest of the text, tables included, is left to patterns
    return units


@dataclass(frozen=True, slots=True)
class Embedded:
    """What a text holds: keyed values, and the ranges of its tables (header to last row)."""

    units: list[Unit]
    tables: list[tuple[int, int]]


def embedded_units(text: str) -> Embedded:
    """Values with their keys found inside `text`, and where its tables are."""
    if '":' in text or '" :' in text:
        units = _json_units(text)
        if units:
            return Embedded(units, [])
    units = []
    tables: list[tuple[int, int]] = []
    if ":" in text or "=" in text:
        units = _kv_units(text)
    if "\n" in text and ("," in text or "|" in text or "\t" in text):
        units += _table_units(text, tables)
    return Embedded(units, tables)


def parent_key(text: str, start: int, window: int = 400) -> str | None:
    """The key of the JSON object that encloses offset `start` of a serialized text.

    Scans back at most `window` characters for the unmatched `{` and reads the
    `"key":` before it; None at the top level or when the window is not enough.
    """
    depth = 0
    lo = max(0, start - window)
    for i in range(start - 1, lo - 1, -1):
        ch = text[i]
        if ch == "}":
            depth += 1
        elif ch == "{":
            if depth == 0:
                m = _KEY_BEFORE.search(text, max(0, i - 80), i)
                return m.group(1) if m else None
            depth -= 1
    return None


_KEY_BEFORE = re.compile(r'\\?"((?:[^"\\\n]){1,64})\\?"\s*:\s*$')
