"""Typed errors of the Kafka plumbing, all under one root so callers can catch them together.

Each carries the data a person needs to fix the problem (the tool missing, the last
lines Maven or the broker printed) so the CLI can show one clear line and tests can
assert on fields rather than parse messages.
"""

from __future__ import annotations

from streams.errors import MCPGovError, UsageError


class KafkaSetupError(MCPGovError):
    """Root of the errors raised while fetching, starting or talking to a broker."""


class ToolNotFound(KafkaSetupError):
    """A program the local broker needs (java, mvn) is not on PATH or too old."""

    def __init__(self, tool: str, hint: str) -> None:
        self.tool = tool
        self.hint = hint
        super().__init__(f"{tool} not found: {hint}")


class MavenFailed(KafkaSetupError):
    """Maven could not copy the broker jars (offline, bad version, broken pom)."""

    def __init__(self, returncode: int, tail: str) -> None:
        self.returncode = returncode
        self.tail = tail
        super().__init__(f"maven failed with exit code {returncode}; last lines:\n{tail}")


class BrokerNotReady(KafkaSetupError):
    """The broker exited or did not answer a metadata request in time."""

    def __init__(self, reason: str, log_tail: str) -> None:
        self.reason = reason
        self.log_tail = log_tail
        super().__init__(f"kafka broker not ready: {reason}; broker log tail:\n{log_tail}")


class TopicError(KafkaSetupError):
    """The broker refused or did not answer a topic operation."""


class InvalidTopicSpec(KafkaSetupError, UsageError):
    """A topic name, region or setting given by the user is not acceptable."""
