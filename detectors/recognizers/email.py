"""EMAIL_ADDRESS: Presidio's email recognizer, validated offline.

Presidio validates the domain with `tldextract.extract`, whose default extractor may
fetch the public suffix list over the network on first use. Here the extractor is
built from the snapshot bundled with tldextract (no URLs, no cache directory), and the
reserved names of RFC 2606 / RFC 6762 (`.example`, `.test`, `.internal`, ...) count
as domains: gateways and test traffic use them and they are still addresses. A local
part glued to `scheme://user:` is a URL password, not a mailbox.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmailRecognizer

_OFFLINE = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

RESERVED_TLDS = frozenset(
    {"example", "test", "invalid", "localhost", "local", "internal", "lan", "corp", "home"}
)


class OfflineEmailRecognizer(PresidioEmailRecognizer):
    """Email addresses; domains checked against the bundled public suffix list."""

    PATTERNS = [
        Pattern(
            p.name,
            r"(?<!://[^\s/@]{0,64}:)" + p.regex,
            p.score,
        )
        for p in PresidioEmailRecognizer.PATTERNS
    ]

    CONTEXT = ["email", "e-mail", "mail", "mailto", "contact"]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS, context=self.CONTEXT, name="email")

    def validate_result(self, pattern_text: str) -> bool:
        """A mailbox only when the domain has a public (or reserved) suffix."""
        domain = pattern_text.rsplit("@", 1)[-1].lower()
        if domain.rsplit(".", 1)[-1] in RESERVED_TLDS:
            return True
        return _OFFLINE(domain).fqdn != ""
