"""The lander on a real broker: lands once, dead-letters bad records, never commits unwritten.

The order under test (streams/lander.py): plan, write and record, then commit. A sink
that fails must leave the group's committed offsets exactly where they were.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from streams import avro
from streams.kafka.topics import TopicNames, TopicSpec, create_topics
from streams.keyring import Keyring
from streams.lake import LakeWriteError, Signer
from streams.lake.signing import trusted_from_keyring
from streams.lake.store import Lake
from streams.lake.verify import verify_lake
from streams.lander import run_lander

CLIENT_LOG = logging.getLogger("tests.librdkafka")
PARTITIONS = 3


def event(i: int, tenant: str = "acme-health") -> dict[str, Any]:
    """A small governed event (JSON form), synthetic values only."""
    return {
        "schema_version": 1, "event_id": f"00000000-0000-4000-8000-{i:012d}",
        "time": f"2026-11-2{2 + i % 2}T06:30:{i % 60:02d}.000000Z",
        "governed_at": "2026-11-24T06:31:00.000000Z", "tenant": tenant,
        "gateway": {"id": "gw-eu-1", "region": "eu"}, "session_id": f"sess-{i % 11}",
        "identity": {"user": "tok_pii_k1_user0001", "agent": "chart-summarizer",
                     "client_id": "desktop-client", "scopes": [],
                     "auth": {"decision": "allow", "policy": "ehr-readers", "reason": None}},
        "server": {"name": "ehr", "version": "1.4.2", "region": "eu", "transport": "stdio"},
        "data_subject": None, "purpose": "treatment", "direction": "request",
        "method": "tools/call", "tool": "get_patient_record", "latency_ms": None, "trace": None,
        "payload": "{}", "findings": [], "data_classes": [],
        "residency": {"region": "eu", "subject_region": None, "server_region": "eu",
                      "gateway_region": "eu", "transfer": None},
        "key_id": None, "policy": "default",
    }


def alert(i: int) -> dict[str, Any]:
    return {"schema_version": 1, "alert_id": f"00000000-0000-4000-9000-{i:012d}",
            "time": "2026-11-22T07:00:00.000000Z", "severity": "high",
            "rule_id": "residency.forbidden_transfer", "title": "Forbidden transfer",
            "description": "synthetic", "tenant": "acme-health", "session_id": "sess-1",
            "agent": None, "user": None, "event_ids": [], "runbook": None, "ocsf": "{}"}


def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True,
                         "linger.ms": 5}, logger=CLIENT_LOG)
    for n, value in enumerate(values):
        producer.produce(topic, key=f"sess-{n % 11}".encode(), value=value)
    assert producer.flush(30) == 0


def committed(bootstrap: str, group: str, topic: str) -> list[int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group}, logger=CLIENT_LOG)
    try:
        tps = consumer.committed([TopicPartition(topic, p) for p in range(PARTITIONS)],
                                 timeout=15)
    finally:
        consumer.close()
    return [tp.offset for tp in tps]


def count(lake: Path) -> tuple[int, int]:
    glob = str(lake / "events/*/*/*/*.parquet")
    with duckdb.connect() as con:
        [got] = con.execute("SELECT count(*), count(DISTINCT event_id) FROM read_parquet(?)",
                            [glob]).fetchall()
    return got


@pytest.mark.kafka
def test_lands_once_and_a_failing_sink_leaves_the_offsets(kafka_bootstrap, kafka_names,
                                                          tmp_path: Path, monkeypatch) -> None:
    names = TopicNames.build(prefix=kafka_names.prefix)
    governed = names.governed_for("eu")
    create_topics(kafka_bootstrap, [TopicSpec(governed, PARTITIONS),
                                    TopicSpec(names.alerts, 1)])
    ring = Keyring.new()
    lake, group = tmp_path / "lake", kafka_names.group("lander")
    options = {"signer": Signer.from_keyring(ring), "group_id": group,
               "topics_pattern": "^" + re.escape(kafka_names.prefix) + r"mcp\.events\.governed\..*",
               "alerts_topic": names.alerts, "idle_seconds": 2.0, "max_seconds": 60.0,
               "consumer_config": {"session.timeout.ms": 6000}}

    produce(kafka_bootstrap, governed, [avro.encode("governed_event", event(i))
                                        for i in range(100)] + [b"not avro at all"])
    produce(kafka_bootstrap, names.alerts, [avro.encode("alert", alert(i)) for i in range(2)])
    stats = run_lander(kafka_bootstrap, lake, **options)
    assert (stats.events, stats.alerts, stats.dead_letters) == (100, 2, 1)
    assert count(lake) == (100, 100)
    [dead] = (lake / "_dlq").iterdir()
    assert dead.name.startswith(f"{governed}+")
    before = committed(kafka_bootstrap, group, governed)
    assert sum(before) == 101

    produce(kafka_bootstrap, governed, [avro.encode("governed_event", event(i))
                                        for i in range(100, 150)])

    def broken(self: Lake, *args: Any, **kwargs: Any) -> Path:
        raise LakeWriteError(self.root, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(Lake, "land_rows", broken)
        with pytest.raises(LakeWriteError, match="No space left on device"):
            run_lander(kafka_bootstrap, lake, **options)
    assert committed(kafka_bootstrap, group, governed) == before
    assert count(lake) == (100, 100)

    stats = run_lander(kafka_bootstrap, lake, **options)
    assert stats.events == 50
    assert count(lake) == (150, 150)
    assert sum(committed(kafka_bootstrap, group, governed)) == 151
    report = verify_lake(lake, trusted_from_keyring(ring))
    assert report.problems == [] and report.rows == 152
