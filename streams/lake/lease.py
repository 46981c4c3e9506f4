"""One writer at a time per lake tree on an object store, where no `flock` exists.

A manifest on an object store is rewritten whole to append a line, so two writers
appending to one partition at once would lose an entry. Before a process writes a
manifest under a tree (`events`, `alerts`, `vault`, `access_log`), it holds that
tree's lease, `<lake>/_mcpgov/leases/<tree>.json`: who holds it and until when. It is
taken when absent, expired or already ours, written, and read back after a short
settle so that of two processes starting together one sees the other's and yields.
The holder renews it as it writes and deletes it when it exits. A lease a killed
process left behind lapses after its time to live (`LEASE_SECONDS`, env
`MCPGOV_LEASE_SECONDS`, default 30), so a restarted lander waits at most that long.
Without conditional writes this is the protection a plain object store allows, not a
consensus: keep one lander per object-store lake
(one consumer group member; scale out with a lake per region) and keep clocks in
sync (NTP) within a few seconds.

Local lakes do not use leases: they lock each manifest with `flock`.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

from streams.lake.errors import LakeBusy
from streams.lake.location import ObjectPath

LEASES = "_mcpgov/leases"
LEASE_SECONDS = float(os.environ.get("MCPGOV_LEASE_SECONDS", "30"))
SETTLE_SECONDS = 0.3
WAIT_SECONDS = LEASE_SECONDS + 5.0
OWNER = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

_held: dict[tuple[ObjectPath, str], float] = {}  # (lease object, owner) -> expiry we wrote
_lock = threading.Lock()


def lease_path(lake: ObjectPath, tree: str) -> ObjectPath:
    return lake / LEASES / f"{tree}.json"


def hold(lake: ObjectPath, tree: str, *, wait: float = WAIT_SECONDS,
         ttl: float = LEASE_SECONDS, owner: str = OWNER) -> None:
    """Make sure this process holds `tree`'s lease for at least half its time to live."""
    path = lease_path(lake, tree)
    with _lock:
        expiry = _held.get((path, owner))
        if expiry is not None and expiry - time.time() > ttl / 2:
            return
        deadline = time.monotonic() + wait
        while True:
            holder = _read(path)
            if holder is None or holder["owner"] == owner or holder["expires"] < time.time():
                expires = time.time() + ttl
                _write(path, owner, expires)
                if expiry is None:  # a fresh claim: give a racing claimant time to show
                    time.sleep(SETTLE_SECONDS)
                    holder = _read(path)
                if holder is not None and holder["owner"] == owner:
                    _held[(path, owner)] = expires
                    return
            if time.monotonic() >= deadline:
                raise LakeBusy(str(lake), tree, holder["owner"] if holder else "unknown",
                               _iso(holder["expires"]) if holder else "unknown")
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))


def release(lake: ObjectPath, tree: str, *, owner: str = OWNER) -> None:
    """Give `tree` back (only if we still hold it), so the next writer need not wait."""
    _give_back(lease_path(lake, tree), owner)


def _give_back(path: ObjectPath, owner: str) -> None:
    with _lock:
        if _held.pop((path, owner), None) is None:
            return
        holder = _read(path)
        if holder is not None and holder["owner"] == owner:
            path.unlink(missing_ok=True)


def _release_all() -> None:
    for path, owner in list(_held):
        try:
            _give_back(path, owner)
        except OSError:
            pass  # it lapses on its own


def _read(path: ObjectPath) -> dict[str, Any] | None:
    """The lease's holder and expiry; None when there is none (or a torn, foreign object)."""
    try:
        doc = json.loads(path.read_bytes())
        return {"owner": str(doc["owner"]), "expires": float(doc["expires"])}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _write(path: ObjectPath, owner: str, expires: float) -> None:
    doc = {"owner": owner, "expires": expires, "until": _iso(expires)}
    path.write_bytes((json.dumps(doc, sort_keys=True) + "\n").encode("utf-8"))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


atexit.register(_release_all)
