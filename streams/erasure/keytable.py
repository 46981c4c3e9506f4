"""The subject key table a compacted topic folds into: records, wrapping, the winner rule.

Kafka-free, so the rule can be tested on any sequence of records. One record per
*candidate* key: record key `<tenant>|<subject_token>|<key_id>`, value the key document
sealed with AES-GCM under the keyring's wrapping key (associated data: the record key),
tombstone (null value) when destroyed. Every candidate of one subject goes to the same
partition (`subject_partition`), so their offsets are comparable.

The rule: a subject's key is its **earliest live candidate**, where a candidate is live
when its latest record is a value, and earliest means the lowest (partition, offset) of
that latest record. So two governors racing on a new subject both read back both
candidates and agree on the first; destroying a subject tombstones every live
candidate, and the first candidate after those tombstones is the new key.

Why one record key per candidate and not one per subject: compaction keeps only the
*latest* record of each record key. With one record key per subject, a race would
leave winner A then loser B, and compaction would drop A: a reader starting later
would take B, and every vault entry sealed under A would be lost. Here compaction
drops a record only when a later record of the same candidate exists, never
reorders, so the fold of a compacted log equals the fold of the full log
(`tests/unit/erasure/test_keytable.py` proves it with hypothesis).
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from streams.erasure.errors import SubjectKeyError
from streams.erasure.keys import KEY_BYTES, SubjectKey
from streams.keyring import Keyring, KeyringError

Position = tuple[int, int]  # (partition, offset)


def record_key(tenant: str, subject_token: str, key_id: str) -> bytes:
    """`<tenant>|<subject_token>|<key_id>`: tenants and tokens never hold a `|`."""
    for part in (tenant, subject_token, key_id):
        if not part or "|" in part:
            raise SubjectKeyError("tenant, subject token and key id must be non-empty, "
                                  "without '|'")
    return f"{tenant}|{subject_token}|{key_id}".encode()


def parse_record_key(key: bytes | None) -> tuple[str, str, str]:
    """(tenant, subject_token, key_id) of a record key; ValueError when it is not one."""
    if key is None:
        raise ValueError("record without a key")
    parts = key.decode("utf-8").split("|")
    if len(parts) != 3 or not all(parts):
        raise ValueError("record key is not <tenant>|<subject_token>|<key_id>")
    return parts[0], parts[1], parts[2]


def subject_partition(tenant: str, subject_token: str, partitions: int) -> int:
    """The partition every candidate of this subject goes to (stable across processes)."""
    return zlib.crc32(f"{tenant}|{subject_token}".encode()) % partitions


def new_key() -> SubjectKey:
    return SubjectKey(f"sk_{secrets.token_hex(8)}", secrets.token_bytes(KEY_BYTES))


def wrap(ring: Keyring, key: SubjectKey, rkey: bytes) -> bytes:
    """The record value: the key document sealed under the keyring's wrapping key."""
    kid, wrapping = ring.wrapping_key()
    doc = {"v": 1, "key_id": key.key_id, "key": base64.b64encode(key.key).decode("ascii"),
           "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrapping).encrypt(nonce, json.dumps(doc).encode(), rkey)
    value = {"v": 1, "kid": kid, "nonce": base64.b64encode(nonce).decode("ascii"),
             "sealed": base64.b64encode(sealed).decode("ascii")}
    return json.dumps(value, separators=(",", ":")).encode()


def unwrap(ring: Keyring, rkey: bytes, value: bytes) -> SubjectKey:
    """The key in a record value; SubjectKeyError (naming no key material) otherwise."""
    where = rkey.decode("utf-8", "replace")
    try:
        outer: dict[str, Any] = json.loads(value)
        _, wrapping = ring.wrapping_key(str(outer["kid"]))
        plain = AESGCM(wrapping).decrypt(base64.b64decode(outer["nonce"], validate=True),
                                         base64.b64decode(outer["sealed"], validate=True),
                                         rkey)
        doc = json.loads(plain)
        found = SubjectKey(str(doc["key_id"]), base64.b64decode(doc["key"], validate=True))
    except KeyringError:
        raise SubjectKeyError(f"subject key record {where} was wrapped under a key id that "
                              "is not in this keyring") from None
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise SubjectKeyError(f"subject key record {where} cannot be unwrapped with this "
                              "keyring (wrong keyring, or a tampered record)") from None
    if len(found.key) != KEY_BYTES or found.key_id != parse_record_key(rkey)[2]:
        raise SubjectKeyError(f"subject key record {where} does not hold its 256-bit key")
    return found


@dataclass(frozen=True, slots=True)
class Candidate:
    """One live candidate key of a subject: where its latest record is, and its value."""

    key_id: str
    position: Position
    rkey: bytes
    value: bytes

    def __repr__(self) -> str:  # the value is wrapped, but keep it out of logs anyway
        return f"Candidate(key_id={self.key_id!r}, position={self.position!r})"


class KeyTable:
    """The fold of the topic: live candidates per (tenant, subject token)."""

    def __init__(self) -> None:
        self._live: dict[tuple[str, str], dict[str, Candidate]] = {}
        self.skipped = 0  # records whose key is not a candidate key

    def apply(self, partition: int, offset: int, key: bytes | None,
              value: bytes | None) -> bool:
        """Fold one record in (in offset order per partition); False when skipped."""
        try:
            tenant, subject, key_id = parse_record_key(key)
        except (ValueError, UnicodeDecodeError):
            self.skipped += 1
            return False
        assert key is not None
        subject_key = (tenant, subject)
        if value is None:
            live = self._live.get(subject_key)
            if live is not None:
                live.pop(key_id, None)
                if not live:
                    del self._live[subject_key]
        else:
            self._live.setdefault(subject_key, {})[key_id] = Candidate(
                key_id, (partition, offset), key, value)
        return True

    def winner(self, tenant: str, subject_token: str) -> Candidate | None:
        """The subject's key: its earliest live candidate, or None."""
        live = self._live.get((tenant, subject_token))
        return min(live.values(), key=lambda c: c.position) if live else None

    def live(self, tenant: str, subject_token: str) -> list[Candidate]:
        """Every live candidate of the subject, earliest first (destroy tombstones all)."""
        return sorted(self._live.get((tenant, subject_token), {}).values(),
                      key=lambda c: c.position)

    def subjects(self) -> dict[tuple[str, str], str]:
        """(tenant, subject token) -> the winning key id, for every subject with a key."""
        return {s: min(c.values(), key=lambda c: c.position).key_id
                for s, c in self._live.items()}

    def __len__(self) -> int:
        return len(self._live)
