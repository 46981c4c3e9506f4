"""SECRET: a value assigned to a credential-named field inside text.

Tool output and config snippets carry `password=hunter2`, `"api_key": "..."`,
`client_secret: ...`, and connection strings carry `scheme://user:password@host`. The
name before the value is the evidence; the span is the value only. In a sentence
("my password is ...") the value must look like one (a digit, a symbol, mixed case, or
a dashed passphrase), so "the password is incorrect" stays prose. Masked values
(`****`, `<redacted>`, `${ENV}`) are not secrets and are skipped.
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


class CredentialAssignmentRecognizer(ConstantRecognizer):
    """Values of password/secret/api_key/token fields written inline in text."""

    PATTERNS = [
        Pattern(
            "credential assignment",
            rf"(?<=\b{_NAMES}[\"']?\s{{0,3}}[:=]\s{{0,3}}[\"']?)"
            + _NOT_MASKED
            + r"[^\s\"',;&]{4,}",
            0.8,
        ),
        Pattern(
            "credential in a sentence",
            r"\b(?:password|passphrase|passcode|pin|pwd)\s+(?:is|was|=|:)\s+[\"']?\K"
            r"(?-i:(?=\S*?(?:[0-9]|[^\w\s\-.,;:!?'\"()]|[a-z]\S*?[A-Z])|[a-z]+(?:-[a-z]+){2}))"
            r"[^\s\"',;]{4,}(?<![.,;:)])",
            0.7,
        ),
        Pattern(
            "url credentials",
            r"(?<=\b[a-z][a-z0-9+.\-]{1,20}://[^\s/:@]{1,64}:)[^\s/@]{3,128}(?=@)",
            0.85,
        ),
    ]

    ENTITY = "SECRET"
    NAME = "credential_assignment"
