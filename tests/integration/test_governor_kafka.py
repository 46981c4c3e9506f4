"""The governor as a Kafka worker on a real broker: raw in, governed/dlq/alerts out.

The worker runs as a subprocess (`mcpgov worker governor`), exactly as an operator
starts it, and is SIGKILLed once mid-stream and started again: every valid event
still arrives governed, every bad one as a dead letter, and no raw value shows up
in any byte on the output topics.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer
from procs_support import stop  # noqa: E402 - registered by tests/integration/conftest.py

from streams.avro import decode, encode
from streams.generate.api import generate
from streams.kafka.topics import TopicNames, contract_topics, create_topics
from streams.keyring import Keyring

pytestmark = pytest.mark.kafka

SESSIONS = 40
BAD = [b"\xff\xfe\x00 not utf-8", b"{not json", b'{"event_id": "x", "tenant": 3}',
       b"[" * 3000 + b"]" * 3000]


def _worker(bootstrap: str, names_prefix: str, app_id: str, tmp: Path, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streams.cli", "worker", "governor", "--broker", bootstrap,
           "--topic-prefix", names_prefix, "--app-id", app_id, "--no-ner", "--batch", "64", "--session-timeout", "6",
           "--keyring", str(tmp / "keyring.json"), "--data-dir", str(tmp / "faust"),
           "--loglevel", "warning"]
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    return subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)




def test_governor_worker_survives_kill_and_leaks_nothing(kafka_bootstrap, kafka_names, tmp_path) -> None:
    names = TopicNames.build(kafka_names.prefix)
    create_topics(kafka_bootstrap, contract_topics(names=names, partitions=3))
    Keyring.new().save(tmp_path / "keyring.json")
    events, truth = generate(SESSIONS, seed=5)
    secrets = {v["value"] for ev in truth.events.values() for v in ev["values"]
               if v["entity_type"] in {"CREDIT_CARD", "US_SSN", "IBAN_CODE", "SECRET"}}
    assert len(events) > 400 and len(secrets) > 50

    producer = Producer({"bootstrap.servers": kafka_bootstrap, "enable.idempotence": True,
                         "acks": "all", "linger.ms": 5})
    half = len(events) // 2

    def produce(chunk: list) -> None:
        for ev in chunk:
            producer.produce(names.raw, key=ev["session_id"].encode(), value=encode("raw_event", ev))
        producer.flush(30)

    produce(events[:half])
    for bad in BAD:
        producer.produce(names.raw, value=bad)
    producer.flush(30)

    log = tmp_path / "worker.log"
    app_id = kafka_names.group("governor")
    proc = _worker(kafka_bootstrap, kafka_names.prefix, app_id, tmp_path, log)
    consumer = Consumer({"bootstrap.servers": kafka_bootstrap, "group.id": kafka_names.group("check"),
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([f"^{kafka_names.prefix.replace('.', '[.]')}.*governed.*",
                        names.dlq, names.alerts])
    governed: list[dict] = []
    raw_bytes: list[bytes] = []
    dlq: list[dict] = []
    alerts: list[dict] = []
    killed = False
    deadline = time.monotonic() + 150
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is not None and msg.error() is None:
                raw_bytes.append(msg.value())
                if msg.topic() == names.dlq:
                    dlq.append(decode("dead_letter", msg.value()))
                elif msg.topic() == names.alerts:
                    alerts.append(decode("alert", msg.value()))
                else:
                    governed.append(decode("governed_event", msg.value()))
                    assert msg.topic() == names.governed_for(governed[-1]["residency"]["region"])
                    assert msg.key() == governed[-1]["session_id"].encode()
            if not killed and len(governed) >= half // 2:
                # Crash mid-stream, produce the rest while it is down, start it again.
                stop(proc, signal.SIGKILL)
                killed = True
                produce(events[half:])
                proc = _worker(kafka_bootstrap, kafka_names.prefix, app_id, tmp_path, log)
            ids = {g["event_id"] for g in governed}
            if killed and len(ids) == len(events) and len(dlq) >= len(BAD):
                break
            assert proc.poll() is None, log.read_text()[-3000:]
    finally:
        consumer.close()
        stop(proc)

    ids = [g["event_id"] for g in governed]
    assert killed
    assert set(ids) == {e["event_id"] for e in events}, log.read_text()[-3000:]
    # At-least-once: a replay after the kill may repeat events, never change them.
    by_id: dict[str, dict] = {}
    for g in governed:
        prev = by_id.setdefault(g["event_id"], g)
        assert prev["payload"] == g["payload"] and prev["findings"] == g["findings"]
    assert sorted(d["reason_code"] for d in dlq[: len(BAD)]) == sorted(
        ["not_utf8", "not_json", "schema_invalid", "too_deep"])
    assert all(d["source"]["topic"] == names.raw for d in dlq)
    blob = b"\n".join(raw_bytes).decode("utf-8", "replace")
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"{len(leaked)} raw values on the output topics"
    assert sum(len(g["findings"]) for g in governed) > 500
    assert all(a["rule_id"] == "residency.forbidden_transfer" for a in alerts)
    assert len({a["alert_id"] for a in alerts}) == len({a["alert_id"] for a in alerts})
