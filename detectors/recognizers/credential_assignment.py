r"""SECRET: a value assigned to a credential-named field inside text.

Tool output and config snippets carry `password=hunter2`, `"api_key": "..."`,
`client_secret: ...`; connection strings carry `scheme://user:password@host` and
ADO/ODBC/JDBC `Server=...;Password=...;`. The name before the value is the evidence;
the span is the value only (the name is consumed and dropped with `\K`, so every
pattern is PCRE-compatible: no variable-length lookbehind). In a sentence ("my
password is ...") the value must look like one (a digit, a symbol, mixed case, or a
dashed passphrase), so "the password is incorrect" stays prose. Masked values
(`****`, `<redacted>`, `${ENV}`) are not secrets and are skipped, and neither is a value
that is exactly an SSN-shaped `001-01-0001` (that is a number, for the SSN recognizer).

A URL password may hold any character but `/`, quotes and spaces, `@` included: it
runs to the last `@` before the host (`postgres://u:p@ss!w#d@db/x` -> `p@ss!w#d`).
The e-mail recognizer leaves such a password alone (`email.in_url_userinfo`).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers._base import ConstantRecognizer

_NAMES = (
    r"(?:password|passwd|pwd|passphrase|secret|client[_\-]?secret|api[_\-]?key|apikey"
    r"|access[_\-]?token|refresh[_\-]?token|auth[_\-]?token|id[_\-]?token|session[_\-]?token"
    r"|secret[_\-]?key|private[_\-]?key|access[_\-]?key|aws_secret_access_key|token)"
)
_NOT_MASKED = r"(?![*xX•]{3,}|<|\$\{|\{\{|null\b|none\b|redacted\b|\[redacted)"
_NOT_SSN = r"(?![0-9]{3}-[0-9]{2}-[0-9]{4}(?![^\s\"',;&]))"
"""A value that is exactly an SSN-shaped 3-2-4 digit run is the SSN recognizer's: a tool
writing `token: 001-01-0001` names a number, not a credential."""
_URL_PASSWORD = r"[^\s/\"'<>\\`]+"  # noqa: S105 (a regex, not a password)
"""A URL password: anything up to the authority's end, `@`, `:`, `#`, `?` included."""
_URL_HOST_END = r"@[^\s/\"'<>\\`@]+(?:[/\"'<>\\`\s]|$)"
"""The last `@` of the authority: no other `@` between it and the host's end."""


class CredentialAssignmentRecognizer(ConstantRecognizer):
    """Values of password/secret/api_key/token fields written inline in text."""

    PATTERNS = [
        Pattern(
            "credential assignment",
            rf"\b{_NAMES}[\"']?\s{{0,3}}[:=]\s{{0,3}}[\"']?\K" + _NOT_MASKED + _NOT_SSN
            + r"[^\s\"',;&]{4,}",
            0.8,
        ),
        Pattern(
            "credential in a sentence",
            r"\b(?:password|passphrase|passcode|pin|pwd)\s+(?:is|was|=|:)\s+[\"']?\K"
            r"(?-i:(?=\S{0,64}?(?:[0-9]|[^\w\s\-.,;:!?'\"()]|[a-z]\S{0,64}?[A-Z])"
            r"|[a-z]+(?:-[a-z]+){2}))"
            r"[^\s\"',;]{4,}(?<![.,;:)])",
            0.7,
        ),
        Pattern(
            "url credentials",
            r"\b[a-z][a-z0-9+.\-]{1,20}://[^\s/:@\"'<>]*:\K"
            + _NOT_MASKED
            + _URL_PASSWORD
            + rf"(?={_URL_HOST_END})",
            0.85,
        ),
        Pattern(
            "connection string password",
            r"(?:^|[;\s\"'])(?:password|pwd|user[ _]?password)\s{0,2}=\s{0,2}\K"
            + _NOT_MASKED + _NOT_SSN
            + r"(?:\{\K[^}\r\n]+(?=\})|\"\K[^\"\r\n]+(?=\")|'\K[^'\r\n]+(?=')"
            r"|[^;\s\"'{][^;\r\n\"']*(?<!\s)(?=;)|[^;\s\"'{][^;\s\"']*)",
            0.85,
        ),
    ]

    ENTITY = "SECRET"
    NAME = "credential_assignment"
