"""Batches of Kafka records by source partition, named by offsets, with replay plans.

A batch holds the records of one topic-partition between two offsets, already turned
into rows by lake partition; its files are named `<topic>+<partition>+<first>+<last>`
(offsets zero-padded), so the same offsets always make the same names. Before a batch
is written, the offset ranges not yet committed for its topic-partition are recorded
in `<lake>/_mcpgov/lander/<topic>+<partition>.json` (the plan). After a crash the
consumer starts again at the committed offset; when a plan range starts there, the new
batch is cut at that range's end instead of by size or time, so the replay produces
the very same files, the manifest sees the same bytes, and nothing is landed twice.

Kafka-free: the lander feeds records in and decides when to flush.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from streams.lake.atomic import write_atomic
from streams.lake.errors import LakeWriteError
from streams.lake.location import LakePath
from streams.lake.rows import (
    ALERT_SCHEMA,
    EVENT_SCHEMA,
    alert_partition,
    alert_row,
    day_of,
    dumps,
    event_partition,
    event_row,
)

log = logging.getLogger(__name__)

PLANS = Path("_mcpgov") / "lander"
DLQ = Path("_dlq")
TP = tuple[str, int]


def file_stem(topic: str, partition: int, first: int, last: int) -> str:
    return f"{topic}+{partition}+{first:019d}+{last:019d}"


@dataclass
class Batch:
    """Records of one topic-partition from `first` to `last`, as rows by lake partition."""

    topic: str
    partition: int
    first: int
    last: int
    plan_last: int | None = None
    started: float = field(default_factory=time.monotonic)
    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    schemas: dict[str, pa.Schema] = field(default_factory=dict)
    rows: int = 0

    @property
    def name(self) -> str:
        return file_stem(self.topic, self.partition, self.first, self.last)

    @property
    def source(self) -> dict[str, Any]:
        return {"topic": self.topic, "partition": self.partition, "first": self.first,
                "last": self.last}

    def add_row(self, lake_partition: str, row: dict[str, Any], schema: pa.Schema) -> None:
        self.parts.setdefault(lake_partition, []).append(row)
        self.schemas[lake_partition] = schema
        self.rows += 1


Row = tuple[str, dict[str, Any], pa.Schema]


def event_rows(record: dict[str, Any], topic_region: str) -> Row:
    """(lake partition, row, schema) of a governed event; raises if it cannot land."""
    region = (record.get("residency") or {}).get("region") or topic_region
    return (event_partition(region, record["tenant"], day_of(record["time"])),
            event_row(record), EVENT_SCHEMA)


def alert_rows(record: dict[str, Any]) -> Row:
    return alert_partition(day_of(record["time"])), alert_row(record), ALERT_SCHEMA


def vault_rows(record: dict[str, Any]) -> Row:
    """(lake partition, row, schema) of a vault entry: `vault/tenant=<t>/date=<d>`."""
    from streams.erasure.vault import VAULT_SCHEMA, vault_partition, vault_row

    return vault_partition(record), vault_row(record), VAULT_SCHEMA


class Batches:
    """Open batches per topic-partition, closed ones waiting to flush, and replay plans."""

    def __init__(self, lake: LakePath, *, flush_events: int, flush_seconds: float) -> None:
        self.lake, self.flush_events, self.flush_seconds = lake, flush_events, flush_seconds
        self.open: dict[TP, Batch] = {}
        self.closed: list[Batch] = []
        self.pending: dict[TP, list[list[int]]] = {}  # landed, not yet committed
        self._plans: dict[TP, list[list[int]]] = {}

    def add(self, topic: str, partition: int, offset: int,
            row: Row | None) -> None:
        """Add the record at `offset` (None: a dead letter, which only moves the offsets)."""
        tp = (topic, partition)
        batch = self.open.get(tp)
        if batch is not None and batch.plan_last is not None and offset > batch.plan_last:
            batch.last = batch.plan_last  # its end was skipped (compaction): keep the name
            self._close(tp)
            batch = None
        if batch is None:
            batch = self.open[tp] = Batch(topic, partition, offset, offset,
                                          plan_last=self._planned_end(tp, offset))
        batch.last = offset
        if row is not None:
            batch.add_row(*row)
        if batch.plan_last is not None and offset >= batch.plan_last:
            batch.last = batch.plan_last
            self._close(tp)

    def due(self, now: float | None = None) -> bool:
        """Whether to flush now: a planned batch is complete, or size or age is reached."""
        if self.closed:
            return True
        free = [b for b in self.open.values() if b.plan_last is None]
        now = time.monotonic() if now is None else now
        return (sum(b.last - b.first + 1 for b in free) >= self.flush_events
                or any(now - b.started >= self.flush_seconds for b in free))

    def take(self) -> list[Batch]:
        """The batches to flush: closed ones and every unplanned open one."""
        out, self.closed = self.closed, []
        for tp, batch in list(self.open.items()):
            if batch.plan_last is None:
                out.append(self.open.pop(tp))
        return out

    def plan(self, batches: list[Batch]) -> None:
        """Record the uncommitted ranges of these batches' partitions before writing them."""
        for b in batches:
            self.pending.setdefault((b.topic, b.partition), []).append([b.first, b.last])
        for tp in {(b.topic, b.partition) for b in batches}:
            doc = {"topic": tp[0], "partition": tp[1], "uncommitted": self.pending[tp]}
            _write(self._plan_path(tp), (dumps(doc) + "\n").encode("utf-8"))

    def committed(self, batches: list[Batch]) -> None:
        for b in batches:
            self.pending.pop((b.topic, b.partition), None)

    def forget(self, tps: list[TP]) -> None:
        """Drop what belongs to revoked partitions: their new owner replays it."""
        for tp in tps:
            self.open.pop(tp, None)
            self.pending.pop(tp, None)
            self._plans.pop(tp, None)
        self.closed = [b for b in self.closed if (b.topic, b.partition) not in tps]

    def _close(self, tp: TP) -> None:
        self.closed.append(self.open.pop(tp))

    def _planned_end(self, tp: TP, offset: int) -> int | None:
        if tp not in self._plans:
            try:
                doc = json.loads(self._plan_path(tp).read_text(encoding="utf-8"))
                self._plans[tp] = [[int(a), int(b)] for a, b in doc["uncommitted"]]
            except (OSError, ValueError, KeyError, TypeError):
                self._plans[tp] = []
        last = next((b for a, b in self._plans[tp] if a == offset), None)
        if last is not None:
            log.info("lander: %s[%d]: replaying offsets %d-%d into the same files", tp[0], tp[1],
                     offset, last)
        return last

    def _plan_path(self, tp: TP) -> LakePath:
        return self.lake / PLANS / f"{tp[0]}+{tp[1]}.json"


def dead_letter(lake: LakePath, topic: str, partition: int, offset: int, reason: str,
                value: bytes | None) -> LakePath:
    """One JSON file per bad record, named by its offset so a replay rewrites it.

    The value itself is not copied (it may hold anything): its size and sha256 let an
    operator find it on the topic.
    """
    doc = {"topic": topic, "partition": partition, "offset": offset, "reason": reason,
           "size": len(value or b""), "sha256": hashlib.sha256(value or b"").hexdigest(),
           "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return _write(lake / DLQ / f"{file_stem(topic, partition, offset, offset)}.json",
                  (dumps(doc) + "\n").encode("utf-8"))


def _write(path: LakePath, data: bytes) -> LakePath:
    try:
        return write_atomic(path, data)
    except OSError as exc:
        raise LakeWriteError(path, exc.strerror or type(exc).__name__) from exc

