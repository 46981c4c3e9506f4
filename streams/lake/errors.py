"""Typed errors of the lake, under one root so callers can catch them together.

Each carries the path (and the Kafka position when there is one) so a log line says
exactly where it happened, never the data itself.
"""

from __future__ import annotations

from streams.errors import MCPGovError, UsageError


class LakeError(MCPGovError):
    """Root of the errors raised while writing, recording or reading the lake."""


class LakeWriteError(LakeError):
    """A file or manifest could not be written: the caller must not commit offsets."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path}: {reason}")


class ManifestError(LakeError):
    """A manifest cannot be appended to (unreadable tail, wrong partition)."""


class SigningKeyError(LakeError, UsageError):
    """No usable signing or trusted public key (bad file, unknown key id)."""


class QueryError(LakeError, UsageError):
    """DuckDB refused the SQL; the message is DuckDB's own first line."""


class LakeBusy(LakeError):
    """Another process holds the write lease of this part of an object-store lake."""

    def __init__(self, lake: str, tree: str, owner: str, until: str) -> None:
        self.lake, self.tree, self.owner, self.until = lake, tree, owner, until
        super().__init__(f"lake {lake}: {tree}/ is being written by {owner} (lease until "
                         f"{until}); on an object store one process writes a tree at a time: "
                         "stop the other writer or wait for its lease to lapse")
