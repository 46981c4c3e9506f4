"""The vault: the values a data subject may need reversed, encrypted under their own key.

For each value the governor tokenizes in an event that names a data subject, one entry:
`token, tenant, subject_token, entity_type, key_id, nonce, ciphertext` (plus the event
id and time, so retention and manifests have a time). The ciphertext is AES-256-GCM of
the raw value under the subject's key with associated data `tenant|subject_token|token`,
so an entry cannot be moved to another subject or token. The 96-bit nonce is derived
(HMAC of the key over the associated data and the value, as in SIV): the same value
gives the same bytes, so a replayed input rewrites identical files, and a nonce never
repeats under one key for two different values. Destroying the key (erase) leaves the
entries in place, unreadable.

Secrets are never vaulted: the governor redacts them, and `seal` refuses a value whose
entity type is in the SECRET class (or whose "token" is the secret redaction marker),
so a mistake upstream fails loudly (a processing_error dead letter) instead of making
a credential recoverable with `mcpgov detokenize`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from detectors.classes import entity_classes
from streams.erasure.keys import SubjectKey, SubjectKeys
from streams.lake.atomic import is_temp
from streams.lake.location import LakePath, find, parquet_source
from streams.lake.rows import day_of, safe
from streams.lake.store import Lake, Source
from streams.tokens import REDACTED_SECRET

VAULT = "vault"
VAULT_SCHEMA = pa.schema([
    ("token", pa.string()), ("tenant", pa.string()), ("subject_token", pa.string()),
    ("entity_type", pa.string()), ("key_id", pa.string()), ("nonce", pa.string()),
    ("ciphertext", pa.string()), ("event_id", pa.string()),
    ("time", pa.timestamp("us", tz="UTC")),
])
_NONCE_INFO = b"mcpgov-vault-nonce-v1"


class SecretNotVaulted(ValueError):
    """Raised by `seal` for a secret: credentials are redacted, never made reversible."""


def is_secret(entity_type: str) -> bool:
    """Whether values of `entity_type` are secrets (the SECRET class, in any context)."""
    return "SECRET" in entity_classes(entity_type, health_context=False)


def associated_data(tenant: str, subject_token: str, token: str) -> bytes:
    return f"{tenant}|{subject_token}|{token}".encode()


def seal(key: SubjectKey, *, token: str, tenant: str, subject_token: str, entity_type: str,
         value: str, event_id: str | None = None, time: str | None = None) -> dict[str, Any]:
    """One vault entry for `value` (which appears nowhere in it but encrypted)."""
    if is_secret(entity_type) or token == REDACTED_SECRET:
        raise SecretNotVaulted(f"a {entity_type} value is a secret: secrets are never vaulted")
    aad = associated_data(tenant, subject_token, token)
    nonce_key = hmac.new(key.key, _NONCE_INFO, hashlib.sha256).digest()
    nonce = hmac.new(nonce_key, aad + b"\x00" + value.encode("utf-8"), hashlib.sha256).digest()[:12]
    sealed = AESGCM(key.key).encrypt(nonce, value.encode("utf-8"), aad)
    return {"token": token, "tenant": tenant, "subject_token": subject_token,
            "entity_type": entity_type, "key_id": key.key_id,
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ciphertext": base64.b64encode(sealed).decode("ascii"),
            "event_id": event_id, "time": time}


def open_entry(key: SubjectKey, entry: dict[str, Any]) -> str | None:
    """The value of `entry`, or None when `key` is not the one that sealed it."""
    if key.key_id != entry["key_id"]:
        return None
    aad = associated_data(entry["tenant"], entry["subject_token"], entry["token"])
    try:
        plain = AESGCM(key.key).decrypt(base64.b64decode(entry["nonce"]),
                                        base64.b64decode(entry["ciphertext"]), aad)
    except (InvalidTag, ValueError):
        return None
    return plain.decode("utf-8")


class VaultWriter:
    """Collects a run's entries, once per (tenant, subject, token), and lands them."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.entries = 0

    def add(self, entries: list[dict[str, Any]]) -> None:
        for e in entries:
            key = (e["tenant"], e["subject_token"], e["token"])
            if key not in self._pending:
                self._pending[key] = e
                self.entries += 1

    def __bool__(self) -> bool:
        return bool(self._pending)

    def flush(self, store: Lake, name: str, *, source: Source | None = None) -> list[LakePath]:
        """One file per `vault/tenant=<t>/date=<d>` partition, named `name`, in manifests."""
        parts: dict[str, list[dict[str, Any]]] = {}
        for e in self._pending.values():
            parts.setdefault(vault_partition(e), []).append(vault_row(e))
        self._pending.clear()
        self.entries = 0
        return [store.land_rows(p, name, sorted(rows, key=lambda r: (r["time"], r["token"])),
                                VAULT_SCHEMA, source=source)
                for p, rows in sorted(parts.items())]


def vault_partition(e: dict[str, Any]) -> str:
    """`vault/tenant=<t>/date=<d>`: the lake partition of one entry."""
    return f"{VAULT}/tenant={safe(e['tenant'])}/date={day_of(e['time'])}"


def vault_row(e: dict[str, Any]) -> dict[str, Any]:
    """The lake row of one entry (the runner's and the Kafka lander's alike)."""
    time = datetime.fromisoformat(str(e["time"]).replace("Z", "+00:00"))
    return {**{k: e.get(k) for k in VAULT_SCHEMA.names}, "time": time}


def vault_files(lake: LakePath) -> list[LakePath]:
    return [p for p in find(lake / VAULT, "*.parquet") if not is_temp(p)]


def entries(lake: LakePath, *,
            token: str | None = None) -> Iterator[tuple[LakePath, dict[str, Any]]]:
    """(file, entry) for every vault entry in the lake, or those of one token."""
    for path in vault_files(lake):
        where, fs = parquet_source(path)
        table = pq.read_table(where, filesystem=fs,
                              filters=[("token", "=", token)] if token else None)
        for row in table.to_pylist():
            yield path, row


def tenants(lake: LakePath) -> set[str]:
    """Tenants that hold vault entries."""
    found: set[str] = set()
    for path in vault_files(lake):
        where, fs = parquet_source(path)
        table = pq.read_table(where, filesystem=fs, columns=["tenant"])
        found.update(t for t in table.column(0).to_pylist() if t)
    return found


def sealer(store: SubjectKeys, tenant: str, subject_token: str, event_id: str, time: str,
           out: list[dict[str, Any]]) -> Callable[[str, str, str], None]:
    """A callback for `minimize`: seal each tokenized value into `out`, once per token."""
    seen: set[str] = set()

    def on_token(entity_type: str, value: str, token: str) -> None:
        if token in seen:
            return
        seen.add(token)
        key = store.get_or_create(tenant, subject_token)
        out.append(seal(key, token=token, tenant=tenant, subject_token=subject_token,
                        entity_type=entity_type, value=value, event_id=event_id, time=time))

    return on_token
