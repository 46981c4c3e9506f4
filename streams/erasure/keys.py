"""A data key per data subject, so erasing the subject is destroying one small file.

`<root>/<tenant>/<subject_token>.key` holds one AES-256-GCM key as JSON (`key_id`,
base64 `key`, `created`), mode 0600. Keys are made on first use; two processes racing
to make the same key both end up with the one that reached the disk first (the file
is linked into place, never overwritten). `destroy` overwrites the file with random
bytes, fsyncs and unlinks it: what a filesystem can promise, not what a flash
controller or a backup can. The folder names only subject tokens, never subject ids.
`SubjectKeys` is the interface the governor, `erase` and `detokenize` take; the same
store on a compacted Kafka topic is `streams.erasure.kafka_keys` (docs/erasure.md).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from streams.erasure.errors import SubjectKeyError
from streams.lake.atomic import fsync_dir, temp_name
from streams.lake.rows import safe

KEY_BYTES = 32
SUFFIX = ".key"


@dataclass(frozen=True)
class SubjectKey:
    """One subject's data key and its id (the id travels with every vault entry)."""

    key_id: str
    key: bytes = b""

    def __repr__(self) -> str:  # never print key material
        return f"SubjectKey(key_id={self.key_id!r})"


class SubjectKeys(Protocol):
    """A subject key store: this folder's, or the compacted Kafka topic's."""

    def get(self, tenant: str, subject_token: str) -> SubjectKey | None:
        """The subject's key, or None when there is none (never made, or destroyed)."""

    def get_or_create(self, tenant: str, subject_token: str) -> SubjectKey:
        """The subject's key, made when there is none; racing makers agree on one."""

    def exists(self, tenant: str, subject_token: str) -> bool:
        """Whether the subject has a key."""

    def destroy(self, tenant: str, subject_token: str) -> SubjectKey | None:
        """Destroy the subject's key; the id it had (no key material), or None."""

    def receipt_facts(self) -> dict[str, Any] | None:
        """What an erasure receipt says about where keys were destroyed (None: nothing)."""


class SubjectKeyStore:
    """Subject keys in a local folder, one file per (tenant, subject token)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._cache: dict[Path, tuple[tuple[int, int], SubjectKey]] = {}

    def path(self, tenant: str, subject_token: str) -> Path:
        return self.root / safe(tenant) / f"{safe(subject_token)}{SUFFIX}"

    def exists(self, tenant: str, subject_token: str) -> bool:
        return self.path(tenant, subject_token).is_file()

    def get(self, tenant: str, subject_token: str) -> SubjectKey | None:
        """The subject's key, or None when there is none (never made, or destroyed)."""
        path = self.path(tenant, subject_token)
        try:
            st = path.stat()
        except FileNotFoundError:
            self._cache.pop(path, None)
            return None
        stamp = (st.st_ino, st.st_mtime_ns)
        cached = self._cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            doc = json.loads(path.read_bytes())
            found = SubjectKey(str(doc["key_id"]), base64.b64decode(doc["key"], validate=True))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            raise SubjectKeyError(f"subject key file {path} is unreadable or malformed") from None
        if len(found.key) != KEY_BYTES:
            raise SubjectKeyError(f"subject key file {path} does not hold a 256-bit key")
        self._cache[path] = (stamp, found)
        return found

    def get_or_create(self, tenant: str, subject_token: str) -> SubjectKey:
        """The subject's key, made (atomically, mode 0600) when it does not exist yet."""
        found = self.get(tenant, subject_token)
        if found is not None:
            return found
        path = self.path(tenant, subject_token)
        made = SubjectKey(f"sk_{secrets.token_hex(8)}", secrets.token_bytes(KEY_BYTES))
        doc = {"v": 1, "key_id": made.key_id, "key": base64.b64encode(made.key).decode("ascii"),
               "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = temp_name(path).with_name(f"{temp_name(path).name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # fails if another writer got there first: keep theirs
            except FileExistsError:
                pass
            else:
                fsync_dir(path.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return self.get(tenant, subject_token) or made

    def destroy(self, tenant: str, subject_token: str) -> SubjectKey | None:
        """Overwrite and unlink the subject's key; the key id it had, or None if none."""
        path = self.path(tenant, subject_token)
        try:
            found = self.get(tenant, subject_token)
        except SubjectKeyError:
            found = SubjectKey("unreadable")
        if found is None:
            return None
        try:
            size = path.stat().st_size
            with path.open("r+b") as fh:
                fh.write(secrets.token_bytes(max(size, 1)))
                fh.flush()
                os.fsync(fh.fileno())
            path.unlink()
        except FileNotFoundError:
            return None  # another eraser got there first
        fsync_dir(path.parent)
        self._cache.pop(path, None)
        return SubjectKey(found.key_id)

    def receipt_facts(self) -> dict[str, Any] | None:
        """None: a folder's erasure receipt keeps the shape it always had."""
        return None
