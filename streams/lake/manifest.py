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

Writers take an exclusive lock on the manifest, so several landers may share a local
lake. In an object store, where nothing can be appended or locked, the manifest is
rewritten whole under the tree's write lease (`streams.lake.lease`).
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

from streams.lake import lease
from streams.lake.atomic import write_atomic
from streams.lake.errors import LakeWriteError, ManifestError
from streams.lake.location import LakePath, ObjectPath
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


def manifest_dir(lake: LakePath, partition: str) -> LakePath:
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

    def __init__(self, lake: LakePath, partition: str, signer: Signer) -> None:
        self.lake, self.partition, self.signer = lake, partition, signer
        self.folder = manifest_dir(lake, partition)
        self.path = self.folder / MANIFEST_FILE
        self._state = _State()
        self._journal: _Journal = (_ObjectJournal(self.path) if isinstance(self.path, ObjectPath)
                                   else _FileJournal(self.path))

    def add(self, name: str, data: bytes, facts: FileFacts) -> dict[str, Any] | None:
        """Write `data` as file `name` of the partition and record it, unless already held.

        Returns the new entry, or None when the manifest already lists these very bytes
        under this name and the file is on disk (a replay).
        """
        target = self.lake / self.partition / name
        with self._locked() as journal:
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
            return self._append(journal, body)

    def remove(self, name: str, reason: str) -> dict[str, Any]:
        """Record that file `name` was deleted on purpose (retention, erasure), then delete it."""
        with self._locked() as journal:
            current = self._state.files.get(name)
            if current is None:
                raise ManifestError(f"{self.partition}/{name} is not in the manifest")
            entry = self._append(journal, {"op": "remove", "file": name, "reason": reason,
                                      "supersedes": current["seq"]})
            (self.lake / self.partition / name).unlink(missing_ok=True)
            return entry

    # -- internals ---------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[_Journal]:
        if isinstance(self.lake, ObjectPath):
            lease.hold(self.lake, self.partition.split("/", 1)[0])
        try:
            with self._journal.locked():
                self._refresh()
                yield self._journal
        except OSError as exc:
            raise LakeWriteError(self.path, exc.strerror or type(exc).__name__) from exc

    def _refresh(self) -> None:
        """Fold in what other writers appended since we last looked."""
        size = self._journal.size()
        if size < self._state.offset:
            log.warning("manifest %s shrank; reading it again", self.path)
            self._state = _State()
        if size == self._state.offset:
            return
        tail = self._journal.read_from(self._state.offset)
        complete = tail.rfind(b"\n") + 1
        if complete < len(tail):  # a torn last line: only a power loss mid-write does this
            log.warning("manifest %s: dropping a torn last line of %d bytes", self.path,
                        len(tail) - complete)
            self._journal.truncate(self._state.offset + complete)
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

    def _append(self, journal: _Journal, body: dict[str, Any]) -> dict[str, Any]:
        entry = {"v": VERSION, "seq": self._state.seq + 1, "partition": self.partition,
                 "prev": self._state.last, "kid": self.signer.kid,
                 "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), **body}
        line = signed_line(entry, self.signer)
        try:
            journal.append(line + b"\n")
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


def _size(path: LakePath) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class _Journal:
    """The manifest file's bytes: read a tail, append a line, cut a torn end."""

    def locked(self) -> Any:
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError

    def read_from(self, offset: int) -> bytes:
        raise NotImplementedError

    def append(self, data: bytes) -> None:
        raise NotImplementedError

    def truncate(self, size: int) -> None:
        raise NotImplementedError


class _FileJournal(_Journal):
    """A local file opened for append under `flock`; every append is fsynced."""

    def __init__(self, path: Path) -> None:
        self.path, self.fd = path, -1

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(self.fd)  # closing releases the lock
            self.fd = -1

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def read_from(self, offset: int) -> bytes:
        return os.pread(self.fd, self.size() - offset, offset)

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        os.fsync(self.fd)

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd, size)


class _ObjectJournal(_Journal):
    """An object read whole and rewritten whole (one PUT) to append; the lease locks it."""

    def __init__(self, path: ObjectPath) -> None:
        self.path, self.data = path, b""

    @contextmanager
    def locked(self) -> Iterator[None]:
        try:
            self.data = self.path.read_bytes()
        except FileNotFoundError:
            self.data = b""
        yield

    def size(self) -> int:
        return len(self.data)

    def read_from(self, offset: int) -> bytes:
        return self.data[offset:]

    def append(self, data: bytes) -> None:
        self.path.write_bytes(self.data + data)
        self.data += data

    def truncate(self, size: int) -> None:
        self.data = self.data[:size]
        self.path.write_bytes(self.data)
