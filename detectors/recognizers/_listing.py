"""Related-entity evidence for record listings: a value alone on its line near a name.

An agent dumping records writes one value per line: a name, then the birth date, the
SSN, the MRN. Alone, a bare date or nine digits mean little; alone on a line within a
few lines of a person's name, they are that person's. Used by recognizers through
Presidio's `enhance_using_context` hook, which sees the other recognizers' results.
"""

from __future__ import annotations

import bisect
import re

from presidio_analyzer import RecognizerResult

LISTING_SCORE = 0.45
PERSON_FLOOR = 0.5
MAX_LINES = 3

_BOOSTED = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


def alone_on_line(text: str, start: int, end: int) -> bool:
    """Nothing but spaces (or a trailing comma) shares the line with text[start:end]."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and text[end:line_end].strip() in ("", ",", ";")


def _line_of(newlines: list[int], offset: int) -> int:
    return bisect.bisect_left(newlines, offset)


def boost_listed(
    text: str, mine: list[RecognizerResult], others: list[RecognizerResult]
) -> list[RecognizerResult]:
    """Raise results alone on a line within `MAX_LINES` lines of a name to `LISTING_SCORE`."""
    todo = [r for r in mine if r.score < LISTING_SCORE]
    names = [o for o in others if o.entity_type == "PERSON" and o.score >= PERSON_FLOOR]
    if not todo or not names or "\n" not in text:
        return mine
    newlines = [m.start() for m in re.finditer("\n", text)]
    name_lines = {_line_of(newlines, o.start) for o in names}
    for result in todo:
        if not alone_on_line(text, result.start, result.end):
            continue
        line = _line_of(newlines, result.start)
        if any(line + d in name_lines or line - d in name_lines for d in range(1, MAX_LINES + 1)):
            result.score = LISTING_SCORE
            result.recognition_metadata[_BOOSTED] = True
    return mine
