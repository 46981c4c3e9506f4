"""IP_ADDRESS: Presidio's IPv4/IPv6 patterns, minus version numbers.

`10.4.2.1` is a valid IPv4 address and a common version string. A dotted quad right
after a version word ("v", "version", "release", "build", "firmware") is not taken,
and the key-hint table suppresses IPs under keys such as `version`. The IPv6
"unspecified" pattern (`::`) is dropped: it identifies nobody.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import IpRecognizer

_NOT_AFTER_VERSION = (
    r"(?<!(?:\bv|\bver|version|release|build|firmware|\bfw|\bsdk|\brev|\bversion\s+v)[\s:=]{0,3})"
)


class VersionAwareIpRecognizer(IpRecognizer):
    """IPv4 and IPv6 addresses, except version strings."""

    PATTERNS = [
        Pattern(p.name, _NOT_AFTER_VERSION + p.regex, p.score)
        for p in IpRecognizer.PATTERNS
        if p.name != "IPv6_unspecified"
    ]

    CONTEXT = ["ip", "ipv4", "ipv6", "address", "addr", "host", "client", "remote", "src", "dst"]

    def __init__(self) -> None:
        super().__init__(patterns=self.PATTERNS, context=self.CONTEXT, name="ip_address")
