"""Publish envelopes to `mcp.events.raw` without losing one: Kafka first, a disk spool when not.

Normal path: Avro-encode, hand to an idempotent confluent-kafka producer
(`enable.idempotence`, `acks=all`) keyed by session_id; `publish` never waits on the
network. When Kafka is unreachable (a delivery error or timeout, all brokers down, the
local queue full) the publisher switches to spooling: it purges the producer's queue,
waits for the messages already handed over to settle, writes the failed ones to the
spool in the order they were published, then everything published meanwhile, then
every new message, so one session's messages never overtake each other. A background
thread probes the broker and drains the spool head-first; once it is empty, messages
go straight to Kafka again. The spool is bounded: past it `publish` raises `SpoolFull`.

Delivery is at-least-once. A message whose request was in flight when the broker died
and whose retries then timed out may have been written; it is sent again from the
spool (same event_id, so consumers can drop the copy).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any, Literal

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from streams import avro
from streams.gateway.delivery import Rec, is_permanent, producer_config
from streams.gateway.drain import Drain
from streams.gateway.errors import EventTooLarge, PublisherClosed, SpoolFull
from streams.gateway.sinks import SinkStats
from streams.gateway.spool import Fsync, Spool, frame
from streams.gateway.throttle import Throttle
from streams.kafka.connection import KafkaConnection
from streams.kafka.topics import MAX_MESSAGE_BYTES
from streams.schema_errors import SchemaError

log = logging.getLogger(__name__)
_client_log = logging.getLogger("streams.kafka.librdkafka")


class Publisher:
    """Gateway-side producer of raw envelopes with a durable, ordered, bounded spool."""

    def __init__(self, bootstrap: str | KafkaConnection, topic: str = "mcp.events.raw", *,
                 spool_dir: str | Path, max_spool_bytes: int = 256 * 1024 * 1024,
                 delivery_timeout: float = 15.0, fsync: Fsync = "interval",
                 config: Mapping[str, Any] | None = None,
                 registry: avro.SchemaRegistry | None = None,
                 retry_backoff: tuple[float, float] = (0.5, 10.0), drain_batch: int = 500,
                 probe_timeout: float = 1.0,
                 on_invalid: Literal["raise", "json"] = "raise") -> None:
        self.topic = topic
        self.on_invalid = on_invalid
        self.registry = registry
        self.max_message_bytes = MAX_MESSAGE_BYTES
        self._spool = Spool(spool_dir, max_bytes=max_spool_bytes, fsync=fsync)
        self._rejected_path = Path(spool_dir) / "rejected.log"
        conf = producer_config(bootstrap, delivery_timeout, self.max_message_bytes, config)
        conf["error_cb"] = self._on_error
        self._conf = conf
        self._producer = Producer(conf, logger=_client_log)
        self._fatal = False
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stats = SinkStats()
        self._seq = 0
        self._unacked: dict[int, Rec] = {}  # handed to the producer, callback not yet served
        self._failed: dict[int, Rec] = {}  # failed while earlier ones were still unacked
        self._held: list[Rec] = []  # published while those settle, bound by the spool's
        self._held_bytes = 0
        self._spooling = len(self._spool) > 0
        self._purge_due = False
        self._drain = Drain(self, retry_backoff, drain_batch, probe_timeout)
        self._fail_log = Throttle(log, 5.0)
        self._closed = False
        self._stop = threading.Event()
        if self._spooling:
            log.info("spool %s holds %d events from an earlier run; draining them first",
                     self._spool.directory, len(self._spool))
        self._thread = threading.Thread(target=self._pump, name="mcpgov-publisher", daemon=True)
        self._thread.start()

    # -- public ---------------------------------------------------------------------

    def publish(self, envelope: Mapping[str, Any]) -> None:
        """Avro-encode and send one envelope keyed by its session_id; never blocks on Kafka.

        Raises `SchemaError` for an envelope that does not fit the schema (unless
        `on_invalid="json"`: then it goes as JSON text, for the governor to dead-letter
        with a reason; the proxy does this, as what it relays is never its to refuse),
        `EventTooLarge`,
        `SpoolFull` when Kafka is away and the spool is at its bound, `PublisherClosed`.
        """
        try:
            value = avro.encode("raw_event", envelope, registry=self.registry, topic=self.topic)
        except SchemaError:
            if self.on_invalid == "raise":
                raise
            value = _as_json(envelope)  # the raw topic takes JSON too; the governor DLQs it
        session = envelope.get("session_id")
        self.publish_raw(session.encode("utf-8") if isinstance(session, str) else None, value)

    def publish_raw(self, key: bytes | None, value: bytes) -> None:
        """Send bytes as they are (e.g. a replayed line the governor should dead-letter)."""
        if len(value) > self.max_message_bytes:
            raise EventTooLarge(f"event is {len(value)} bytes, over the "
                                f"{self.max_message_bytes}-byte message limit")
        rec = Rec(key, value)
        with self._lock:
            if self._closed:
                raise PublisherClosed("publish after close")
            if not self._spooling:
                try:
                    self._produce(rec)
                    return
                except BufferError:
                    self._degrade("the producer's local queue is full")
            self._to_spool(rec)

    def flush(self, timeout: float = 10.0) -> int:
        """Wait until every accepted event is acked by Kafka; return how many are not."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._drain.hurry()
            while (left := self._pending()) and (wait := deadline - time.monotonic()) > 0:
                self._changed.wait(min(wait, 0.1))
            return left

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what Kafka takes within `timeout`; spool the rest to disk for the next run."""
        if self._closed:
            return
        self.flush(timeout)
        with self._lock:
            self._closed = True
        self._stop.set()
        self._thread.join(timeout=0.5)  # a broker probe may hold it; it stops right after
        self._producer.purge(in_queue=True, in_flight=True, blocking=True)
        deadline = time.monotonic() + 5.0
        while len(self._producer) and time.monotonic() < deadline:
            self._producer.poll(0.05)
        with self._lock:
            lost = len(self._unacked)
            self._unacked.clear()
            self._drain.abandon()
            self._settle()
            stats = self.stats()
        if lost:
            log.error("publisher closed with %d events the producer never reported on", lost)
        self._spool.close()
        log.info("publisher closed: %s; %d events left in spool %s", stats.as_dict(),
                 stats.pending, self._spool.directory)

    def stats(self) -> SinkStats:
        """A snapshot of the counters (sent, spooled, drained, failed, rejected, pending)."""
        with self._lock:
            snap = SinkStats(**self._stats.as_dict())
            snap.pending = self._pending()
            return snap

    @property
    def spooling(self) -> bool:
        """True while Kafka is considered away (events go to the spool)."""
        return self._spooling

    @property
    def spool(self) -> Spool:
        return self._spool

    # -- delivery -------------------------------------------------------------------

    def _produce(self, rec: Rec) -> None:
        self._seq += 1
        self._producer.produce(self.topic, rec.value, rec.key,
                               on_delivery=partial(self._on_delivery, self._seq))
        self._unacked[self._seq] = rec

    def _on_delivery(self, seq: int, err: KafkaError | None, msg: Message) -> None:
        with self._lock:
            rec = self._unacked.pop(seq, None)
            if rec is None:
                return
            if err is None:
                self._stats.sent += 1
                log.debug("delivered to %s[%s]@%s", msg.topic(), msg.partition(), msg.offset())
            elif is_permanent(err):
                self.reject(rec, err, msg)
            else:
                self._stats.failed += 1
                self._fail_log.warn("delivery to %s[%s] failed: %s; spooling",
                                    msg.topic(), msg.partition(), err.str())
                self._failed[seq] = rec
                self._degrade(err.str())
            self._settle()
            self._changed.notify_all()

    def _on_error(self, err: KafkaError) -> None:
        if err.code() == KafkaError._ALL_BROKERS_DOWN or err.fatal():
            with self._lock:
                self._fatal = self._fatal or err.fatal()
                self._degrade(err.str())
        else:
            log.debug("kafka client: %s", err.str())

    def reject(self, rec: Rec, err: KafkaError, msg: Message | None) -> None:
        """Kafka refused `rec` for good: keep it in rejected.log, count it, say so."""
        with open(self._rejected_path, "ab") as fh:
            fh.write(frame(rec.pack()))
        self._stats.rejected += 1
        where = f"{msg.topic()}[{msg.partition()}]" if msg is not None else self.topic
        log.error("Kafka rejected an event for %s: %s; kept in %s", where, err.str(),
                  self._rejected_path)

    def _degrade(self, reason: str) -> None:
        if not self._spooling:
            self._spooling = True
            self._purge_due = True
            log.warning("Kafka unreachable (%s): spooling events to %s", reason,
                        self._spool.directory)

    def _to_spool(self, rec: Rec) -> None:
        if self._unacked or self._failed:  # earlier messages still settling: wait behind them
            size = len(frame(rec.pack()))
            if self._spool.pending_bytes + self._held_bytes + size > self._spool.max_bytes:
                raise SpoolFull(self._spool.pending_bytes + self._held_bytes, size,
                                self._spool.max_bytes, self._spool.directory)
            self._held.append(rec)
            self._held_bytes += size
        else:
            self._spool.append(rec.pack())
            self._stats.spooled += 1

    def _settle(self) -> None:
        """Once nothing is unacked, move failed then held messages to the spool, in order."""
        if self._unacked:
            return
        for rec in [self._failed[s] for s in sorted(self._failed)] + self._held:
            self._spool.append(rec.pack(), force=True)  # accepted earlier: never dropped
            self._stats.spooled += 1
        self._failed.clear()
        self._held.clear()
        self._held_bytes = 0

    def _pending(self) -> int:
        return (len(self._unacked) + len(self._failed) + len(self._held) + len(self._spool))

    def _pump(self) -> None:
        """Serve delivery callbacks, purge after a failure, drain the spool, fsync when due."""
        while not self._stop.is_set():
            self._producer.poll(0.05)
            if self._purge_due:
                self._purge_due = False
                self._producer.purge(in_queue=True, in_flight=False, blocking=False)
            if self._fatal and self.ready_to_drain():
                self._renew_producer()
            try:
                self._drain.step()
                self._spool.sync_if_due()
            except (KafkaException, OSError) as exc:  # keep pumping; say what went wrong
                log.error("publisher background step failed: %s", exc)
                time.sleep(0.5)

    def _renew_producer(self) -> None:
        """A fatal error (e.g. the idempotence state is lost) leaves the producer unusable."""
        with self._lock:
            old, self._producer = self._producer, Producer(self._conf, logger=_client_log)
            self._fatal = False
        old.purge(in_queue=True, in_flight=True, blocking=True)
        old.poll(0)
        log.warning("the Kafka producer hit a fatal error; a new producer took over")

    # used by Drain ----------------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def producer(self) -> Producer:
        return self._producer

    def ready_to_drain(self) -> bool:
        return self._spooling and not (self._closed or self._unacked or self._failed or
                                       self._held)

    def drained(self, count: int) -> None:
        self._stats.sent += count
        self._stats.drained += count
        self._changed.notify_all()

    def recovered(self) -> None:
        self._spooling = False
        log.warning("Kafka reachable again: spool %s drained, publishing directly",
                    self._spool.directory)
        self._changed.notify_all()

    def drain_failed(self, err: KafkaError, msg: Message) -> None:
        self._stats.failed += 1
        self._fail_log.warn("delivery from the spool to %s[%s] failed: %s; will retry",
                            msg.topic(), msg.partition(), err.str())
        self._purge_due = True


def _as_json(envelope: Mapping[str, Any]) -> bytes:
    """JSON bytes of an envelope Avro refused; lone surrogates escaped, odd types as text."""
    return json.dumps(envelope, ensure_ascii=True, default=repr).encode("ascii")
