"""PHONE_NUMBER: phone-shaped runs, read by phonenumbers, scored by how they are written.

Presidio's recognizer runs phonenumbers' matcher over the whole text once per region,
which dominated the cost of the pattern path; here one linear regex (`CANDIDATE`,
PCRE-compatible) picks phone-shaped runs, extension included (`x769`, `ext. 12`, `#12`),
and only those go to phonenumbers, once per distinct run (cached).

The score comes from the writing, not from the region: a number written as people
write phone numbers (`+` prefix, parentheses, three or more groups, a trunk `0` and a
separator, an extension) scores 0.5 alone; a bare digit run, a two-group number or a
dotted `9487.5749` scores 0.1 and needs a phone word or key. Shapes that belong to
other things (SSN 3-2-4, dates, decimals, versions, IPv4, 16 grouped digits, amounts
next to a currency, a piece of a longer grouped number) score 0 and are never parsed.

phonenumbers then only has to say that some region reads the run as a *possible*
number (POSSIBLE leniency: reserved fictional ranges such as UK 07700 900xxx, AU 5550
or US 555-01xx are still numbers people write). Numbers with `+`/`00` carry their
country; national forms are tried against the hinted regions, then the configured
ones, first reader wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import phonenumbers
from presidio_analyzer import AnalysisExplanation, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

FORMATTED_SCORE = 0.5
BARE_SCORE = 0.1
MIN_DIGITS = 7
MAX_DIGITS = 15
"""E.164 allows at most 15 digits; 16 grouped digits are a card, not a phone."""

_EXT = r"(?:[ ]{0,2}(?:[xX]|[eE][xX][tT](?:[nN]|ension)?\.?|#)[ ]{0,2}[0-9]{1,6})"
CANDIDATE = r"(?:\(\+|\+ ?\(|[+(])?[0-9][0-9 ()./\-]{4,30}[0-9]" + _EXT + "?"
"""Phone-shaped runs, with an optional extension; PCRE-compatible, no nested quantifier.
`+(370) 61234567` (the country code in parentheses, as the Baltic states write it) starts
at its `+`."""

_CANDIDATE = re.compile(CANDIDATE)
_EXT_AT_END = re.compile(_EXT + r"\Z")
_ALLOWED = re.compile(r"[0-9 ()+.\-/]+")
_NOT_PHONE = re.compile(
    r"[0-9]{3}([ \-.])[0-9]{2}\1[0-9]{4}"  # SSN
    r"|[0-9]{4}[\-/.][0-9]{1,2}[\-/.][0-9]{1,2}|(?:19|20)[0-9]{2} [0-9]{1,2} [0-9]{1,2}"  # ISO date
    r"|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{2,4}"  # US / EU date
    r"|[0-9]+\.[0-9]{1,2}"  # a decimal amount
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}"  # an IPv4 address
)
_PIECE_BEFORE = re.compile(r"(?:[0-9][ \-.]|[\w:.\-/#]|(?<![\w\-])[A-Z0-9]{4} )\Z")
_PIECE_AFTER = re.compile(r"(?:[ \-.][0-9]|[\w:\-/]|\.[0-9A-Za-z]|,[0-9]{1,2}(?![0-9]))")
_CURRENCY = r"(?:[$€£¥₹]|EUR|USD|GBP|PLN|CHF|SEK|NOK|DKK|CZK|HUF|JPY|INR|BRL|MXN|zł|kr|Kč|Ft)"
_MONEY_BEFORE = re.compile(_CURRENCY + r"[ ]?\Z")
_MONEY_AFTER = re.compile(r"[ ]?" + _CURRENCY + r"(?![A-Za-z])")
_GROUPS = re.compile(r"[0-9]+")
_INTL_WRITTEN = re.compile(r"\+[0-9]{1,3} ?\([0-9]{1,4}\) ?[0-9]")
_MATCHER_LENIENCY = phonenumbers.Leniency.POSSIBLE


def phone_shape_score(number: str, extension: bool = False) -> float:
    """0 for not a phone, 0.1 for a bare run, 0.5 for a number written as a phone."""
    if not _ALLOWED.fullmatch(number) or _NOT_PHONE.fullmatch(number):
        return 0.0
    digits = sum(c.isdigit() for c in number)
    if number.count("(") != number.count(")") or not MIN_DIGITS <= digits <= MAX_DIGITS:
        return 0.0
    groups = _GROUPS.findall(number)
    sizes = [len(g) for g in groups]
    if sizes.count(4) >= 3 and not number.startswith("+"):
        return 0.0  # 4-4-4-x is how cards and IBANs are printed, not phone numbers
    if len(sizes) > 2 and sizes[-1] == 1:
        return 0.0  # 978-1-60468-741-5: an ISBN's check digit, not a subscriber number
    international = number.startswith(("+", "(+"))
    national = number.lstrip("(")
    if "." in number and not international:
        if len(sizes) == 2:
            return BARE_SCORE  # 064.7764541 is a decimal, 9487.5749 an AU number: context
        trunk = national.startswith("0") and min(sizes) >= 2  # 01.23.45.67.89, (03).6018.1590
        if not (trunk or sizes == [3, 3, 4]):
            # 9487.5749 is an AU number or an amount; 5.6.22.8749 a version
            return BARE_SCORE if min(sizes) >= 2 else 0.0
    if international or number.startswith("(") or len(groups) >= 3 or extension:
        return FORMATTED_SCORE
    if len(groups) == 2 and groups[0].startswith("0"):
        return FORMATTED_SCORE
    if number.isdigit() and number[0] == "1" and len(number) in (10, 12, 13, 14, 15):
        return 0.0  # bare, starting with 1, not NANP 1+10: an NPI, a time stamp, an id
    return BARE_SCORE


@lru_cache(maxsize=16384)
def readable(number: str, regions: tuple[str, ...]) -> bool:
    """Whether phonenumbers reads `number` as a possible number (of the first region that can).

    `+CC(area)rest` is how people write a phone number even when phonenumbers' metadata
    does not know the country code or the length; it is taken as written.
    """
    if number.startswith(("+", "(+")):
        possible = _possible(number, None)
        return (possible is not False or _INTL_WRITTEN.match(number) is not None
                or _grouped_short(number))
    return any(_possible(number, region) for region in regions)


_SHORT = (phonenumbers.ValidationResult.TOO_SHORT, phonenumbers.ValidationResult.INVALID_LENGTH)


def _grouped_short(number: str) -> bool:
    """`+54 9 3648 5260`: an assigned country code, then two or more groups, a few digits
    short of what the metadata expects for that country. Metadata lags real numbering
    plans (mobile prefixes, new ranges) and people write such numbers; the grouping after
    an assigned `+CC` is the evidence. Too long stays out: that is two things glued."""
    if len(_GROUPS.findall(number)) < 3:
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    national = len(phonenumbers.national_significant_number(parsed))
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return reason in _SHORT and national >= MIN_DIGITS


def _possible(number: str, region: str | None) -> bool | None:
    """True/False by phonenumbers; None for a `+` number whose country code is unassigned."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return None  # +80(6)3608377835: written as a phone, country unknown to the metadata
        return False


def _glued(text: str, start: int, end: int, international: bool) -> bool:
    """The run is a piece of something longer: an id, a card, a UUID, a time, an amount."""
    before = text[max(0, start - 6) : start]
    if international and before.endswith(":"):
        before = before[:-1]  # tel:+14155550101
    if _PIECE_BEFORE.search(before) or _PIECE_AFTER.match(text, end):
        return True
    return bool(_MONEY_BEFORE.search(before) or _MONEY_AFTER.match(text, end))


def phone_spans(text: str, regions: Sequence[str]) -> list[tuple[int, int, float]]:
    """(start, end, score) of every phone number in `text`; national forms tried in `regions`."""
    order = tuple(dict.fromkeys(r.upper() for r in regions))
    found: list[tuple[int, int, float]] = []
    for cand in _CANDIDATE.finditer(text):
        start, end = cand.span()
        ext = _EXT_AT_END.search(cand.group())
        main_end = start + ext.start() if ext else end
        if text[start] == "(" and text.count(")", start, main_end) < text.count(
            "(", start, main_end
        ):
            start += 1  # "(call 415-555-0101)": the bracket belongs to the sentence
        main = text[start:main_end]
        if _glued(text, start, end, main.startswith(("+", "(+"))):
            continue
        score = phone_shape_score(main, extension=ext is not None)
        if score > 0 and readable(main, order):
            found.append((start, end, score))
        elif score == 0 and sum(c.isdigit() for c in main) > MAX_DIGITS:
            found.extend(_split(start, main, order))
    return found


def _split(start: int, run: str, regions: tuple[str, ...]) -> list[tuple[int, int, float]]:
    """Numbers inside a run too long for one (`415-555-0101 / 415-555-0102`)."""
    if not regions or sum(len(g) == 4 for g in _GROUPS.findall(run)) >= 3:
        return []  # cards, IBANs, tracking numbers are grouped by four
    out: list[tuple[int, int, float]] = []
    for match in phonenumbers.PhoneNumberMatcher(run, regions[0], leniency=_MATCHER_LENIENCY):
        score = phone_shape_score(match.raw_string)
        if score > 0:
            out.append((start + match.start, start + match.end, score))
    return out


class ShapedPhoneRecognizer(PhoneRecognizer):
    """Phone numbers of every region phonenumbers knows, scored by their written shape."""

    NAME = "phone"

    PATTERNS = [Pattern("phone candidate", CANDIDATE, BARE_SCORE)]
    TRIGGERS = (CANDIDATE,)
    """What the multi-pattern scan looks for; `phone_spans` confirms and scores."""

    CONTEXT = [
        "phone", "phones", "telephone", "tel", "cell", "cellphone", "mobile", "call", "fax",
        "sms", "whatsapp", "dial", "reach", "reached", "telefon", "téléphone", "teléfono",
        "telefone", "telefono", "tlf", "puh",
    ]  # fmt: skip

    def __init__(self, regions: Sequence[str]) -> None:
        super().__init__(
            context=self.CONTEXT,
            supported_regions=tuple(regions),
            leniency=0,
            name=self.NAME,
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regions: Sequence[str] | None = None,
    ) -> list[RecognizerResult]:
        """Phone numbers in `text`; `regions` (e.g. from the event) are tried first."""
        order = (*(regions or ()), *self.supported_regions)
        return [self._result(s, e, score) for s, e, score in phone_spans(text, order)]

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type="PHONE_NUMBER",
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.NAME,
                original_score=score,
                textual_explanation="phone number (phonenumbers), scored by its written shape",
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.NAME,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
