"""A durable, bounded, on-disk FIFO of byte records: where events wait while Kafka is away.

Layout of a spool directory (mode 0700, one process at a time, held by `flock`):

- ``seg-<n>.log``: append-only segment files; each record is framed as
  ``>I length``, ``>I crc32(length bytes + payload)``, payload. A new segment starts
  when the current one passes `segment_bytes`; consumed segments are deleted.
- ``cursor``: ``<segment> <offset>`` of the first record not yet delivered, replaced
  atomically (write, fsync, rename) on every `commit`.
- ``quarantine/``: bytes found unreadable at open (a torn or corrupt record and what
  follows it in that segment), kept for forensics and reported, never replayed.

Durability (`fsync`): every append is written to the kernel before `append` returns,
so a crash or kill of the process loses nothing. ``"interval"`` (default) also fsyncs
at most every `fsync_interval` seconds (and on `sync`/`close`), bounding what a power
loss can take; ``"always"`` fsyncs each append; ``"never"`` leaves it to the OS.
Delivery is at-least-once: records are removed only by `commit` after Kafka acked them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path
from typing import BinaryIO, Literal

from streams.gateway.errors import SpoolCorrupt, SpoolFull, SpoolLocked
from streams.gateway.framing import HEADER, Batch, Position, TornRecord, check, frame

log = logging.getLogger(__name__)

Fsync = Literal["always", "interval", "never"]
__all__ = ["Batch", "Fsync", "Position", "Spool", "TornRecord", "frame"]
class Spool:
    """Append at the tail, read and `commit` at the head; survives restarts and torn writes."""

    def __init__(self, directory: str | Path, *, max_bytes: int = 256 * 1024 * 1024,
                 segment_bytes: int = 16 * 1024 * 1024, fsync: Fsync = "interval",
                 fsync_interval: float = 1.0) -> None:
        if fsync not in ("always", "interval", "never"):
            raise ValueError("fsync must be 'always', 'interval' or 'never'")
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes
        self.fsync = fsync
        self.fsync_interval = fsync_interval
        self.torn: list[TornRecord] = []
        self._mutex = threading.Lock()
        self._writer: BinaryIO | None = None
        self._last_sync = time.monotonic()
        self._dirty = False
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock_fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise SpoolLocked(self.directory) from None
        self._cursor = self._read_cursor()
        self._records = 0
        self._bytes = 0
        self._recover()

    # -- public ---------------------------------------------------------------------

    def __len__(self) -> int:
        return self._records

    @property
    def pending_bytes(self) -> int:
        """Framed bytes not yet committed: what counts against `max_bytes`."""
        return self._bytes

    def append(self, payload: bytes, *, force: bool = False) -> None:
        """Add one record at the tail; `SpoolFull` past the bound unless `force`.

        `force` is for records already accepted from a caller (e.g. in the producer's
        queue when Kafka went away): dropping those would lose them silently.
        """
        data = frame(payload)
        with self._mutex:
            if not force and self._bytes + len(data) > self.max_bytes:
                raise SpoolFull(self._bytes, len(data), self.max_bytes, self.directory)
            writer = self._tail()
            writer.write(data)
            writer.flush()
            self._records += 1
            self._bytes += len(data)
            self._dirty = True
            due = time.monotonic() - self._last_sync >= self.fsync_interval
            if self.fsync == "always" or (self.fsync == "interval" and due):
                self._sync_locked()

    def peek(self, max_records: int = 500, max_bytes: int = 4 * 1024 * 1024) -> Batch:
        """Up to `max_records` records from the head (at least one if any), not yet removed."""
        with self._mutex:
            records: list[bytes] = []
            ends: list[Position] = []
            start, nbytes = self._cursor, 0
            for seg in self._segments():
                if seg < start.segment:
                    continue
                offset = start.offset if seg == start.segment else 0
                with open(self._path(seg), "rb") as fh:
                    fh.seek(offset)
                    while len(records) < max_records and (not records or nbytes < max_bytes):
                        header = fh.read(HEADER.size)
                        if len(header) < HEADER.size:
                            break
                        length, _ = HEADER.unpack(header)
                        records.append(fh.read(length))
                        offset += HEADER.size + length
                        nbytes += HEADER.size + length
                        ends.append(Position(seg, offset))
                if len(records) >= max_records or nbytes >= max_bytes:
                    break
            return Batch(start, records, ends)

    def commit(self, batch: Batch) -> None:
        """Remove `batch` (read by `peek`) from the head; durable before it returns."""
        with self._mutex:
            if not batch.records:
                return
            if batch.start != self._cursor:
                raise ValueError("commit a batch read from the current head, in order")
            self._records -= len(batch.records)
            self._bytes -= batch.nbytes
            self._cursor = batch.end
            if self._records == 0:
                self._reset_locked()
                return
            for seg in self._segments():
                if seg < batch.end.segment:
                    self._path(seg).unlink(missing_ok=True)
            self._write_cursor()

    def sync(self) -> None:
        """fsync appended records now (the publisher calls it when idle)."""
        with self._mutex:
            if self._dirty:
                self._sync_locked()

    def sync_if_due(self) -> None:
        """fsync when the interval policy says it is time."""
        if self.fsync == "interval" and self._dirty and \
                time.monotonic() - self._last_sync >= self.fsync_interval:
            self.sync()

    def close(self) -> None:
        """fsync and release the directory for the next process."""
        with self._mutex:
            if self._writer is not None:
                self._sync_locked()
                self._writer.close()
                self._writer = None
            if self._lock_fd >= 0:
                os.close(self._lock_fd)
                self._lock_fd = -1

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------

    def _path(self, seg: int) -> Path:
        return self.directory / f"seg-{seg:016d}.log"

    def _segments(self) -> list[int]:
        found = []
        for p in self.directory.glob("seg-*.log"):
            try:
                found.append(int(p.stem[4:]))
            except ValueError:
                continue
        return sorted(found)

    def _tail(self) -> BinaryIO:
        if self._writer is not None and self._writer.tell() < self.segment_bytes:
            return self._writer
        segments = self._segments()
        if self._writer is not None:
            self._sync_locked()
            self._writer.close()
        elif segments and self._path(segments[-1]).stat().st_size < self.segment_bytes:
            self._writer = open(self._path(segments[-1]), "ab")  # noqa: SIM115
            return self._writer
        seg = max(segments[-1] + 1 if segments else 0, self._cursor.segment)
        fd = os.open(self._path(seg), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._writer = os.fdopen(fd, "ab")
        return self._writer

    def _sync_locked(self) -> None:
        if self._writer is not None:
            self._writer.flush()
            os.fsync(self._writer.fileno())
        self._last_sync = time.monotonic()
        self._dirty = False

    def _reset_locked(self) -> None:
        """Empty: drop every segment so an idle spool holds no files but lock and cursor."""
        next_seg = max(self._segments() + [self._cursor.segment]) + 1
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for seg in self._segments():
            self._path(seg).unlink(missing_ok=True)
        self._cursor = Position(next_seg, 0)
        self._write_cursor()

    def _read_cursor(self) -> Position:
        path = self.directory / "cursor"
        if not path.exists():
            return Position(0, 0)
        try:
            seg, off = path.read_text(encoding="ascii").split()
            return Position(int(seg), int(off))
        except (OSError, ValueError):
            raise SpoolCorrupt(f"spool cursor {path} is unreadable; move it aside to replay "
                               "the whole spool") from None

    def _write_cursor(self) -> None:
        path = self.directory / "cursor"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(f"{self._cursor.segment} {self._cursor.offset}\n")
            fh.flush()
            if self.fsync != "never":
                os.fsync(fh.fileno())
        os.replace(tmp, path)

    def _recover(self) -> None:
        """Count what is pending, and cut off (quarantine) any torn or corrupt record."""
        for seg in self._segments():
            if seg < self._cursor.segment:
                self._path(seg).unlink(missing_ok=True)
                continue
            start = self._cursor.offset if seg == self._cursor.segment else 0
            self._scan(seg, start)

    def _scan(self, seg: int, offset: int) -> None:
        path = self._path(seg)
        data = path.read_bytes()
        if offset > len(data):
            raise SpoolCorrupt(f"spool cursor points past the end of {path.name}")
        while offset < len(data):
            reason = check(data, offset)
            if reason is not None:
                self._quarantine(seg, data, offset, reason)
                return
            length = HEADER.unpack_from(data, offset)[0]
            self._records += 1
            self._bytes += HEADER.size + length
            offset += HEADER.size + length

    def _quarantine(self, seg: int, data: bytes, offset: int, reason: str) -> None:
        path = self._path(seg)
        qdir = self.directory / "quarantine"
        qdir.mkdir(mode=0o700, exist_ok=True)
        target = qdir / f"{path.stem}.{offset}.bin"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data[offset:])
            fh.flush()
            os.fsync(fh.fileno())
        with open(path, "r+b") as fh:
            fh.truncate(offset)
            os.fsync(fh.fileno())
        self.torn.append(TornRecord(path.name, offset, reason, target))
        log.warning("spool %s: %s at %s offset %d; %d bytes quarantined in %s; the %d records "
                    "before it are kept", self.directory, reason, path.name, offset,
                    len(data) - offset, target, self._records)
