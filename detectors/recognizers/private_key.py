"""SECRET: PEM private key blocks, whole, from BEGIN to END.

The span covers the armour lines too, so tokenizing it removes the whole key. A block
cut off before its END line (a truncated tool output) is still taken, from BEGIN to the
end of the base64 body. Public keys and certificates are not secrets and do not match.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer

_LABEL = r"(?:[A-Z0-9]+ )*PRIVATE KEY"


class PrivateKeyRecognizer(ConstantRecognizer):
    """PEM-armoured private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted)."""

    PATTERNS = [
        Pattern("pem private key", rf"-----BEGIN {_LABEL}-----.*?-----END {_LABEL}-----", 1.0),
        Pattern(
            "pem private key (truncated)",
            rf"-----BEGIN {_LABEL}-----(?:\s|\\[nr])*(?:[A-Za-z0-9+/=]{{16,}}(?:\s|\\[nr])*)+",
            0.9,
        ),
    ]

    ENTITY = "SECRET"
    NAME = "private_key"
    FLAGS = CASE_SENSITIVE
