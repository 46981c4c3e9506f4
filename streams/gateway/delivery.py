"""Delivery plumbing shared by the publisher and the drain: producer settings, the
record as the spool stores it, and which errors no retry fixes."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any, NamedTuple

from confluent_kafka import KafkaError

from streams.kafka.connection import KafkaConnection


def producer_config(bootstrap: str | KafkaConnection, delivery_timeout: float,
                    max_message_bytes: int,
                    overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Idempotent, acks=all, zstd like the raw topic, fast reconnects; `overrides` win.

    The connection's TLS/SASL settings come first (`KafkaConnection.of`)."""
    conf: dict[str, Any] = {
        **KafkaConnection.of(bootstrap).confluent(), "client.id": "mcpgov-gateway",
        "enable.idempotence": True, "acks": "all", "compression.type": "zstd",
        "linger.ms": 5, "message.timeout.ms": int(delivery_timeout * 1000),
        # below the raw topic's max.message.bytes (8 MiB): a batch the broker refuses
        # as too large is then one oversized record, never small ones beside it
        "batch.size": 1_000_000,
        "message.max.bytes": max_message_bytes + 65536,
        "queue.buffering.max.kbytes": 65536, "queue.buffering.max.messages": 100_000,
        "reconnect.backoff.ms": 100, "reconnect.backoff.max.ms": 1000,
    }
    conf.update(overrides or {})
    return conf


class Rec(NamedTuple):
    """A Kafka record as a spool payload: ``>i`` key length (-1 for none), key, value."""

    key: bytes | None
    value: bytes

    def pack(self) -> bytes:
        klen = -1 if self.key is None else len(self.key)
        return struct.pack(">i", klen) + (self.key or b"") + self.value

    @classmethod
    def unpack(cls, data: bytes) -> Rec:
        klen = struct.unpack_from(">i", data)[0]
        if klen < 0:
            return cls(None, data[4:])
        return cls(data[4:4 + klen], data[4 + klen:])


_PERMANENT = {getattr(KafkaError, name) for name in (
    "MSG_SIZE_TOO_LARGE", "_MSG_SIZE_TOO_LARGE", "INVALID_RECORD", "RECORD_LIST_TOO_LARGE",
    "CORRUPT_MESSAGE", "INVALID_MSG") if hasattr(KafkaError, name)}


def is_permanent(err: KafkaError) -> bool:
    """Errors no retry can fix (the record itself is refused); everything else is retried."""
    return err.code() in _PERMANENT
