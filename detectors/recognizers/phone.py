"""PHONE_NUMBER: phonenumbers-based, as Presidio's recognizer, scored by how it is written.

Presidio's recognizer runs phonenumbers' matcher over the whole text once per region,
which dominated the cost of the pattern path; here a regex first picks phone-shaped
runs and only those go to phonenumbers. With `leniency=1` (VALID) phonenumbers drops
every number of a reserved fictional range (UK 07700 900xxx, AU 5550, US 555-01xx),
while any run of 7 to 12 digits passes as *possible* in some region. So matching is
lenient (POSSIBLE) and the score comes from the writing: a number written as people
write phone numbers (`+` prefix, parentheses, three or more groups, a trunk `0` and a
separator) scores 0.5 alone; a bare digit run or a two-group number scores 0.1 and
needs a phone word or key. Shapes that belong to other things (SSN 3-2-4, dates,
decimals, versions, 16 grouped digits, text with `#` or `,` inside, a piece of a longer
grouped number) are dropped.
"""

from __future__ import annotations

import re as std_re
from collections.abc import Sequence

import phonenumbers
import regex as re
from presidio_analyzer import AnalysisExplanation, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

FORMATTED_SCORE = 0.5
BARE_SCORE = 0.1

_ALLOWED = re.compile(r"[0-9 ()+.\-/]+")
_NOT_PHONE = re.compile(
    r"[0-9]{3}-[0-9]{2}-[0-9]{4}"  # SSN
    r"|[0-9]{4}[\-/.][0-9]{1,2}[\-/.][0-9]{1,2}"  # ISO date
    r"|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{2,4}"  # US / EU date
    r"|[0-9]+\.[0-9]{1,2}"  # a decimal amount
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3}"  # an IPv4 address
)
_PIECE_BEFORE = re.compile(r"(?:[0-9][ \-.]|[\w:.\-/#]|(?<![\w\-])[A-Z0-9]{4} )\Z")
_PIECE_AFTER = re.compile(r"^(?:[ \-.][0-9]|[\w:\-/]|\.[0-9A-Za-z])")
MIN_DIGITS = 7
MAX_DIGITS = 15
"""E.164 allows at most 15 digits; 16 grouped digits are a card, not a phone."""

_SEEN_MAX = 8192
_CANDIDATE = std_re.compile(r"[+(]?[0-9][0-9 ()./\-]{5,26}[0-9]")
"""Phone-shaped runs; phonenumbers (slow, pure Python) only ever sees these."""
_GROUPS = re.compile(r"[0-9]+")


def _worth_parsing(text: str, start: int, end: int) -> bool:
    """Cheap checks before phonenumbers: enough digits, not a date, not glued to an id."""
    piece = text[start:end]
    if sum(c.isdigit() for c in piece) < MIN_DIGITS or _NOT_PHONE.fullmatch(piece):
        return False
    glued = _PIECE_BEFORE.search(text[max(0, start - 6) : start]) or _PIECE_AFTER.match(
        text[end : end + 2]
    )
    return not (glued and piece.isdigit())


def phone_shape_score(number: str) -> float:
    """0 for not a phone, 0.1 for a bare run, 0.5 for a number written as a phone."""
    if not _ALLOWED.fullmatch(number) or _NOT_PHONE.fullmatch(number):
        return 0.0
    digits = sum(c.isdigit() for c in number)
    if number.count("(") != number.count(")") or not MIN_DIGITS <= digits <= MAX_DIGITS:
        return 0.0
    groups = _GROUPS.findall(number)
    if sum(len(g) == 4 for g in groups) >= 3:
        return 0.0  # 4-4-4-x is how cards and IBANs are printed, not phone numbers
    sizes = [len(g) for g in groups]
    trunk_dotted = number.startswith("0") and min(sizes) >= 2  # 01.23.45.67.89
    if "." in number and not (number.startswith("+") or trunk_dotted or sizes == [3, 3, 4]):
        return 0.0  # dotted like a version (5.6.22.8749), not like 415.555.0101 or 01.23.45.67.89
    if number.startswith(("+", "(")) or len(groups) >= 3:
        return FORMATTED_SCORE
    if len(groups) == 2 and groups[0].startswith("0"):
        return FORMATTED_SCORE
    if number.isdigit() and number[0] == "1" and len(number) != 11:
        return 0.0  # bare and starting with 1: not NANP (area codes start 2-9), an id
    return BARE_SCORE


class ShapedPhoneRecognizer(PhoneRecognizer):
    """Phone numbers of several regions, scored by their written shape."""

    NAME = "phone"

    CONTEXT = [
        "phone", "phones", "telephone", "tel", "cell", "cellphone", "mobile", "call", "fax",
        "sms", "whatsapp", "dial", "reach", "reached",
    ]  # fmt: skip

    def __init__(self, regions: Sequence[str]) -> None:
        super().__init__(
            context=self.CONTEXT,
            supported_regions=tuple(regions),
            leniency=0,
            name=self.NAME,
        )
        self._seen: dict[str, tuple[tuple[int, int], ...]] = {}

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """phonenumbers' matches inside phone-shaped runs, scored by `phone_shape_score`."""
        found: dict[tuple[int, int], float] = {}
        for cand in _CANDIDATE.finditer(text):
            if not _worth_parsing(text, cand.start(), cand.end()):
                continue
            for rel_start, rel_end in self._numbers_in(cand.group()):
                start, end = cand.start() + rel_start, cand.start() + rel_end
                if _PIECE_BEFORE.search(text[max(0, start - 6) : start]) or (
                    _PIECE_AFTER.match(text[end : end + 2])
                ):
                    continue  # a piece of something longer: a card, a UUID, a time stamp
                score = phone_shape_score(text[start:end])
                if score > 0:
                    found[(start, end)] = score
        return [self._result(start, end, score) for (start, end), score in sorted(found.items())]

    def _numbers_in(self, piece: str) -> tuple[tuple[int, int], ...]:
        """Where phonenumbers sees numbers in a phone-shaped run; remembered, runs repeat."""
        hit = self._seen.get(piece)
        if hit is not None:
            return hit
        regions = self.supported_regions
        if piece.isdigit():
            regions = regions[:1]  # a bare run scores BARE_SCORE whatever its region
        elif piece.startswith("+"):
            regions = regions[:1]  # the country code says where it is from
        elif piece.startswith("0") and len(regions) > 1 and regions[0] in ("US", "CA"):
            regions = regions[1:]  # a trunk 0: not a NANP number
        spans: list[tuple[int, int]] = []
        for region in regions:
            lenient = self.leniency or 0
            for match in phonenumbers.PhoneNumberMatcher(piece, region, leniency=lenient):
                if (match.start, match.end) not in spans:
                    spans.append((match.start, match.end))
            if spans:
                break  # one region read it; the others would find the same number
        result = tuple(spans)
        if len(self._seen) >= _SEEN_MAX:
            self._seen.clear()
        self._seen[piece] = result
        return result

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
