"""Draining the spool back into Kafka, head first, one batch at a time.

Kept apart from the publisher because its rules are the subtle part: probe the
broker before sending (a metadata request fails fast, a send waits for the message
timeout); commit only the records acked in order from the head, so a failure keeps
the rest in place; remember records acked behind a failed one so they are not sent
twice; back off exponentially while the broker stays away.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import TYPE_CHECKING

from confluent_kafka import KafkaError, KafkaException, Message

from streams.gateway.delivery import Rec, is_permanent
from streams.gateway.spool import Batch, Position

if TYPE_CHECKING:
    from streams.gateway.publisher import Publisher

log = logging.getLogger(__name__)

_OK, _FAIL, _REJECT, _SKIP, _WAIT = range(5)


class Drain:
    """The publisher's spool-to-Kafka loop; `step` runs on the publisher's pump thread."""

    def __init__(self, publisher: Publisher, backoff: tuple[float, float], batch: int,
                 probe_timeout: float) -> None:
        self.pub = publisher
        self.min_delay, self.max_delay = backoff
        self.batch_size = batch
        self.probe_timeout = probe_timeout
        self._delay = self.min_delay
        self._next = 0.0
        self._probed = False
        self._batch: Batch | None = None
        self._results: list[int] = []
        self._outstanding = 0
        self._delivered: set[Position] = set()

    def hurry(self) -> None:
        """Try now rather than after the back-off (someone is waiting in `flush`)."""
        self._next = 0.0

    def abandon(self) -> None:
        """Forget an unfinished batch: its records stay in the spool for the next run."""
        self._batch = None

    def step(self) -> None:
        pub = self.pub
        with pub.lock:
            if self._batch is not None or not pub.ready_to_drain() or \
                    time.monotonic() < self._next:
                return
        if not self._probed:
            if not self._probe():
                self._backoff()
                return
            self._probed = True
        with pub.lock:
            if not pub.ready_to_drain():
                return
            batch = pub.spool.peek(self.batch_size)
            if not batch.records:
                self._probed = False
                pub.recovered()
                return
            self._start(batch)

    def _probe(self) -> bool:
        try:
            meta = self.pub.producer.list_topics(topic=self.pub.topic, timeout=self.probe_timeout)
        except KafkaException as exc:
            log.debug("broker probe failed: %s", exc)
            return False
        topic = meta.topics.get(self.pub.topic)
        if topic is None or topic.error is not None or not meta.brokers:
            reason = topic.error.str() if topic is not None and topic.error else "no metadata"
            log.debug("broker probe: topic %s not ready: %s", self.pub.topic, reason)
            return False
        return True

    def _backoff(self) -> None:
        self._next = time.monotonic() + self._delay
        self._delay = min(self._delay * 2, self.max_delay)

    def _start(self, batch: Batch) -> None:
        self._batch, self._results, self._outstanding = batch, [_WAIT] * len(batch.records), 0
        for i, data in enumerate(batch.records):
            if batch.ends[i] in self._delivered:
                self._results[i] = _SKIP
                continue
            rec = Rec.unpack(data)
            try:
                self.pub.producer.produce(self.pub.topic, rec.value, rec.key,
                                          on_delivery=partial(self._done, batch, i))
            except BufferError:
                self._batch = batch = batch.prefix(i)
                self._results = self._results[:i]
                break
            self._outstanding += 1
        if self._outstanding == 0:
            self._finish()

    def _done(self, batch: Batch, i: int, err: KafkaError | None, msg: Message) -> None:
        with self.pub.lock:
            if batch is not self._batch or i >= len(self._results):
                return  # abandoned at close
            if err is None:
                self._results[i] = _OK
            elif is_permanent(err):
                self._results[i] = _REJECT
                self.pub.reject(Rec.unpack(batch.records[i]), err, msg)
            else:
                self._results[i] = _FAIL
                self.pub.drain_failed(err, msg)
            self._outstanding -= 1
            if self._outstanding == 0:
                self._finish()

    def _finish(self) -> None:
        batch, results = self._batch, self._results
        assert batch is not None
        first_fail = results.index(_FAIL) if _FAIL in results else len(results)
        head = batch.prefix(first_fail)
        if head.records:
            self.pub.spool.commit(head)
        self._delivered.difference_update(head.ends)
        for i in range(first_fail + 1, len(results)):
            if results[i] == _OK:
                self._delivered.add(batch.ends[i])
        self.pub.drained(results.count(_OK))
        self._batch = None
        if first_fail < len(results):
            self._probed = False
            self._backoff()
        else:
            self._delay = self.min_delay
            self._next = 0.0
            if len(self.pub.spool) == 0:  # the last batch: direct publishing resumes now,
                self._probed = False  # not at the next step (a close may come first)
                self.pub.recovered()
