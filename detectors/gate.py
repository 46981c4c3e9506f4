"""The cheap pre-filter: which entity types a string could possibly hold.

Most strings of an MCP message are method names, ids, enum values, short labels.
Counting digits and looking for `@` and a few secret markers costs a few C-level
passes; it decides which recognizers run at all, so the regexes of a recognizer run
only on strings that can hold its entity, and strings that can hold nothing are
skipped outright.
"""

from __future__ import annotations

import re

from detectors.nlp import is_prose

_SECRET_MARKERS = re.compile(
    r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[bpars]-|hooks\.slack|[sr]k_(?:live|test)_"
    r"|AIza|glpat-|npm_|sk-|eyJ|-----BEGIN|\b(?:bearer|basic|token|digest|apikey)\s+\w"
    r"|(?:token|key|passw\w*|pwd|passphrase|pin)[\"']?\s*(?:[:=]|is\b|was\b)"
    r"|secret|://[^/\s:@]+:[^/\s@]+@|aws|credential",
    re.IGNORECASE,
)
_INERT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+\-][0-9]{2}:?[0-9]{2})?)?"  # ISO time
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUID
    r"|(?![0-9]{3}\.[0-9]{3}\.[0-9]{4}$)"  # (415.555.0101 is a phone number)
    r"v?[0-9]{1,4}(?:\.[0-9]{1,4}){1,2}(?:[\-+][A-Za-z0-9.]+)?"  # a version, not a quad
    r"|[\-+]?[0-9]{1,12}[.,][0-9]{1,4}|[\-+]?[0-9]{1,6}"  # an amount, a small number
)
"""Whole strings that are nothing but a time stamp, a UUID, a version or a number."""
_IBAN_HEAD = re.compile(r"[A-Z]{2}[0-9]{2}")
_DIGIT_RUN = re.compile(r"[0-9]+")
_SSN_SHAPE = re.compile(r"[0-9]{3}[ .\-][0-9]{2}[ .\-][0-9]{4}")
_DATE_SHAPE = re.compile(
    r"[0-9]{1,4}[\-/.][0-9]{1,2}[\-/.][0-9]{2,4}"
    r"|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+[0-9]"
    r"|[0-9]\s+(?:of\s+)?(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
)
_IP_SHAPE = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]|[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:")

MIN_LENGTH = 4


_NO_DIGITS = str.maketrans("", "", "0123456789")


def digit_count(text: str) -> int:
    """How many ASCII digits `text` holds (one C-level pass)."""
    return len(text) - len(text.translate(_NO_DIGITS))


_DIGIT_IN_REGEX = re.compile(r"\[0-9\]|\\d|\[\\d\]")


def min_digits(regexes: list[str]) -> int:
    """1 when every regex of a detector needs a digit (`[0-9]`, `\\d`), else 0.

    Used to gate declarative detectors: a YAML detector for `EMP-123456` never runs on a
    string without digits. Unknown (plugin) recognizers are never gated.
    """
    return int(bool(regexes) and all(_DIGIT_IN_REGEX.search(r) for r in regexes))


def skippable(text: str) -> bool:
    """Nothing can hide in it: too short, one alphabetic word, a time stamp, a UUID..."""
    if len(text) < MIN_LENGTH or text.isalpha():
        return True
    return len(text) <= 40 and _INERT.fullmatch(text) is not None


def candidate_entities(text: str, digits: int | None = None) -> set[str]:
    """Built-in entity types that `text` could hold, by cheap necessary conditions."""
    if skippable(text):
        return set()
    found: set[str] = set()
    digits = digit_count(text) if digits is None else digits
    if digits >= 4:
        longest = max(map(len, _DIGIT_RUN.findall(text)))
        if longest >= 4:
            found.add("MEDICAL_RECORD_NUMBER")  # MRN-1234 and up
        if longest >= 8:
            found.add("US_BANK_NUMBER")  # account numbers from 8 digits, routing 9
        if _DATE_SHAPE.search(text):
            found.add("DATE_OF_BIRTH")
        if _IP_SHAPE.search(text):
            found.add("IP_ADDRESS")
        if digits >= 7:
            found.add("PHONE_NUMBER")
        if digits >= 9 and (longest >= 9 or _SSN_SHAPE.search(text)):
            found.add("US_SSN")
        if longest >= 10:
            found.add("US_NPI")
        if digits >= 12:
            found.add("CREDIT_CARD")
    if digits >= 2 and _IBAN_HEAD.search(text):
        found.add("IBAN_CODE")
    if "@" in text:
        found.add("EMAIL_ADDRESS")
    if is_prose(text):
        found.add("PERSON")
    if _SECRET_MARKERS.search(text):
        found.add("SECRET")
    if digits < 4 and ":" in text and _IP_SHAPE.search(text):
        found.add("IP_ADDRESS")
    return found
