"""Typed errors of the gateway side, all under one root so a gateway can catch them together.

They carry data (sizes, paths, positions) rather than message content: what a gateway
relays may hold card numbers or patient records, and errors end up in logs.
"""

from __future__ import annotations

from pathlib import Path

from streams.errors import MCPGovError, UsageError


class GatewayError(MCPGovError):
    """Root of the errors raised by the publisher, the spool and the proxy."""


class SpoolFull(GatewayError):
    """The on-disk spool reached its bound: the event was NOT accepted (nothing dropped silently).

    Raised by `Publisher.publish` while Kafka is unreachable and the spool holds
    `max_bytes` already; the caller decides (retry later, fail the call, alert).
    """

    def __init__(self, pending_bytes: int, record_bytes: int, max_bytes: int,
                 directory: Path) -> None:
        self.pending_bytes = pending_bytes
        self.record_bytes = record_bytes
        self.max_bytes = max_bytes
        self.directory = directory
        super().__init__(f"spool {directory} is full: {pending_bytes} bytes pending + "
                         f"{record_bytes} would exceed the {max_bytes}-byte bound")


class SpoolLocked(GatewayError):
    """Another process holds the spool directory; two writers would interleave records."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        super().__init__(f"spool {directory} is in use by another process")


class SpoolCorrupt(GatewayError):
    """The spool's cursor or layout is unreadable (not a torn record: those are recovered)."""


class EventTooLarge(GatewayError):
    """An encoded event over the producer's message.max.bytes: Kafka would never take it."""


class PublisherClosed(GatewayError):
    """`publish` after `close`."""


class HookError(UsageError):
    """A data-subject hook could not be loaded (bad `module:function`)."""


class ConfigError(UsageError):
    """The proxy's YAML config file is unreadable or has a bad field (named in the message)."""
