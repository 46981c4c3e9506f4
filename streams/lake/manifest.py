"""One partition's tamper-evident manifest: a signed hash chain of the files it holds.

`<lake>/_manifests/<partition>/manifest.jsonl` is append-only; each line is one
entry, canonical JSON signed with Ed25519, carrying the sha256 of the line before it
(`prev`), so editing, dropping or reordering a line breaks the chain. An entry says
`add` (a file and its sha256, size, rows, time range and the Kafka offsets or input
lines it came from) or `remove` (a lawful deletion, for retention and erasure). A
file rewritten with other content gets a new `add` that names the entry it
`supersedes`; the same content again (a replay) adds nothing. `head.json` beside it
is the signed (seq, hash) of the last entry: cutting lines off the end, which leaves
a valid shorter chain, no longer matches it.

Writers take an exclusive lock on the manifest, so several landers may share a lake.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams.lake.atomic import write_atomic
from streams.lake.errors import LakeWriteError, ManifestError
from streams.lake.rows import dumps
from streams.lake.signing import Signer

log = logging.getLogger(__name__)

MANIFESTS = "_manifests"
MANIFEST_FILE = "manifest.jsonl"
HEAD_FILE = "head.json"
RECEIPTS = "_receipts"
"""Signed disposal and erasure receipts live here; `verify` checks their signatures."""
GENESIS = "0" * 64
VERSION = 1


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signed_line(body: dict[str, Any], signer: Signer) -> bytes:
    """Canonical JSON of `body` plus its signature over that same canonical text."""
    return dumps({**body, "sig": signer.sign(dumps(body).encode("utf-8"))}).encode("utf-8")


def body_of(record: dict[str, Any]) -> bytes:
    """What a signature covers: the canonical JSON of the record without `sig`."""
    return dumps({k: v for k, v in record.items() if k != "sig"}).encode("utf-8")


def manifest_dir(lake: Path, partition: str) -> Path:
    return lake / MANIFESTS / partition


@dataclass(frozen=True)
class FileFacts:
    """What an `add` entry records about one data file."""

    sha256: str
    size: int
    rows: int
    time_min: str | None
    time_max: str | None
    source: dict[str, Any] | None


@dataclass
class _State:
    offset: int = 0
    seq: int = -1
    last: str = GENESIS
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


class Manifest:
    """Append entries to one partition's chain (and keep its head) under a lock."""

    def __init__(self, lake: Path, partition: str, signer: Signer) -> None:
        self.lake, self.partition, self.signer = lake, partition, signer
        self.folder = manifest_dir(lake, partition)
        self.path = self.folder / MANIFEST_FILE
        self._state = _State()

    def add(self, name: str, data: bytes, facts: FileFacts) -> dict[str, Any] | None:
        """Write `data` as file `name` of the partition and record it, unless already held.

        Returns the new entry, or None when the manifest already lists these very bytes
        under this name and the file is on disk (a replay).
        """
        target = self.lake / self.partition / name
        with self._locked() as fd:
            current = self._state.files.get(name)
            if (current is not None and current["sha256"] == facts.sha256
                    and _size(target) == facts.size):
                return None
            try:
                write_atomic(target, data)
            except OSError as exc:
                raise LakeWriteError(target, exc.strerror or type(exc).__name__) from exc
            body = {"op": "add", "file": name, "sha256": facts.sha256, "size": facts.size,
                    "rows": facts.rows, "time_min": facts.time_min, "time_max": facts.time_max,
                    "source": facts.source,
                    "supersedes": None if current is None else current["seq"]}
            return self._append(fd, body)

    def remove(self, name: str, reason: str) -> dict[str, Any]:
        """Record that file `name` was deleted on purpose (retention, erasure), then delete it."""
        with self._locked() as fd:
            current = self._state.files.get(name)
            if current is None:
                raise ManifestError(f"{self.partition}/{name} is not in the manifest")
            entry = self._append(fd, {"op": "remove", "file": name, "reason": reason,
                                      "supersedes": current["seq"]})
            (self.lake / self.partition / name).unlink(missing_ok=True)
            return entry

    # -- internals ---------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[int]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise LakeWriteError(self.path, exc.strerror or type(exc).__name__) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._refresh(fd)
            yield fd
        finally:
            os.close(fd)  # closing releases the lock

    def _refresh(self, fd: int) -> None:
        """Fold in what other writers appended since we last looked."""
        size = os.fstat(fd).st_size
        if size < self._state.offset:
            log.warning("manifest %s shrank; reading it again", self.path)
            self._state = _State()
        if size == self._state.offset:
            return
        tail = os.pread(fd, size - self._state.offset, self._state.offset)
        complete = tail.rfind(b"\n") + 1
        if complete < len(tail):  # a torn last line: only a power loss mid-write does this
            log.warning("manifest %s: dropping a torn last line of %d bytes", self.path,
                        len(tail) - complete)
            os.ftruncate(fd, self._state.offset + complete)
            tail = tail[:complete]
        for raw in tail.splitlines():
            try:
                entry = json.loads(raw)
                self._fold(entry, digest(raw))
            except (ValueError, KeyError, TypeError) as exc:
                raise ManifestError(f"{self.path}: unreadable entry after seq "
                                    f"{self._state.seq}; run `mcpgov verify`") from exc
        self._state.offset += complete

    def _fold(self, entry: dict[str, Any], line_hash: str) -> None:
        state = self._state
        state.seq, state.last = int(entry["seq"]), line_hash
        if entry["op"] == "add":
            state.files[entry["file"]] = {"seq": state.seq, "sha256": entry["sha256"]}
        elif entry["op"] == "remove":
            state.files.pop(entry["file"], None)

    def _append(self, fd: int, body: dict[str, Any]) -> dict[str, Any]:
        entry = {"v": VERSION, "seq": self._state.seq + 1, "partition": self.partition,
                 "prev": self._state.last, "kid": self.signer.kid,
                 "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), **body}
        line = signed_line(entry, self.signer)
        try:
            view = memoryview(line + b"\n")
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as exc:
            raise LakeWriteError(self.path, exc.strerror or type(exc).__name__) from exc
        self._fold(entry, digest(line))
        self._state.offset += len(line) + 1
        head = {"partition": self.partition, "seq": self._state.seq, "hash": self._state.last,
                "kid": self.signer.kid}
        try:
            write_atomic(self.folder / HEAD_FILE, signed_line(head, self.signer) + b"\n")
        except OSError as exc:
            raise LakeWriteError(self.folder / HEAD_FILE, exc.strerror or "error") from exc
        return entry


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
