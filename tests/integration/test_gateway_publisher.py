"""The gateway publisher and `mcpgov publish` on a real broker.

Per-session order and keys; a spool left by an earlier run is delivered first, in
order, before anything new; a record Kafka refuses for good is kept and counted, and
does not block what follows; the replay command sends valid and invalid lines alike.
"""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.envelope import InvalidEnvelope, parse_envelope
from streams.gateway import EnvelopeBuilder, GatewayContext
from streams.gateway.publisher import Publisher
from streams.kafka.topics import TopicSpec, create_topics

pytestmark = pytest.mark.kafka


import gateway_support as gs  # noqa: E402 - registered by tests/integration/conftest.py


def _events(session: str, n: int, start: int = 0, pad: int = 0) -> list[dict[str, Any]]:
    builder = EnvelopeBuilder(GatewayContext(tenant="acme-health", session_id=session))
    return [builder.build({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                           "params": {"name": "t", "arguments": {"seq": i, "pad": "x" * pad}}},
                          from_client=True) for i in range(start, start + n)]


def _dead_broker() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def _by_session(raw: list[tuple[int, int, bytes | None, bytes]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for _, _, key, value in sorted(raw):
        env = parse_envelope(value)
        assert key == env["session_id"].encode()
        out.setdefault(env["session_id"], []).append(env["message"]["id"])
    return out


def test_sessions_keep_their_order_and_key(kafka_bootstrap: str, kafka_names: Any,
                                           tmp_path: Path) -> None:
    topic = kafka_names.topic("raw")
    create_topics(kafka_bootstrap, [TopicSpec(topic, 6)])
    streams = {s: _events(s, 150) for s in (f"sess-{k}-{uuid.uuid4().hex[:6]}" for k in range(4))}
    pub = Publisher(kafka_bootstrap, topic, spool_dir=tmp_path / "spool")
    for i in range(150):  # interleaved, as a gateway serving four sessions would
        for s in streams:
            pub.publish(streams[s][i])
    assert pub.flush(30) == 0
    pub.close()
    stats = pub.stats()
    assert (stats.sent, stats.spooled, stats.failed, stats.pending) == (600, 0, 0, 0)
    raw = gs.consume(kafka_bootstrap, topic, kafka_names.group(), 600, settle=1.0)
    assert len(raw) == 600
    assert _by_session(raw) == {s: list(range(150)) for s in streams}


def test_spool_from_an_earlier_run_goes_first(kafka_bootstrap: str, kafka_names: Any,
                                              tmp_path: Path) -> None:
    topic = kafka_names.topic("raw")
    create_topics(kafka_bootstrap, [TopicSpec(topic, 3)])
    spool = tmp_path / "spool"
    session = f"sess-{uuid.uuid4().hex[:8]}"
    offline = Publisher(_dead_broker(), topic, spool_dir=spool, delivery_timeout=1.0)
    for event in _events(session, 60):
        offline.publish(event)
    offline.close(timeout=0.5)
    assert offline.stats().pending == 60, "all kept on disk when the process ends"

    online = Publisher(kafka_bootstrap, topic, spool_dir=spool)
    assert online.spooling, "a non-empty spool means: drain it before sending anything new"
    for event in _events(session, 40, start=60):
        online.publish(event)  # behind the spooled ones
    assert online.flush(30) == 0
    online.close()
    stats = online.stats()
    assert stats.drained == 100 and stats.sent == 100 and not online.spooling
    raw = gs.consume(kafka_bootstrap, topic, kafka_names.group(), 100, settle=1.0)
    assert _by_session(raw) == {session: list(range(100))}
    assert not list(spool.glob("seg-*.log")), "a drained spool keeps no segment"


def test_refused_record_is_kept_and_does_not_block(kafka_bootstrap: str, kafka_names: Any,
                                                   tmp_path: Path) -> None:
    topic = kafka_names.topic("raw")
    create_topics(kafka_bootstrap, [TopicSpec(topic, 1, {"max.message.bytes": "2048"})])
    session = f"sess-{uuid.uuid4().hex[:8]}"
    # batch.size below the topic's max.message.bytes (as the defaults are: 1 MB vs 8 MiB),
    # so a refused record is refused alone, not with the small ones batched beside it
    pub = Publisher(kafka_bootstrap, topic, spool_dir=tmp_path / "spool",
                    config={"compression.type": "none", "batch.size": 1024})
    small, big = _events(session, 3), _events(session, 1, start=3, pad=20_000)
    for event in small[:2] + big + small[2:]:
        pub.publish(event)
    assert pub.flush(30) == 0
    pub.close()
    stats = pub.stats()
    assert (stats.sent, stats.rejected, stats.pending) == (3, 1, 0)
    assert (tmp_path / "spool" / "rejected.log").stat().st_size > 20_000
    raw = gs.consume(kafka_bootstrap, topic, kafka_names.group(), 3, settle=1.0)
    assert _by_session(raw) == {session: [0, 1, 2]}


def test_publish_command_replays_valid_and_invalid_lines(kafka_bootstrap: str,
                                                         kafka_names: Any,
                                                         tmp_path: Path) -> None:
    topic = kafka_names.topic("raw")
    create_topics(kafka_bootstrap, [TopicSpec(topic, 3)])
    session = f"sess-{uuid.uuid4().hex[:8]}"
    good = _events(session, 25)
    bad = [b'{"event_id": "not-a-uuid", "session_id": "' + session.encode() + b'"}',
           b"{not json at all"]
    path = tmp_path / "traffic.jsonl"
    with path.open("wb") as fh:
        for i, event in enumerate(good):
            fh.write(json.dumps(event).encode() + b"\n")
            if i in (5, 17):
                fh.write(bad[i == 17] + b"\n\n")
    result = CliRunner().invoke(main, ["publish", "--input", str(path), "--broker",
                                       kafka_bootstrap, "--topic", topic, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert f"published 27 events to {topic}" in result.output
    assert "(2 invalid: the governor will dead-letter them)" in result.output
    raw = gs.consume(kafka_bootstrap, topic, kafka_names.group(), 27, settle=1.0)
    assert len(raw) == 27
    valid, invalid = [], []
    for _, _, key, value in sorted(raw):
        try:
            valid.append(parse_envelope(value)["message"]["id"])
        except InvalidEnvelope:
            invalid.append((key, value))
    assert sorted(valid) == list(range(25))
    assert sorted(invalid, key=lambda kv: kv[1]) == sorted(
        [(session.encode(), bad[0]), (None, bad[1])], key=lambda kv: kv[1])


@pytest.mark.slow
def test_publisher_throughput_beside_a_bare_producer(kafka_bootstrap: str, kafka_names: Any,
                                                     tmp_path: Path,
                                                     record_property: Any) -> None:
    """Events/s of `Publisher.publish` vs a bare idempotent producer that Avro-encodes too."""
    import time

    from confluent_kafka import Producer

    from streams import avro

    bare_topic, ours_topic = kafka_names.topic("bare"), kafka_names.topic("ours")
    create_topics(kafka_bootstrap, [TopicSpec(bare_topic, 6), TopicSpec(ours_topic, 6)])
    events = _events(f"sess-{uuid.uuid4().hex[:8]}", 20_000, pad=300)
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "enable.idempotence": True,
                         "acks": "all", "linger.ms": 5, "compression.type": "zstd"},
                        logger=gs.CLIENT_LOG)
    began = time.perf_counter()
    for event in events:
        producer.produce(bare_topic, avro.encode("raw_event", event),
                         event["session_id"].encode())
        producer.poll(0)
    assert producer.flush(60) == 0
    bare = len(events) / (time.perf_counter() - began)
    pub = Publisher(kafka_bootstrap, ours_topic, spool_dir=tmp_path / "spool")
    began = time.perf_counter()
    for event in events:
        pub.publish(event)
    assert pub.flush(60) == 0
    ours = len(events) / (time.perf_counter() - began)
    pub.close()
    record_property("bare_events_per_s", round(bare))
    record_property("publisher_events_per_s", round(ours))
    print(f"\nbare producer + avro: {bare:.0f} events/s; Publisher: {ours:.0f} events/s "
          f"({ours / bare:.2f}x)")
    assert ours > 0.5 * bare
