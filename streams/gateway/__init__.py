"""The gateway side: build contract envelopes from MCP traffic and publish them without loss.

- `EnvelopeBuilder` / `GatewayContext`: JSON-RPC message + who/where -> envelope.
- `Publisher`: Avro to `mcp.events.raw` with an idempotent producer, a durable
  ordered bounded `Spool` while Kafka is away, `SpoolFull` at the bound.
- `StdioProxy` (`mcpgov proxy`): relays a stdio MCP server and publishes each message.

Importing this package does not import confluent-kafka; `Publisher` does, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from streams.gateway.envelope import EnvelopeBuilder, GatewayContext, Stamp, stamp
from streams.gateway.errors import (
    EventTooLarge,
    GatewayError,
    PublisherClosed,
    SpoolCorrupt,
    SpoolFull,
    SpoolLocked,
)
from streams.gateway.sinks import JsonlSink, Sink, SinkStats
from streams.gateway.spool import Spool

if TYPE_CHECKING:
    from streams.gateway.publisher import Publisher

__all__ = ["EnvelopeBuilder", "EventTooLarge", "GatewayContext", "GatewayError", "JsonlSink",
           "Publisher", "PublisherClosed", "Sink", "SinkStats", "Spool", "SpoolCorrupt",
           "SpoolFull", "SpoolLocked", "Stamp", "stamp"]


def __getattr__(name: str) -> Any:
    if name == "Publisher":
        from streams.gateway import publisher

        return getattr(publisher, name)
    raise AttributeError(name)
