"""SECRET: JSON Web Tokens, checked by decoding the header.

Three base64url parts separated by dots, the first (and in practice the second)
starting `eyJ` (base64 of `{"`). A match counts only if the header decodes to a JSON
object with an `alg` member, which dotted identifiers and base64 blobs never do. The
signature may be empty (`alg: none` tokens are still bearer credentials).
"""

from __future__ import annotations

import base64
import binascii
import json

from presidio_analyzer import Pattern

from detectors.recognizers._base import CASE_SENSITIVE, ConstantRecognizer


def jwt_header(token: str) -> dict[str, object] | None:
    """The decoded JOSE header of `token`, or None if it is not one."""
    head = token.split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        header = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return header if isinstance(header, dict) else None


class JwtRecognizer(ConstantRecognizer):
    """JSON Web Tokens (JWS compact serialization)."""

    PATTERNS = [
        Pattern(
            "jwt",
            r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*"
            r"(?![A-Za-z0-9_\-])",
            0.5,
        )
    ]

    CONTEXT = ["jwt", "token", "bearer", "authorization", "id_token", "access_token"]

    ENTITY = "SECRET"
    NAME = "jwt"
    FLAGS = CASE_SENSITIVE

    def validate_result(self, pattern_text: str) -> bool:
        """A JWT only when the header is a JSON object naming its algorithm."""
        header = jwt_header(pattern_text)
        return header is not None and "alg" in header
