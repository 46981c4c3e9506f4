"""Fold look-alike characters so one set of patterns sees every written form.

Evasions and foreign text write a card number with full-width or Arabic-Indic digits,
no-break or thin spaces, en dashes, or zero-width characters between the digits.
`normalize` maps each such character to its plain ASCII form (one character to one
character) and drops invisible format characters; `Folded.original` maps a span of the
folded text back to the caller's string, so findings point at what was written.

Linear: one `str.translate` (C speed) with a lazily filled table; the index map is
built only when a character was dropped.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043"
_DROP_CATEGORIES = frozenset({"Cf"})
"""Format characters (zero-width space and joiners, word joiner, BOM, soft hyphen)."""


class _FoldTable(dict[int, int | None]):
    """`str.translate` table computed on first sight of each code point."""

    def __missing__(self, cp: int) -> int | None:
        ch = chr(cp)
        out: int | None = cp
        category = unicodedata.category(ch)
        if category == "Nd":
            out = 48 + unicodedata.digit(ch)
        elif category in _DROP_CATEGORIES:
            out = None
        elif category == "Zs" or ch in "\u2028\u2029":
            out = 32
        elif ch in _DASHES:
            out = 45
        else:
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1 and folded.isascii() and folded.isprintable():
                out = ord(folded)
        self[cp] = out
        return out


_TABLE = _FoldTable()


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and, when characters were dropped, where each one came from."""

    text: str
    source_length: int
    index: tuple[int, ...] | None = None
    """index[i] = position in the source of folded character i (None: the same)."""

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The source span of folded span [start, end)."""
        if self.index is None:
            return start, end
        if start >= len(self.index):
            return self.source_length, self.source_length
        src_start = self.index[start]
        src_end = self.index[end - 1] + 1 if end > start else src_start
        return src_start, src_end

    def folded_offset(self, source_offset: int) -> int:
        """The folded position of a source position (the next kept character)."""
        if self.index is None:
            return source_offset
        return bisect_right(self.index, source_offset - 1)


def normalize(text: str) -> Folded:
    """`text` with Unicode digits, spaces and dashes folded and invisibles dropped."""
    if text.isascii():
        return Folded(text, len(text))
    folded = text.translate(_TABLE)
    if len(folded) == len(text):
        return Folded(folded, len(text))
    index = tuple(i for i, ch in enumerate(text) if _TABLE[ord(ch)] is not None)
    return Folded(folded, len(text), index)
