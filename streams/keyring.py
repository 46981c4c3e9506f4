"""Tenant keys for tokenization, kept in a keyring file outside the code.

A keyring holds master keys by key id and names one active. Each tenant's key is
derived from the master with HKDF (info = tenant), so tenants never share tokens
and a new tenant needs no set-up; rotation adds a new master key id and makes it
active, while old ids stay to verify old tokens. The key id travels inside every
token so readers know which key made it.

Where the keyring comes from, in order: an explicit path, `MCPGOV_KEYRING` (a path),
`MCPGOV_KEYRING_JSON` (the document itself, for containers and CI secrets), else
`~/.config/mcpgov/keyring.json`, created on first use with mode 0600.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from streams.errors import MCPGovError

DEFAULT_PATH = Path("~/.config/mcpgov/keyring.json")
_KEY_BYTES = 32


class KeyringError(MCPGovError):
    """The keyring is missing, unreadable or malformed (the message never shows a key)."""


@dataclass
class Keyring:
    """Master keys by id, one of them active; per-tenant keys derived on demand."""

    keys: dict[str, bytes]
    active: str
    created: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    _cache: dict[tuple[str, str], bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise KeyringError(f"active key id {self.active!r} is not in the keyring")

    @classmethod
    def new(cls, path: Path | None = None) -> Keyring:
        """A keyring with one fresh random master key."""
        kid = _next_kid({})
        return cls(keys={kid: secrets.token_bytes(_KEY_BYTES)}, active=kid,
                   created={kid: _now()}, path=path)

    def tenant_key(self, tenant: str, kid: str | None = None) -> tuple[str, bytes]:
        """The (key id, key) a tenant tokenizes with: the active id unless one is named."""
        kid = kid or self.active
        cached = self._cache.get((tenant, kid))
        if cached is None:
            try:
                master = self.keys[kid]
            except KeyError:
                raise KeyringError(f"key id {kid!r} is not in the keyring") from None
            hkdf = HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=b"mcpgov-tenant-v1",
                        info=tenant.encode("utf-8"))
            cached = self._cache[(tenant, kid)] = hkdf.derive(master)
        return kid, cached

    def wrapping_key(self, kid: str | None = None) -> tuple[str, bytes]:
        """The (key id, key) that wraps subject data keys kept outside the lake.

        Derived like a tenant key but under its own salt and info label, so it is
        unrelated to any tokenization key; the Kafka subject key store seals every key
        document with it (docs/erasure.md), so its topic alone reveals no key.
        """
        kid = kid or self.active
        cached = self._cache.get(("\x00subject-key-wrap", kid))
        if cached is None:
            try:
                master = self.keys[kid]
            except KeyError:
                raise KeyringError(f"key id {kid!r} is not in the keyring") from None
            hkdf = HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES,
                        salt=b"mcpgov-subject-keys-v1", info=b"mcpgov subject key wrapping")
            cached = self._cache[("\x00subject-key-wrap", kid)] = hkdf.derive(master)
        return kid, cached

    def rotate(self) -> str:
        """Add a new master key and make it active; old ids stay for old tokens."""
        kid = _next_kid(self.keys)
        self.keys[kid] = secrets.token_bytes(_KEY_BYTES)
        self.created[kid] = _now()
        self.active = kid
        return kid

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "active": self.active,
            "keys": {
                kid: {"secret": base64.b64encode(k).decode("ascii"),
                      "created": self.created.get(kid)}
                for kid, k in sorted(self.keys.items())
            },
        }

    @classmethod
    def from_json(cls, doc: Any, path: Path | None = None) -> Keyring:
        where = str(path) if path else "keyring"
        if not isinstance(doc, dict) or not isinstance(doc.get("keys"), dict):
            raise KeyringError(f"{where}: expected an object with 'keys' and 'active'")
        keys: dict[str, bytes] = {}
        created: dict[str, str] = {}
        for kid, entry in doc["keys"].items():
            try:
                secret = base64.b64decode(entry["secret"], validate=True)
            except (KeyError, TypeError, ValueError):
                raise KeyringError(f"{where}: key {kid!r} has no valid base64 'secret'") from None
            if len(secret) < 16:
                raise KeyringError(f"{where}: key {kid!r} is shorter than 128 bits")
            keys[kid] = secret
            if entry.get("created"):
                created[kid] = str(entry["created"])
        active = doc.get("active")
        if not isinstance(active, str):
            raise KeyringError(f"{where}: 'active' must name a key id")
        return cls(keys=keys, active=active, created=created, path=path)

    def save(self, path: Path | None = None) -> Path:
        """Write atomically with mode 0600 (the file holds secrets)."""
        target = Path(path or self.path or DEFAULT_PATH).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.to_json(), fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        self.path = target
        return target


def load_keyring(path: str | Path | None = None, *, create: bool = True) -> Keyring:
    """Find and load the keyring (see the module docstring for the order)."""
    if path is None and os.environ.get("MCPGOV_KEYRING_JSON"):
        try:
            doc = json.loads(os.environ["MCPGOV_KEYRING_JSON"])
        except json.JSONDecodeError:
            raise KeyringError("MCPGOV_KEYRING_JSON is not valid JSON") from None
        return Keyring.from_json(doc)
    explicit = path is not None or bool(os.environ.get("MCPGOV_KEYRING"))
    target = Path(path or os.environ.get("MCPGOV_KEYRING") or DEFAULT_PATH).expanduser()
    if not target.exists():
        if explicit and not create:
            raise KeyringError(f"no keyring at {target}: create one with `mcpgov keys create`")
        if not create:
            raise KeyringError(f"no keyring at {target}")
        ring = Keyring.new(target)
        ring.save()
        print(f"mcpgov: created a new keyring at {target}; keep it safe and back it up",
              file=sys.stderr)
        return ring
    try:
        doc = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KeyringError(f"cannot read keyring {target}: {type(exc).__name__}") from None
    return Keyring.from_json(doc, target)


def _next_kid(keys: dict[str, bytes]) -> str:
    n = 1 + max((int(k[1:]) for k in keys if k[1:].isdigit()), default=0)
    return f"k{n}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
