"""Typed errors of the lake, under one root so callers can catch them together.

Each carries the path (and the Kafka position when there is one) so a log line says
exactly where it happened, never the data itself.
"""

from __future__ import annotations

from pathlib import Path

from streams.errors import MCPGovError, UsageError


class LakeError(MCPGovError):
    """Root of the errors raised while writing, recording or reading the lake."""


class LakeWriteError(LakeError):
    """A file or manifest could not be written: the caller must not commit offsets."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path}: {reason}")


class ManifestError(LakeError):
    """A manifest cannot be appended to (unreadable tail, wrong partition)."""


class SigningKeyError(LakeError, UsageError):
    """No usable signing or trusted public key (bad file, unknown key id)."""


class QueryError(LakeError, UsageError):
    """DuckDB refused the SQL; the message is DuckDB's own first line."""
