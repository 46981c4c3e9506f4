"""Shared by the tests of the Kafka subject key store: topics, and raw reads of a topic."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource

from streams.kafka.topics import SUBJECT_KEYS_CONFIG, TopicSpec, create_topics

CLIENT_LOG = logging.getLogger("tests.librdkafka")


def key_topic(bootstrap: str, name: str, partitions: int = 1, **config: str) -> str:
    """Create a subject key topic as `topics create` does, with `config` overrides."""
    create_topics(bootstrap, [TopicSpec(name, partitions, {**SUBJECT_KEYS_CONFIG, **config})])
    return name


def raw_records(bootstrap: str, topic: str,
                timeout: float = 10.0) -> list[tuple[int, int, bytes | None, bytes | None]]:
    """Every record now in `topic`: (partition, offset, key, value), as stored."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "tests-raw",
                         "enable.partition.eof": True, "enable.auto.commit": False},
                        logger=CLIENT_LOG)
    try:
        parts = consumer.list_topics(topic, timeout=timeout).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
        out, ended, deadline = [], set(), time.monotonic() + timeout
        while len(ended) < len(parts):
            assert time.monotonic() < deadline, f"reading {topic} took over {timeout}s"
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error() is not None:
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    ended.add(msg.partition())
                continue
            out.append((msg.partition(), msg.offset(), msg.key(), msg.value()))
        return out
    finally:
        consumer.close()


def until(check: Callable[[], bool], timeout: float, what: str, every: float = 0.2) -> None:
    """Poll `check` until true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(every)


@contextmanager
def fast_log_cleaner(bootstrap: str, backoff_ms: int = 300) -> Iterator[None]:
    """Let the broker's log cleaner look for work every `backoff_ms` (default 15 s), then
    put the broker's own setting back. A dynamic per-broker config: no restart."""
    admin = AdminClient({"bootstrap.servers": bootstrap}, logger=CLIENT_LOG)
    brokers = list(admin.list_topics(timeout=10).brokers)

    def alter(op: AlterConfigOpType, value: str | None) -> None:
        for broker in brokers:
            resource = ConfigResource(ConfigResource.Type.BROKER, str(broker),
                                      incremental_configs=[ConfigEntry(
                                          "log.cleaner.backoff.ms", value,
                                          incremental_operation=op)])
            admin.incremental_alter_configs([resource])[resource].result(10)

    alter(AlterConfigOpType.SET, str(backoff_ms))
    try:
        yield
    finally:
        alter(AlterConfigOpType.DELETE, None)
