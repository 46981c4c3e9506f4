"""Land rows as Parquet files and, given a signer, record each file in its manifest.

`Lake` is what the embedded runner and the Kafka lander write through. Rows are split
by Hive partition; each partition gets one file named `<name>.parquet`, written
atomically, then (when signing) chained into that partition's manifest. Callers pick
names that are stable for the same input (input line range, or Kafka topic,
partition and offsets), so running the same input again replaces files instead of
adding copies, and the manifest sees identical bytes and records nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC
from typing import Any

import pyarrow as pa

from streams.lake import lease
from streams.lake.atomic import write_atomic
from streams.lake.errors import LakeWriteError
from streams.lake.location import LakePath, ObjectPath, lake_location
from streams.lake.manifest import FileFacts, Manifest, digest
from streams.lake.parquet import parquet_bytes
from streams.lake.rows import (
    ALERT_SCHEMA,
    EVENT_SCHEMA,
    alert_partition,
    alert_row,
    day_of,
    event_partition,
    event_row,
)
from streams.lake.signing import Signer, publish

Source = dict[str, Any]


class Lake:
    """A lake (folder or object-store URI), optionally signing: every file landed is in a
    manifest."""

    def __init__(self, root: LakePath | str, signer: Signer | None = None) -> None:
        self.root = lake_location(root)
        self.signer = signer
        self._manifests: dict[str, Manifest] = {}
        if signer is not None:
            try:
                publish(self.root, signer)
            except OSError as exc:
                raise LakeWriteError(self.root, exc.strerror or type(exc).__name__) from exc

    def land_events(self, region: str, events: Iterable[dict[str, Any]], name: str, *,
                    source: Source | None = None) -> list[LakePath]:
        """One file per (tenant, date) partition of `region`, each named `name`."""
        parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in events:
            parts[event_partition(region, e["tenant"], day_of(e["time"]))].append(event_row(e))
        return [self.land_rows(p, name, rows, EVENT_SCHEMA, source=source)
                for p, rows in sorted(parts.items())]

    def land_alerts(self, alerts: Iterable[dict[str, Any]], name: str, *,
                    source: Source | None = None) -> list[LakePath]:
        """One file per date partition under `alerts/`, each named `name`."""
        parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in alerts:
            parts[alert_partition(day_of(a["time"]))].append(alert_row(a))
        return [self.land_rows(p, name, rows, ALERT_SCHEMA, source=source)
                for p, rows in sorted(parts.items())]

    def land_rows(self, partition: str, name: str, rows: list[dict[str, Any]],
                  schema: pa.Schema, *, source: Source | None = None) -> LakePath:
        """Write `rows` as `<partition>/<name>.parquet`; record it when signing."""
        data = parquet_bytes(rows, schema)
        path = self.root / partition / f"{name}.parquet"
        if self.signer is None:
            try:
                return write_atomic(path, data)
            except OSError as exc:
                raise LakeWriteError(path, exc.strerror or type(exc).__name__) from exc
        times = [r["time"] for r in rows if r.get("time") is not None]
        facts = FileFacts(sha256=digest(data), size=len(data), rows=len(rows),
                          time_min=_iso(min(times)) if times else None,
                          time_max=_iso(max(times)) if times else None, source=source)
        self.manifest(partition).add(path.name, data, facts)
        return path

    def close(self) -> None:
        """Give back the write leases an object-store lake took (a no-op for folders)."""
        if isinstance(self.root, ObjectPath):
            for tree in sorted({p.split("/", 1)[0] for p in self._manifests}):
                lease.release(self.root, tree)

    def manifest(self, partition: str) -> Manifest:
        """The (cached) manifest writer of one partition; needs a signer."""
        if self.signer is None:
            raise LakeWriteError(self.root / partition, "no signer: manifests need a keyring")
        found = self._manifests.get(partition)
        if found is None:
            found = self._manifests[partition] = Manifest(self.root, partition, self.signer)
        return found


def _iso(value: Any) -> str:
    return str(value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def land_events(lake: LakePath, region: str, events: Iterable[dict[str, Any]], name: str, *,
                signer: Signer | None = None, source: Source | None = None) -> list[LakePath]:
    """Write one region's events, one file per (tenant, date) partition, named `name`."""
    return Lake(lake, signer).land_events(region, events, name, source=source)


def land_alerts(lake: LakePath, alerts: Iterable[dict[str, Any]], name: str, *,
                signer: Signer | None = None, source: Source | None = None) -> list[LakePath]:
    """Write alerts, one file per date partition, named `name`."""
    return Lake(lake, signer).land_alerts(alerts, name, source=source)
