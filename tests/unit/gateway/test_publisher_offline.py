"""The publisher with no broker at all: every event lands in the spool, in order, until the
bound, where `publish` raises `SpoolFull` (never a silent drop); typed errors otherwise."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from streams.envelope import parse_envelope
from streams.gateway import EnvelopeBuilder, GatewayContext, PublisherClosed, SpoolFull
from streams.gateway.delivery import Rec
from streams.gateway.errors import EventTooLarge
from streams.gateway.publisher import Publisher
from streams.gateway.spool import Spool
from streams.schema_errors import SchemaError


def _dead_broker() -> str:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def _events(n: int, session: str = "sess-offline") -> list[dict[str, object]]:
    builder = EnvelopeBuilder(GatewayContext(session_id=session))
    return [builder.build({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                           "params": {"name": "t", "arguments": {"n": i, "pad": "x" * 200}}},
                          from_client=True) for i in range(n)]


def _wait(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_unreachable_kafka_spools_in_order_up_to_the_bound(tmp_path: Path) -> None:
    pub = Publisher(_dead_broker(), "raw", spool_dir=tmp_path, max_spool_bytes=64 * 1024,
                    delivery_timeout=1.0)
    events = _events(400)
    accepted = []
    with pytest.raises(SpoolFull) as info:
        for event in events:
            pub.publish(event)
            accepted.append(event["event_id"])
            if len(accepted) == 5:  # the first ones were handed to the producer...
                _wait(lambda: pub.spooling)  # ...until it reported the brokers down
    assert info.value.max_bytes == 64 * 1024 and "full" in str(info.value)
    assert 50 < len(accepted) < 400
    pub.close(timeout=0.5)
    stats = pub.stats()
    assert stats.sent == 0 and stats.spooled == len(accepted) and stats.pending == len(accepted)
    with Spool(tmp_path) as spool:
        kept = [parse_envelope(Rec.unpack(r).value)["event_id"]
                for r in spool.peek(max_records=1000, max_bytes=10**9).records]
    assert kept == accepted, "everything accepted is on disk, in publish order"


def test_typed_errors(tmp_path: Path) -> None:
    pub = Publisher(_dead_broker(), "raw", spool_dir=tmp_path, delivery_timeout=1.0)
    with pytest.raises(SchemaError, match="tenant"):
        pub.publish({**_events(1)[0], "tenant": 7})
    with pytest.raises(EventTooLarge):
        pub.publish_raw(b"k", b"x" * (pub.max_message_bytes + 1))
    pub.close(timeout=0.2)
    with pytest.raises(PublisherClosed):
        pub.publish(_events(1)[0])
    pub.close()  # idempotent


def test_what_avro_refuses_goes_as_json_when_asked(tmp_path: Path) -> None:
    from streams.envelope import InvalidEnvelope

    event = _events(1)[0]
    event["message"] = {"jsonrpc": "2.0", "method": "x", "params": {"data": "\ud800"}}
    strict = Publisher(_dead_broker(), "raw", spool_dir=tmp_path / "a", delivery_timeout=1.0)
    with pytest.raises(SchemaError):
        strict.publish(event)
    strict.close(timeout=0.2)
    lenient = Publisher(_dead_broker(), "raw", spool_dir=tmp_path / "b", delivery_timeout=1.0,
                        on_invalid="json")
    _wait(lambda: lenient.spooling)
    lenient.publish(event)
    lenient.close(timeout=0.2)
    with Spool(tmp_path / "b") as spool:
        [record] = [Rec.unpack(r) for r in spool.peek().records]
    assert record.key == b"sess-offline" and record.value.startswith(b"{")
    with pytest.raises(InvalidEnvelope) as info:
        parse_envelope(record.value)
    assert info.value.code == "not_utf8"
