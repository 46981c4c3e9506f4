"""EMAIL_ADDRESS: addresses as written and as people hide them, validated offline.

Presidio's email regex scans a long run of local-part characters once per start
position (quadratic) and its domain groups can backtrack; the pattern here starts only
where a local part can start (fixed-width lookbehind) and bounds every part, so it is
linear and PCRE-compatible. Addresses written to dodge scrapers are found too:
`name [at] host [dot] com`, `name(at)host.com`, `name {at} host {dot} com`,
`name%40host.com` (URL-encoded), and plain `name at host dot com` when it is clearly an
address (a dotted/dashed/numbered local part, or a mail word just before it).

The domain is checked against the public suffix list bundled with tldextract (no
network, no cache directory); the reserved names of RFC 2606 / RFC 6762 (`.example`,
`.test`, `.internal`, ...) count as domains: gateways and test traffic use them and
they are still addresses. A local part inside `scheme://user:` is a URL password, not
a mailbox (`in_url_userinfo`).
"""

from __future__ import annotations

import re

import tldextract
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmailRecognizer

_OFFLINE = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

RESERVED_TLDS = frozenset(
    {"example", "test", "invalid", "localhost", "local", "internal", "lan", "corp", "home"}
)

_LOCAL_CHAR = r"A-Za-z0-9!#$%&'*+/?^_`{|}~\-"
"""RFC 5322 atext but `=`: in `email=jane@example.com` the key is not part of the address."""
_LOCAL = rf"(?<![{_LOCAL_CHAR}.])[{_LOCAL_CHAR}]+(?:\.[{_LOCAL_CHAR}]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_TLD = r"[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
_DOMAIN = rf"{_LABEL}(?:\.{_LABEL})*\.{_TLD}"

_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_AT_WORD = rf" ?{_OPEN} ?(?:at|@) ?{_CLOSE} ?"
_DOT_WORD = rf"(?: ?{_OPEN} ?(?:dot|\.) ?{_CLOSE} ?|\.)"
_SIMPLE_LOCAL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+"
_PLAIN_AT, _PLAIN_DOT = " at ", " dot "
_PLAIN_DOMAIN = rf"[a-z0-9\-]+(?:{_PLAIN_DOT}[a-z0-9\-]+)*{_PLAIN_DOT}{_TLD}"

_PATTERNS = [
    Pattern("email", rf"{_LOCAL}@{_DOMAIN}", 0.5),
    Pattern(
        "email, bracketed at",
        rf"{_SIMPLE_LOCAL}{_AT_WORD}{_LABEL}(?:{_DOT_WORD}{_LABEL})*{_DOT_WORD}{_TLD}",
        0.7,
    ),
    Pattern("email, url-encoded", rf"{_SIMPLE_LOCAL}%40{_DOMAIN}", 0.7),
    Pattern(
        "email, spelled out",
        r"(?<![a-z0-9._\-])(?=[a-z]{0,32}[._\-0-9])[a-z0-9._\-]+" + _PLAIN_AT + _PLAIN_DOMAIN,
        0.6,
    ),
    Pattern(
        "email, spelled out after a mail word",
        r"\b(?:e-?mail|mail|contact|write to|reach)\b[ :]{1,3}(?:(?:me|us|him|her) )?"
        r"(?:(?:at|to|is) )?\K[a-z0-9][a-z0-9._\-]*" + _PLAIN_AT + _PLAIN_DOMAIN,
        0.6,
    ),
]
"""PCRE-compatible (fixed-width lookarounds, `\\K`); each repeat stops at a delimiter."""

_SPELLED_AT = re.compile(r"\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*| at |%40", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*| dot ", re.IGNORECASE)
_USERINFO_BEFORE = re.compile(r"://[^\s/@]{0,64}:[^\s/]{0,128}\Z")
_URL_REACH = 200


def canonical(address: str) -> str:
    """`name [at] host [dot] com` -> `name@host.com`."""
    return _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", address, count=1))


def domain_ok(address: str) -> bool:
    """The domain (of the canonical address) has a public or reserved suffix."""
    domain = canonical(address).rsplit("@", 1)[-1].lower()
    if domain.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return True
    return _OFFLINE(domain).fqdn != ""


def in_url_userinfo(text: str, start: int) -> bool:
    """`start` lies in the password of a `scheme://user:password@host` authority."""
    return _USERINFO_BEFORE.search(text, max(0, start - _URL_REACH), start) is not None


class OfflineEmailRecognizer(PresidioEmailRecognizer):
    """Email addresses, plain or spelled out; domains checked against the bundled list."""

    PATTERNS = _PATTERNS

    CONTEXT = ["email", "e-mail", "mail", "mailto", "contact"]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS, context=self.CONTEXT, name="email")

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's pattern matching, minus local parts that are URL passwords."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not in_url_userinfo(text, r.start)]

    def validate_result(self, pattern_text: str) -> bool:
        """A mailbox only when the domain has a public (or reserved) suffix."""
        return domain_ok(pattern_text)
