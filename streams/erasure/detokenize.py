"""`detokenize`: reverse one token for a configured role, and record every attempt.

The token is looked up in the vault; each entry of a tenant the role may reverse is
opened with its subject's key. Denied when the role is not configured, the tenant is
not the role's, the token is unknown, or the subject was erased (no key left). Every
attempt, allowed or denied, lands as one row in `access_log/date=<d>/` through the
signed lake (time, token, role, reason, outcome, tenant): the value never does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from streams.erasure import vault
from streams.erasure.errors import Denied
from streams.erasure.keys import SubjectKeys
from streams.erasure.roles import Roles
from streams.lake.errors import SigningKeyError
from streams.lake.store import Lake

ACCESS_LOG = "access_log"
ACCESS_SCHEMA = pa.schema([
    ("time", pa.timestamp("us", tz="UTC")), ("token", pa.string()), ("role", pa.string()),
    ("reason", pa.string()), ("outcome", pa.string()), ("tenant", pa.string()),
    ("subject_token", pa.string()), ("key_id", pa.string()),
])


@dataclass(frozen=True)
class Attempt:
    """The decision on one attempt; `value` only when allowed (never logged)."""

    outcome: str
    tenant: str | None
    why: str
    value: str | None = None
    subject_token: str | None = None
    key_id: str | None = None

    def __repr__(self) -> str:  # never show the value
        return f"Attempt(outcome={self.outcome!r}, tenant={self.tenant!r})"


def decide(store: Lake, keys: SubjectKeys, roles: Roles, token: str,
           role: str) -> Attempt:
    """Allowed (with the value) or denied (with why), without logging anything."""
    found = [e for _, e in vault.entries(store.root, token=token)]
    tenant = found[0]["tenant"] if found else None
    granted = roles.role(role)
    if granted is None:
        return Attempt("denied-role", tenant, f"role {role!r} may not detokenize")
    if not found:
        return Attempt("denied-unknown", None, "no vault entry holds this token")
    mine = [e for e in found if granted.allows(e["tenant"])]
    if not mine:
        return Attempt("denied-tenant", tenant,
                       f"role {role!r} may not detokenize tenant {tenant!r}")
    for e in mine:
        key = keys.get(e["tenant"], e["subject_token"])
        value = vault.open_entry(key, e) if key is not None else None
        if value is not None:
            return Attempt("allowed", e["tenant"], "allowed", value, e["subject_token"],
                           e["key_id"])
    return Attempt("denied-erased", mine[0]["tenant"],
                   "the data subject's key is destroyed (erased): the value is gone",
                   subject_token=mine[0]["subject_token"])


def detokenize(store: Lake, keys: SubjectKeys, roles: Roles, token: str, *, role: str,
               reason: str, now: datetime | None = None) -> str:
    """The value of `token`, or Denied; the attempt is in the lake before either."""
    if store.signer is None:
        raise SigningKeyError("detokenize needs a keyring to record the attempt")
    if not reason.strip():
        attempt = Attempt("denied-no-reason", None, "a reason is required")
    else:
        attempt = decide(store, keys, roles, token, role)
    record(store, attempt, token=token, role=role, reason=reason, now=now)
    if attempt.value is None:
        raise Denied(f"detokenize denied: {attempt.why} (attempt recorded in "
                     f"{ACCESS_LOG}/)")
    return attempt.value


def record(store: Lake, attempt: Attempt, *, token: str, role: str, reason: str,
           now: datetime | None = None) -> None:
    """Land one access-log row (a file of its own, so no attempt can overwrite another)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    row: dict[str, Any] = {"time": now, "token": token, "role": role, "reason": reason,
                           "outcome": attempt.outcome, "tenant": attempt.tenant,
                           "subject_token": attempt.subject_token, "key_id": attempt.key_id}
    tag = hashlib.sha256(f"{token}|{role}|{secrets.token_hex(8)}".encode()).hexdigest()[:12]
    name = f"detokenize-{now.strftime('%Y%m%dT%H%M%S%fZ')}-{tag}"
    store.land_rows(f"{ACCESS_LOG}/date={now.strftime('%Y-%m-%d')}", name, [row], ACCESS_SCHEMA,
                    source={"command": "detokenize"})
