"""The subject key store on a compacted Kafka topic (default `mcp.subject-keys`).

Same interface as the folder store (`SubjectKeys`), so the governor, `erase` and
`detokenize` take either. The governor is partitioned by session while keys are per
(tenant, subject), so no faust table can hold them: every instance reads the **whole**
topic (all partitions assigned, no consumer group, from the beginning) in a background
thread and folds it into a `KeyTable` (the rule is in `streams.erasure.keytable`).

- `get` answers from memory when it knows a key; before saying "no key" it catches up
  to the topic's current high watermarks (bounded wait, `SubjectKeyStoreError` after).
- `get_or_create` produces a candidate (acks=all, idempotent producer), flushes, waits
  until its reader is past the produced offset, and returns the winner, which is not
  necessarily its own: two instances racing on a new subject agree on one key.
- `destroy` catches up, produces a tombstone for every live candidate of the subject,
  waits to read them back (which drops the key from memory) and returns the key id.

Values are the key document sealed under the keyring's wrapping key, so the topic alone
reveals no key; nothing here logs key material and `repr` shows none.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from streams.erasure.errors import SubjectKeyError, SubjectKeyStoreError
from streams.erasure.keys import SubjectKey
from streams.erasure.keytable import (
    KeyTable,
    new_key,
    record_key,
    subject_partition,
    unwrap,
    wrap,
)
from streams.kafka.connection import KafkaConnection
from streams.kafka.errors import TopicError
from streams.kafka.topics import DEFAULT_SUBJECT_KEYS, topic_configs

if TYPE_CHECKING:
    from streams.keyring import Keyring

log = logging.getLogger(__name__)
_client_log = logging.getLogger("streams.erasure.librdkafka")

TICK_KEY = b"_mcpgov.roll-tick"  # not a candidate key: every reader skips it
TICK_SECONDS = 3600.0
COMPACTION_CONFIGS = ("cleanup.policy", "segment.ms", "max.compaction.lag.ms",
                      "min.compaction.lag.ms", "min.cleanable.dirty.ratio",
                      "delete.retention.ms")
_UNBOUNDED = 2**63 - 1


class KafkaSubjectKeyStore:
    """Subject keys on a compacted topic, folded in memory by a reader thread."""

    def __init__(self, broker: str | KafkaConnection, keyring: Keyring, *,
                 topic: str = DEFAULT_SUBJECT_KEYS, timeout: float = 30.0,
                 tick_seconds: float | None = TICK_SECONDS,
                 client_config: Mapping[str, Any] | None = None) -> None:
        self.connection = KafkaConnection.of(broker)
        self.bootstrap = self.connection.bootstrap
        self.topic = topic
        self.timeout = timeout
        self.tick_seconds = tick_seconds
        self.tombstones: list[tuple[int, int]] = []  # (partition, offset) this store wrote
        self._ring = keyring
        self._config = self.connection.confluent(client_config or {})
        self._table = KeyTable()
        self._opened: dict[bytes, SubjectKey] = {}  # unwrapped winners, dropped on tombstone
        self._cond = threading.Condition()
        self._positions: dict[int, int] = {}  # next offset the reader will see
        self._partitions = 0
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._create_lock = threading.Lock()
        self._wm_lock = threading.Lock()
        self._consumer: Any = None
        self._watermarks: Any = None
        self._producer: Any = None
        self.records = 0

    def __repr__(self) -> str:  # names the topic, never a key or the keyring
        return (f"KafkaSubjectKeyStore(topic={self.topic!r}, bootstrap={self.bootstrap!r}, "
                f"subjects={len(self._table)})")

    # -- life cycle ------------------------------------------------------------------

    def start(self) -> KafkaSubjectKeyStore:
        """Assign every partition from the beginning and read up to the current end."""
        with self._start_lock:
            if self._thread is not None:
                return self
            from confluent_kafka import (
                OFFSET_BEGINNING,
                Consumer,
                KafkaException,
                Producer,
                TopicPartition,
            )

            if self._stop.is_set():
                raise SubjectKeyStoreError(f"subject keys: the store of {self.topic} is closed")

            group = f"mcpgov-subject-keys-{uuid.uuid4().hex}"  # never joined: assign() only
            consumer = Consumer({**self._config, "group.id": group,
                                 "enable.auto.commit": False, "enable.partition.eof": True,
                                 "auto.offset.reset": "earliest"}, logger=_client_log)
            try:
                meta = consumer.list_topics(self.topic, timeout=self.timeout)
            except KafkaException as exc:
                consumer.close()
                raise SubjectKeyStoreError(f"subject keys: no answer from {self.bootstrap} "
                                           f"within {self.timeout:.0f}s: {exc.args[0]}") from None
            found = meta.topics.get(self.topic)
            if found is None or found.error is not None or not found.partitions:
                consumer.close()
                raise SubjectKeyStoreError(
                    f"no subject key topic {self.topic} on {self.bootstrap}: create it with "
                    f"`mcpgov topics create --broker {self.bootstrap}`")
            self._partitions = len(found.partitions)
            consumer.assign([TopicPartition(self.topic, p, OFFSET_BEGINNING)
                             for p in sorted(found.partitions)])
            self._consumer = consumer
            self._watermarks = Consumer({**self._config, "group.id": group},
                                        logger=_client_log)
            self._producer = Producer({**self._config, "acks": "all",
                                       "enable.idempotence": True, "linger.ms": 0},
                                      logger=_client_log)
            self._thread = threading.Thread(target=self._read, name=f"subject-keys:{self.topic}",
                                            daemon=True)
            self._thread.start()
        began = time.monotonic()
        self._catch_up()
        log.info("subject keys: read %d records of %s (%d subjects) in %.1fs", self.records,
                 self.topic, len(self._table), time.monotonic() - began)
        return self

    def close(self) -> None:
        """Stop the reader and close the clients; safe to call twice."""
        with self._start_lock:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            self._stop.set()
            thread.join(timeout=10)
            for client in (self._consumer, self._watermarks):
                client.close()
            self._producer.flush(5)

    def __enter__(self) -> KafkaSubjectKeyStore:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the interface -----------------------------------------------------------------

    def sync(self) -> None:
        """Read up to the topic's current end: afterwards this store knows every record
        acknowledged before the call (a destroy elsewhere included)."""
        self._started()
        self._catch_up()

    def get(self, tenant: str, subject_token: str) -> SubjectKey | None:
        """The key from memory when known; else caught up to the topic's end first."""
        self._started()
        with self._cond:
            known = self._table.winner(tenant, subject_token)
        if known is None:
            self._catch_up()
        return self._resolve(tenant, subject_token)

    def exists(self, tenant: str, subject_token: str) -> bool:
        return self.get(tenant, subject_token) is not None

    def get_or_create(self, tenant: str, subject_token: str) -> SubjectKey:
        found = self.get(tenant, subject_token)
        if found is not None:
            return found
        with self._create_lock:  # one candidate per subject from this process
            for _ in range(3):
                found = self._resolve(tenant, subject_token)
                if found is not None:
                    return found
                made = new_key()
                rkey = record_key(tenant, subject_token, made.key_id)
                partition, offset = self._produce([(
                    rkey, wrap(self._ring, made, rkey),
                    subject_partition(tenant, subject_token, self._partitions))])[-1]
                self._wait({partition: offset + 1})
                found = self._resolve(tenant, subject_token)
                if found is not None:
                    if found.key_id != made.key_id:
                        log.info("subject keys: %s: another instance's key won the race",
                                 tenant)
                    return found
        raise SubjectKeyStoreError(f"subject keys: no key survived for a subject of {tenant} "
                                   "after 3 candidates (is an erasure running in a loop?)")

    def destroy(self, tenant: str, subject_token: str) -> SubjectKey | None:
        """Tombstone every live candidate of the subject; read them back; the key id."""
        self._started()
        self._catch_up()
        with self._cond:
            live = self._table.live(tenant, subject_token)
        if not live:
            return None
        done = self._produce([(c.rkey, None, c.position[0]) for c in live])
        ends: dict[int, int] = {}
        for p, o in done:
            ends[p] = max(ends.get(p, 0), o + 1)
        self._wait(ends)
        self.tombstones += done
        log.info("subject keys: destroyed key %s of a %s subject (%d tombstones on %s)",
                 live[0].key_id, tenant, len(done), self.topic)
        return SubjectKey(live[0].key_id)

    def receipt_facts(self) -> dict[str, Any] | None:
        """Where keys were destroyed: the topic, the tombstones, the compaction bound."""
        try:
            configs = topic_configs(self.connection, self.topic, COMPACTION_CONFIGS,
                                    timeout=self.timeout)
            bound = compaction_bound(configs, self.tick_seconds)
        except TopicError as exc:  # the keys are gone already: the receipt must still be written
            configs, bound = {}, f"unknown: the topic's configs could not be read ({exc})"
        return {"store": "kafka", "topic": self.topic,
                "tombstones": [{"partition": p, "offset": o} for p, o in self.tombstones],
                "configs": configs, "bound": bound}

    # -- internals ---------------------------------------------------------------------

    def _started(self) -> None:
        if self._thread is None:
            self.start()
        if self._error is not None:
            raise SubjectKeyStoreError(f"subject keys: the reader of {self.topic} failed: "
                                       f"{self._error}")

    def _resolve(self, tenant: str, subject_token: str) -> SubjectKey | None:
        with self._cond:
            found = self._table.winner(tenant, subject_token)
            opened = self._opened.get(found.rkey) if found is not None else None
        if found is None or opened is not None:
            return opened
        try:
            opened = unwrap(self._ring, found.rkey, found.value)
        except SubjectKeyError as exc:
            raise SubjectKeyError(f"{exc} (topic {self.topic}[{found.position[0]}]@"
                                  f"{found.position[1]})") from None
        with self._cond:
            if self._table.winner(tenant, subject_token) == found:  # not destroyed meanwhile
                self._opened[found.rkey] = opened
        return opened

    def _read(self) -> None:
        from confluent_kafka import KafkaError

        ticked = time.monotonic()
        try:
            while not self._stop.is_set():
                if self.tick_seconds and time.monotonic() - ticked >= self.tick_seconds:
                    self._tick()
                    ticked = time.monotonic()
                first = self._consumer.poll(0.1)  # returns on the first record: low latency
                if first is None:
                    continue
                msgs = [first, *self._consumer.consume(num_messages=500, timeout=0)]
                with self._cond:
                    for msg in msgs:
                        err = msg.error()
                        p = msg.partition()
                        if err is None:
                            if msg.value() is None:
                                self._opened.pop(msg.key(), None)
                            if msg.key() == TICK_KEY:
                                pass
                            elif not self._table.apply(p, msg.offset(), msg.key(),
                                                       msg.value()):
                                log.warning("subject keys: %s[%d]@%d: not a subject key "
                                            "record; skipped", self.topic, p, msg.offset())
                            self.records += 1
                            self._positions[p] = max(self._positions.get(p, 0),
                                                     msg.offset() + 1)
                        elif err.code() == KafkaError._PARTITION_EOF:
                            self._positions[p] = max(self._positions.get(p, 0), msg.offset())
                        elif err.fatal():
                            raise SubjectKeyStoreError(f"kafka: {err.str()}")
                        else:
                            log.warning("subject keys: %s: kafka: %s", self.topic, err.str())
                    self._cond.notify_all()
        except BaseException as exc:  # noqa: BLE001 - surfaced to every caller
            with self._cond:
                self._error = exc
                self._cond.notify_all()

    def _tick(self) -> None:
        """An empty record on every partition, so a segment holding a tombstone rolls.

        Kafka rolls a segment only when a record is appended after segment.ms (or
        max.compaction.lag.ms) has passed, and never compacts the active segment: on a
        quiet topic a destroyed key would stay in the log. Null value, one fixed key, so
        compaction keeps at most one tick per partition, for delete.retention.ms.
        """
        for p in range(self._partitions):
            self._producer.produce(self.topic, key=TICK_KEY, value=None, partition=p)
        self._producer.poll(0)

    def _high_watermarks(self) -> dict[int, int]:
        from confluent_kafka import KafkaException, TopicPartition

        out = {}
        with self._wm_lock:
            for p in range(self._partitions):
                try:
                    _, high = self._watermarks.get_watermark_offsets(
                        TopicPartition(self.topic, p), timeout=self.timeout, cached=False)
                except KafkaException as exc:
                    raise SubjectKeyStoreError(
                        f"subject keys: no end offsets for {self.topic}[{p}] from "
                        f"{self.bootstrap} within {self.timeout:.0f}s: {exc.args[0]}") from None
                out[p] = high
        return out

    def _catch_up(self) -> None:
        self._wait(self._high_watermarks())

    def _wait(self, targets: dict[int, int]) -> None:
        """Block until the reader is at or past `targets` (partition -> offset)."""
        def there() -> bool:
            return self._error is not None or all(
                self._positions.get(p, 0) >= o for p, o in targets.items())

        with self._cond:
            if not self._cond.wait_for(there, timeout=self.timeout):
                behind = {p: (self._positions.get(p, 0), o) for p, o in targets.items()
                          if self._positions.get(p, 0) < o}
                raise SubjectKeyStoreError(
                    f"subject keys: reading {self.topic} did not catch up within "
                    f"{self.timeout:.0f}s (partition: at, needed {behind})")
            if self._error is not None:
                raise SubjectKeyStoreError(f"subject keys: the reader of {self.topic} "
                                           f"failed: {self._error}")

    def _produce(self, records: list[tuple[bytes, bytes | None, int]]) -> list[tuple[int, int]]:
        """Produce and flush; (partition, offset) of each record, or SubjectKeyStoreError."""
        done: list[tuple[int, int]] = []
        errors: list[str] = []

        def delivered(err: Any, msg: Any) -> None:
            if err is not None:
                errors.append(err.str())
            else:
                done.append((msg.partition(), msg.offset()))

        for rkey, value, partition in records:
            self._producer.produce(self.topic, key=rkey, value=value, partition=partition,
                                   on_delivery=delivered)
        left = self._producer.flush(self.timeout)
        if errors or left or len(done) != len(records):
            raise SubjectKeyStoreError(
                f"subject keys: producing to {self.topic} on {self.bootstrap} failed: "
                f"{errors[0] if errors else f'not acknowledged within {self.timeout:.0f}s'}")
        return sorted(done)


def compaction_bound(configs: Mapping[str, str], tick_seconds: float | None) -> str:
    """How long a destroyed key's record may stay in the log, from the topic's configs."""
    if "compact" not in configs.get("cleanup.policy", ""):
        return ("unbounded: the topic is not compacted (cleanup.policy="
                f"{configs.get('cleanup.policy')}); a destroyed key stays until retention")
    lag = int(configs.get("max.compaction.lag.ms", _UNBOUNDED))
    if lag >= _UNBOUNDED:
        return ("unbounded: max.compaction.lag.ms is not set on the topic, so a tombstoned "
                "key may wait indefinitely for the log cleaner")
    tick = (f" + up to {_span(tick_seconds * 1000)} for the roll tick of a running store "
            "(a governor worker)" if tick_seconds else " + until the next append to the topic")
    retention = int(configs.get("delete.retention.ms", 0))
    return (f"the destroyed key's record leaves the log within max.compaction.lag.ms "
            f"({_span(lag)}){tick} + one log cleaner pass, on every replica; the "
            f"tombstone (no key material) within delete.retention.ms ({_span(retention)}) "
            "more")


def _span(ms: float) -> str:
    seconds = ms / 1000
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
