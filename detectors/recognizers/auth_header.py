"""SECRET: the credential in an HTTP Authorization header (Bearer, Basic, Token).

Only the credential is the span, not the scheme word, so the governed text still reads
`Authorization: Bearer <token>`. The credential must hold a digit or be long, which
keeps prose ("the bearer of this letter") out.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import ConstantRecognizer


class AuthHeaderRecognizer(ConstantRecognizer):
    """Credentials after an Authorization scheme word."""

    PATTERNS = [
        Pattern(
            "authorization credential",
            r"(?<=\b(?:bearer|basic|token|digest|apikey)\s{1,3})"
            r"(?=[A-Za-z0-9._~+/\-]{0,200}[0-9]|[A-Za-z0-9._~+/\-]{20})"
            r"[A-Za-z0-9._~+/\-]{8,}=*",
            0.85,
        )
    ]

    CONTEXT = ["authorization", "auth", "header", "headers"]

    ENTITY = "SECRET"
    NAME = "auth_header"
