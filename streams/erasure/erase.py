"""`erase`: destroy a data subject's keys, so nothing of theirs can be reversed again.

The subject id is tokenized as the governor does (`streams.lake.access.subject_tokens`:
every tenant, every key id of the keyring); each (tenant, token) with a key in the store
loses it. No lake file changes, so `verify` still passes; the vault entries stay,
unreadable. A signed erasure receipt under `<lake>/_receipts/` records the subject
tokens (never the id), the key ids destroyed, the reason, the time and the vault files
that held the subject's entries with their counts (and, for the Kafka store, the topic,
the tombstones and the compaction bound); `ropa` and `access-report` read it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from streams.erasure import vault
from streams.erasure.keys import SubjectKeys
from streams.keyring import Keyring
from streams.lake.access import subject_tokens
from streams.lake.atomic import write_atomic
from streams.lake.errors import SigningKeyError
from streams.lake.location import LakePath, find
from streams.lake.manifest import RECEIPTS, signed_line
from streams.lake.query import connect
from streams.lake.store import Lake

PREFIX = "erasure-"


@dataclass
class Erasure:
    """What one erase did: the keys destroyed, and the receipt (None when nothing was)."""

    destroyed: list[dict[str, str]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    receipt: LakePath | None = None
    earlier: list[dict[str, Any]] = field(default_factory=list)
    key_store: dict[str, Any] | None = None  # where the keys were destroyed, when not a folder


def lake_tenants(lake: LakePath) -> list[str]:
    """Tenants with events or vault entries in the lake."""
    con = connect(lake)
    try:
        found = {r[0] for r in con.execute(
            "SELECT DISTINCT tenant FROM events WHERE tenant IS NOT NULL").fetchall()}
    finally:
        con.close()
    return sorted(found | vault.tenants(lake))


def erase(store: Lake, ring: Keyring, keys: SubjectKeys, subject_id: str, *,
          tenant: str | None = None, reason: str = "", now: datetime | None = None) -> Erasure:
    """Destroy every key of the subject; write a signed receipt when one was destroyed."""
    if store.signer is None:
        raise SigningKeyError("erase needs a keyring to sign its receipt")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    pairs = subject_tokens(ring, subject_id, [tenant] if tenant else lake_tenants(store.root))
    result = Erasure()
    for t, token in pairs:
        gone = keys.destroy(t, token)
        if gone is not None:
            result.destroyed.append({"tenant": t, "subject_token": token,
                                     "key_id": gone.key_id})
    if not result.destroyed:
        result.earlier = receipts_for(store.root, set(pairs))
        return result
    wanted = {(d["tenant"], d["subject_token"]) for d in result.destroyed}
    counts: Counter[LakePath] = Counter()
    for path, entry in vault.entries(store.root):
        if (entry["tenant"], entry["subject_token"]) in wanted:
            counts[path] += 1
    result.files = [{"path": p.relative_to(store.root).as_posix(), "entries": n}
                    for p, n in sorted(counts.items())]
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256("".join(sorted(f"{t}|{s}" for t, s in wanted)).encode()).hexdigest()
    receipt_id = f"{PREFIX}{stamp}-{digest[:12]}"
    body = {"v": 1, "kind": "erasure", "receipt_id": receipt_id, "kid": store.signer.kid,
            "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "reason": reason,
            "method": "crypto-shredding: subject data keys overwritten and deleted",
            "subjects": result.destroyed, "vault_files": result.files,
            "entries": sum(counts.values())}
    where = keys.receipt_facts()
    if where is not None:  # a Kafka topic: tombstones, and how long the log may keep the key
        body["method"] = (f"crypto-shredding: subject data keys tombstoned on the compacted "
                          f"Kafka topic {where['topic']}")
        body["key_store"] = result.key_store = where
    result.receipt = store.root / RECEIPTS / f"{receipt_id}.json"
    write_atomic(result.receipt, signed_line(body, store.signer) + b"\n")
    return result


def erasure_receipts(lake: LakePath) -> list[dict[str, Any]]:
    """Every erasure receipt of the lake, oldest first (signatures: see docs/erasure.md)."""
    folder = lake / RECEIPTS
    out = []
    for path in find(folder, f"{PREFIX}*.json", recursive=False):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("kind") == "erasure":
            out.append(doc)
    return out


def receipts_for(lake: LakePath, pairs: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The erasure receipts naming any of these (tenant, subject token) pairs."""
    return [r for r in erasure_receipts(lake)
            if any((s.get("tenant"), s.get("subject_token")) in pairs
                   for s in r.get("subjects") or [])]


def erased_by_tenant(lake: LakePath) -> dict[str, int]:
    """How many erasures (one per subject erased) each tenant's receipts record."""
    counts: Counter[str] = Counter()
    for r in erasure_receipts(lake):
        for t in sorted({str(s.get("tenant")) for s in r.get("subjects") or []}):
            counts[t] += 1
    return dict(counts)


def erasure_notes(lake: LakePath, ring: Keyring, subject_id: str,
                  tenant: str | None = None) -> list[str]:
    """One line per erasure receipt of this subject (for `access-report`)."""
    out = []
    for r in erasure_receipts(lake):
        tenants = sorted({str(s.get("tenant")) for s in r.get("subjects") or []
                          if tenant is None or s.get("tenant") == tenant})
        pairs = set(subject_tokens(ring, subject_id, tenants))
        if any((s.get("tenant"), s.get("subject_token")) in pairs
               for s in r.get("subjects") or []):
            out.append(f"erased: this data subject's data was erased on {str(r['at'])[:10]} "
                       f"(crypto-shredding, receipt {r['receipt_id']}, tenants "
                       f"{', '.join(tenants)})")
    return out
