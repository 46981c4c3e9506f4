r"""SECRET: the credential in an HTTP Authorization header (Bearer, Basic, Token).

Only the credential is the span, not the scheme word, so the governed text still reads
`Authorization: Bearer <token>`. The credential must hold a digit or be long, which
keeps prose ("the bearer of this letter") out, and must not be an SSN-shaped 3-2-4 run
of digits ("token 001-01-0001" is a number next to a word, not a credential). The HTTP
Digest scheme is not a cue: its credentials are `key="value"` pairs (the password never
travels), and "digest" before a SHA-256 in a log line names a hash. The cue
is consumed and dropped with `\K`, not a variable-length lookbehind, so the pattern is
valid PCRE.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import ConstantRecognizer


class AuthHeaderRecognizer(ConstantRecognizer):
    """Credentials after an Authorization scheme word."""

    PATTERNS = [
        Pattern(
            "authorization credential",
            r"\b(?:bearer|basic|token|apikey)\s{1,3}\K"
            r"(?![0-9]{3}-[0-9]{2}-[0-9]{4}(?![A-Za-z0-9._~+/=\-]))"
            r"(?=[A-Za-z0-9._~+/\-]{0,200}[0-9]|[A-Za-z0-9._~+/\-]{20})"
            r"[A-Za-z0-9._~+/\-]{8,}=*",
            0.85,
        )
    ]

    CONTEXT = ["authorization", "auth", "header", "headers"]

    ENTITY = "SECRET"
    NAME = "auth_header"
