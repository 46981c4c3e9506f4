"""The Kafka lander: governed events and alerts from Kafka into the signed Parquet lake.

A confluent-kafka consumer (no auto-commit) subscribes by regex to the governed
topics and to the alerts topic, batches records per topic-partition and flushes on
size or age. This module owns the commit order, and nothing else commits:

1. record the uncommitted offset ranges (the replay plan, `streams.lake.landing`);
2. write every file atomically and chain it into its partition's signed manifest;
3. commit exactly the offsets written, synchronously.

Any failure in 1 or 2 raises before 3, so the committed offset never passes data that
is not in the lake; a crash anywhere replays into the same file names, so nothing is
lost or landed twice. A record that cannot be decoded is logged with
`topic[partition]@offset`, written to `<lake>/_dlq/` and skipped: it never stops the
lander. Run several landers with the same group id to share the partitions.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from streams import avro
from streams.kafka.connection import KafkaConnection
from streams.kafka.topics import TopicNames
from streams.lake.errors import LakeError
from streams.lake.landing import (
    Batch,
    Batches,
    Row,
    alert_rows,
    dead_letter,
    event_rows,
    vault_rows,
)
from streams.lake.location import LakePath
from streams.lake.signing import Signer
from streams.lake.store import Lake

log = logging.getLogger(__name__)
_client_log = logging.getLogger("streams.lander.librdkafka")

DEFAULT_GROUP = "mcpgov-lander"


def governed_pattern(names: TopicNames) -> str:
    """The regex subscription that matches every region's governed topic, and only those."""
    before, _, after = names.governed.partition("{region}")
    return f"^{re.escape(before)}[a-z][a-z0-9-]*{re.escape(after)}$"


DEFAULT_PATTERN = governed_pattern(TopicNames())
DEFAULT_ALERTS = TopicNames().alerts
DEFAULT_VAULT = TopicNames().vault  # vault entries (docs/erasure.md) land under vault/


def exact_pattern(topic: str) -> str:
    """A regex subscription to one topic: unlike a plain name, a missing topic is no error."""
    return f"^{re.escape(topic)}$"


class LanderError(LakeError):
    """The consumer failed in a way the lander cannot ride out (fatal Kafka error)."""


@dataclass
class LanderStats:
    """What a lander run did, for its closing line and for tests."""

    records: int = 0
    events: int = 0
    alerts: int = 0
    dead_letters: int = 0
    flushes: int = 0
    seconds: float = 0.0
    vault: int = 0

    def line(self) -> str:
        rate = self.records / self.seconds if self.seconds else 0.0
        vault = f"{self.vault} vault entries, " if self.vault else ""
        return (f"lander: {self.records} records ({self.events} events, {self.alerts} alerts, "
                f"{vault}{self.dead_letters} dead letters) in {self.flushes} flushes, "
                f"{self.seconds:.1f}s, {rate:,.0f} records/s")


def run_lander(broker: str | KafkaConnection, lake: LakePath | str, *, signer: Signer,
               topics_pattern: str = DEFAULT_PATTERN, alerts_topic: str = DEFAULT_ALERTS,
               group_id: str = DEFAULT_GROUP, instance_id: str | None = None,
               flush_events: int = 10_000, flush_seconds: float = 5.0,
               max_events: int | None = None, max_seconds: float | None = None,
               idle_seconds: float | None = None, stop_event: threading.Event | None = None,
               consumer_config: dict[str, Any] | None = None,
               vault_topic: str | None = DEFAULT_VAULT) -> LanderStats:
    """Land until stopped (stop_event, max_events, max_seconds or idle_seconds)."""
    from confluent_kafka import Consumer

    lander = _Lander(Lake(lake, signer), alerts_topic, flush_events, flush_seconds)
    lander.vault_topic = vault_topic
    config = KafkaConnection.of(broker).confluent(
        {"group.id": group_id, "enable.auto.commit": False, "auto.offset.reset": "earliest",
         "topic.metadata.refresh.interval.ms": 5000}, consumer_config or {})
    if instance_id:
        config["group.instance.id"] = instance_id  # static membership: restarts skip rebalance
    consumer = Consumer(config, logger=_client_log)
    lander.consumer = consumer
    vault = [exact_pattern(vault_topic)] if vault_topic else []
    consumer.subscribe([topics_pattern, alerts_topic, *vault], on_assign=lander.assigned,
                       on_revoke=lander.revoked, on_lost=lander.revoked)
    began = time.monotonic()
    try:
        while not (stop_event is not None and stop_event.is_set()):
            msgs = consumer.consume(num_messages=500, timeout=0.2)
            now = time.monotonic()
            for msg in msgs:
                lander.take(msg)
            if msgs:
                lander.last_seen = now
            if lander.batches.due(now):
                lander.flush()
            if ((max_events is not None and lander.stats.records >= max_events)
                    or (max_seconds is not None and now - began >= max_seconds)
                    or (idle_seconds is not None and lander.last_seen is not None
                        and now - lander.last_seen >= idle_seconds
                        and not lander.batches.due(now + flush_seconds))):
                break
        lander.flush()
    finally:
        consumer.close()
        lander.lake.close()
        lander.stats.seconds = time.monotonic() - began
    return lander.stats


class _Lander:
    """Decode, batch, and flush in the one order that keeps the lake and offsets true."""

    def __init__(self, lake: Lake, alerts_topic: str, flush_events: int,
                 flush_seconds: float) -> None:
        self.lake, self.alerts_topic = lake, alerts_topic
        self.batches = Batches(lake.root, flush_events=flush_events,
                               flush_seconds=flush_seconds)
        self.stats = LanderStats()
        self.consumer: Any = None
        self.last_seen: float | None = None  # idle time counts from the first assignment
        self.vault_topic: str | None = None

    def take(self, msg: Any) -> None:
        from confluent_kafka import KafkaError

        err = msg.error()
        if err is not None:
            if err.fatal():
                raise LanderError(f"kafka: {err.str()}")
            if err.code() != KafkaError._PARTITION_EOF:
                log.warning("lander: kafka: %s", err.str())
            return
        topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
        self.stats.records += 1
        self.batches.add(topic, partition, offset, self._row(topic, partition, offset,
                                                             msg.value()))

    def _row(self, topic: str, partition: int, offset: int, value: bytes | None) -> Row | None:
        try:
            if value is None:
                raise ValueError("empty record (tombstone)")
            if topic == self.alerts_topic:
                row = alert_rows(avro.decode("alert", value))
                self.stats.alerts += 1
            elif topic == self.vault_topic:
                row = vault_rows(avro.decode("vault_entry", value))
                self.stats.vault += 1
            else:
                row = event_rows(avro.decode("governed_event", value), topic.rsplit(".", 1)[-1])
                self.stats.events += 1
            return row
        except Exception as exc:  # noqa: BLE001 - any bad record goes to the DLQ, never stops us
            reason = f"{type(exc).__name__}: {exc}"
            path = dead_letter(self.lake.root, topic, partition, offset, reason, value)
            log.warning("lander: %s[%d]@%d: %s; dead letter %s", topic, partition, offset,
                        reason, path)
            self.stats.dead_letters += 1
            return None

    def flush(self) -> None:
        """Plan, write and record every due batch, then commit exactly their offsets."""
        batches = self.batches.take()
        if not batches:
            return
        self.batches.plan(batches)
        for batch in batches:
            self._write(batch)
        self._commit(batches)
        self.stats.flushes += 1

    def _write(self, batch: Batch) -> None:
        for part, rows in sorted(batch.parts.items()):
            self.lake.land_rows(part, batch.name, rows, batch.schemas[part], source=batch.source)

    def _commit(self, batches: list[Batch]) -> None:
        from confluent_kafka import KafkaException, TopicPartition

        ends: dict[tuple[str, int], int] = {}
        for b in batches:
            ends[(b.topic, b.partition)] = max(ends.get((b.topic, b.partition), 0), b.last + 1)
        offsets = [TopicPartition(t, p, o) for (t, p), o in sorted(ends.items())]
        try:
            done = self.consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            # Harmless for the lake: the plan makes whoever replays write the same files.
            log.warning("lander: commit of %s failed: %s; the replay plan covers it",
                        _tps(offsets), exc.args[0])
            return
        failed = [tp for tp in done or [] if tp.error is not None]
        if failed:
            log.warning("lander: commit failed for %s; the replay plan covers it", _tps(failed))
        self.batches.committed([b for b in batches if (b.topic, b.partition) not in
                                {(tp.topic, tp.partition) for tp in failed}])

    def assigned(self, consumer: Any, partitions: list[Any]) -> None:
        log.info("lander: assigned %s", _tps(partitions) or "nothing")
        if partitions:
            self.last_seen = time.monotonic()

    def revoked(self, consumer: Any, partitions: list[Any]) -> None:
        log.info("lander: revoked %s", _tps(partitions) or "nothing")
        self.batches.forget([(tp.topic, tp.partition) for tp in partitions])


def _tps(offsets: list[Any]) -> str:
    return ", ".join(f"{tp.topic}[{tp.partition}]" + (f"@{tp.offset}" if tp.offset >= 0 else "")
                     for tp in offsets)


if __name__ == "__main__":  # pragma: no cover - `python -m streams.lander`
    from streams.lander_command import lander

    lander()
