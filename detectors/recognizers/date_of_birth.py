"""DATE_OF_BIRTH: a calendar date, but only where the text says it is a birth date.

Messages are full of dates (timestamps, due dates, visit dates); only birth dates are
personal data worth tokenizing. Every pattern here is weak (0.05) and reaches the
threshold only with a context word ("DOB", "date of birth", "born") or a key hint
(`dob`, `birth_date`), or by standing alone on a line of a record listing next to a
person's name. Timestamps are excluded by shape: a date glued to a time
(`2026-11-22T06:30`) or to more digits is not matched at all.
"""

from __future__ import annotations

import datetime as dt

import regex as re
from presidio_analyzer import Pattern, RecognizerResult

from detectors.recognizers._base import ConstantRecognizer
from detectors.recognizers._listing import boost_listed

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_START = r"(?<![\w\-/.:])"
_END = r"(?![\w:]|[\-/.][0-9])"

_MONTH_NUMBER = {
    name: i + 1
    for i, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_NUMERIC = re.compile(r"([0-9]{1,4})[\-/. ]([0-9]{1,2})[\-/. ]([0-9]{1,4})")
_WORDS = re.compile(
    r"([0-9]{1,2})?(?:st|nd|rd|th)?\W*(?:of\W+)?([a-z]+)\.?\W*([0-9]{1,2})?(?:st|nd|rd|th)?\W+([0-9]{4})",
    re.IGNORECASE,
)


def parse_date(text: str) -> dt.date | None:
    """The date `text` spells (ISO, US, European or with a month name), else None."""
    candidates: list[tuple[int, int, int]] = []
    m = _NUMERIC.fullmatch(text.strip())
    if m:
        a, b, c = (int(g) for g in m.groups())
        if len(m.group(1)) == 4:
            candidates.append((a, b, c))
        else:
            year = c if len(m.group(3)) == 4 else (1900 + c if c > 30 else 2000 + c)
            candidates += [(year, a, b), (year, b, a)]
    else:
        w = _WORDS.fullmatch(text.strip())
        if w and w.group(2)[:3].lower() in _MONTH_NUMBER:
            day = w.group(1) or w.group(3)
            month = _MONTH_NUMBER[w.group(2)[:3].lower()]
            if day:
                candidates.append((int(w.group(4)), month, int(day)))
    for year, month, day in candidates:
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def plausible_birth_date(text: str) -> bool:
    """A real date between 1900 and today."""
    date = parse_date(text)
    return date is not None and 1900 <= date.year and date <= dt.date.today()


class DateOfBirthRecognizer(ConstantRecognizer):
    """Birth dates: any common date format, in birth-date context."""

    PATTERNS = [
        Pattern("dob iso", _START + r"(?:19|20)[0-9]{2}-[01]?[0-9]-[0-3]?[0-9]" + _END, 0.05),
        Pattern(
            "dob numeric",
            _START + r"[0-3]?[0-9](?P<s>[/.\-])[0-3]?[0-9](?P=s)(?:19|20)?[0-9]{2}" + _END,
            0.05,
        ),
        Pattern(
            "dob month name",
            _START
            + rf"(?:{_MONTHS}\.?\s+[0-3]?[0-9](?:st|nd|rd|th)?,?\s+(?:19|20)[0-9]{{2}}"
            + rf"|[0-3]?[0-9](?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+(?:19|20)[0-9]{{2}})"
            + r"(?![\w:])",
            0.05,
        ),
    ]

    CONTEXT = ["dob", "birth", "born", "birthday", "birthdate", "bday", "d.o.b"]

    ENTITY = "DATE_OF_BIRTH"
    NAME = "date_of_birth"

    def invalidate_result(self, pattern_text: str) -> bool:
        """Not a birth date unless it is a real day between 1900 and today."""
        return not plausible_birth_date(pattern_text)

    def related(self, text: str, results: list[RecognizerResult],
                others: list[RecognizerResult]) -> list[RecognizerResult]:
        """Presidio's related-entity hook: a birth date alone on a line near a name is theirs."""
        return boost_listed(text, results, others)
