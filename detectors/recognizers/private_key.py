"""SECRET: PEM private key blocks, whole, from BEGIN to END.

The span covers the armour lines too, so tokenizing it removes the whole key. A block
cut off before its END line (a truncated tool output) is still taken, from BEGIN to the
end of the base64 body. Public keys and certificates are not secrets and do not match.
The body is base64, header lines and (JSON-escaped) line breaks, never `-----`, so a
BEGIN without its END costs one scan to the next armour line: linear, PCRE-compatible.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer

_LABEL = r"(?:[A-Z0-9]+ )*PRIVATE KEY"
_BODY = r"(?:[A-Za-z0-9+/=:,. \t\r\n]|\\[nrt]|-(?!----))*"
"""Base64, `Proc-Type: 4,ENCRYPTED` headers, line breaks (real or escaped), no armour."""
_GAP = r"(?:\s|\\[nr])*"
_GAP_1 = r"(?:\s|\\[nr])+"


class PrivateKeyRecognizer(ConstantRecognizer):
    """PEM-armoured private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted)."""

    PATTERNS = [
        Pattern("pem private key", rf"-----BEGIN {_LABEL}-----{_BODY}-----END {_LABEL}-----", 1.0),
        Pattern(
            "pem private key (truncated)",
            rf"-----BEGIN {_LABEL}-----{_GAP}[A-Za-z0-9+/=]{{16,}}"
            rf"(?:{_GAP_1}[A-Za-z0-9+/=]{{16,}})*",
            0.9,
        ),
    ]

    ENTITY = "SECRET"
    NAME = "private_key"
    FLAGS = CASE_SENSITIVE
