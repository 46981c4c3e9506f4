"""Apply the retention policy: delete expired files lawfully, with signed receipts.

A file expires when every row in it is past its retention (row time + the longest
rule that applies to it) as of `now`, and no legal hold matches any of its rows.
Each deletion goes through `Manifest.remove`, which appends a signed `remove` entry
before unlinking, so `verify` tells it from a file deleted by hand; a disposal
receipt, signed with the same key, lists what went, its sha256, rows, the rule and
the time, under `<lake>/_receipts/`. A file whose bytes no longer match its manifest
entry is never deleted: that would destroy the evidence of tampering.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow.parquet as pq

from streams.errors import CheckFailed
from streams.lake.atomic import write_atomic
from streams.lake.location import LakePath, find, parquet_source
from streams.lake.manifest import MANIFEST_FILE, MANIFESTS, RECEIPTS, signed_line
from streams.lake.retention_policy import Hold, RetentionPolicy, Rule
from streams.lake.store import Lake

_COLUMNS = ("time", "data_classes", "subject_token", "session_id", "tenant")


@dataclass(frozen=True)
class Decision:
    """What the policy says of one file: expired (with the rule and end) or kept (why)."""

    partition: str
    file: str
    rows: int
    sha256: str
    expired: bool
    rule: str | None
    keep_until: datetime | None
    held_by: str | None = None

    @property
    def path(self) -> str:
        return f"{self.partition}/{self.file}"

    def line(self) -> str:
        if self.rule is None:
            return f"kept     {self.path}: {self.rows} rows, no rule applies (kept)"
        until = _iso(self.keep_until)
        if self.held_by:
            return f"held     {self.path}: legal hold {self.held_by} ({self.rule} until {until})"
        verb = "expired" if self.expired else "kept   "
        return f"{verb}  {self.path}: {self.rows} rows, {self.rule} until {until}"


@dataclass
class Plan:
    decisions: list[Decision] = field(default_factory=list)

    @property
    def expired(self) -> list[Decision]:
        return [d for d in self.decisions if d.expired]


def current_files(lake: LakePath) -> dict[str, dict[str, dict[str, Any]]]:
    """Per partition, the files its manifest lists now (last `add` not `remove`d)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    root = lake / MANIFESTS
    for path in find(root, MANIFEST_FILE):
        files: dict[str, dict[str, Any]] = {}
        for raw in path.read_bytes().splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue  # verify reports it; retention only needs the well-formed entries
            if entry.get("op") == "add":
                files[entry["file"]] = entry
            elif entry.get("op") == "remove":
                files.pop(entry.get("file"), None)
        out[path.parent.relative_to(root).as_posix()] = files
    return out


def plan(lake: LakePath, policy: RetentionPolicy, now: datetime) -> Plan:
    """Decide every listed file; reads only the columns the rules and holds need."""
    result = Plan()
    for partition, files in current_files(lake).items():
        tree = partition.split("/", 1)[0]
        tenant = _key(partition, "tenant")
        for name, entry in sorted(files.items()):
            result.decisions.append(
                _decide(lake / partition / name, partition, name, entry, tree, tenant,
                        policy, now))
    return result


def _decide(path: LakePath, partition: str, name: str, entry: dict[str, Any], tree: str,
            tenant: str | None, policy: RetentionPolicy, now: datetime) -> Decision:
    rows = _rows(path, tenant)
    latest: tuple[datetime, Rule] | None = None
    rules: dict[frozenset[str], Rule | None] = {}
    for row in rows:
        classes = frozenset(row.get("data_classes") or ())
        if classes not in rules:
            rules[classes] = policy.binding(tree, classes)
        rule = rules[classes]
        if rule is None or row.get("time") is None:
            continue
        end = row["time"].astimezone(UTC) + timedelta(days=rule.days)
        if latest is None or end > latest[0]:
            latest = (end, rule)
    if not rows and entry.get("time_max"):  # file unreadable: the manifest, conservatively
        longest = max((r for r in policy.rules if r.tree == tree), key=lambda r: r.days,
                      default=None)
        if longest is not None:
            latest = (_parse(entry["time_max"]) + timedelta(days=longest.days), longest)
    hold = next((h.id for h in policy.legal_holds if any(_matches(h, r) for r in rows)), None)
    return Decision(partition=partition, file=name, rows=int(entry.get("rows") or len(rows)),
                    sha256=str(entry["sha256"]), rule=latest[1].id if latest else None,
                    keep_until=latest[0] if latest else None,
                    expired=latest is not None and latest[0] <= now and hold is None,
                    held_by=hold)


def _rows(path: LakePath, tenant: str | None) -> list[dict[str, Any]]:
    """The columns rules and holds look at, as rows (events get `tenant` from the path)."""
    try:
        where, fs = parquet_source(path)
        names = pq.read_schema(where, filesystem=fs).names
        rows = pq.read_table(where, filesystem=fs,
                             columns=[c for c in _COLUMNS if c in names]).to_pylist()
    except (OSError, ValueError):  # missing or not Parquet: apply refuses it by hash
        return []
    if tenant is not None:
        for row in rows:
            row["tenant"] = tenant
    return rows


def _matches(hold: Hold, row: dict[str, Any]) -> bool:
    return all(want is None or want == row.get(col) for col, want in (
        ("tenant", hold.tenant), ("subject_token", hold.subject_token),
        ("session_id", hold.session_id)))


def apply(lake: Lake, policy: RetentionPolicy, now: datetime, *,
          dry_run: bool = False) -> tuple[Plan, LakePath | None]:
    """Delete every expired file with a signed `remove` entry; write one signed receipt."""
    result = plan(lake.root, policy, now)
    expired = result.expired
    for d in expired:
        if _sha256(lake.root / d.path) != d.sha256:
            raise CheckFailed(f"{d.path}: content differs from its manifest entry; not deleting "
                              "evidence of tampering (run `mcpgov verify`)")
    if dry_run or not expired or lake.signer is None:
        return result, None
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256("".join(d.path + d.sha256 for d in expired).encode()).hexdigest()
    receipt_id = f"disposal-{stamp}-{digest[:12]}"
    for d in expired:
        lake.manifest(d.partition).remove(
            d.file, f"retention: {d.rule} ended {_iso(d.keep_until)}; receipt {receipt_id}")
    body = {"v": 1, "kind": "disposal", "receipt_id": receipt_id, "kid": lake.signer.kid,
            "at": _iso(now), "policy_rules": sorted(r.id for r in policy.rules),
            "files": [{"path": d.path, "sha256": d.sha256, "rows": d.rows, "rule": d.rule,
                       "keep_until": _iso(d.keep_until)} for d in expired],
            "rows": sum(d.rows for d in expired)}
    path = lake.root / RECEIPTS / f"{receipt_id}.json"
    write_atomic(path, signed_line(body, lake.signer) + b"\n")
    return result, path


def read_receipt(path: LakePath) -> dict[str, Any]:
    """A receipt as written (with its `sig`; `manifest.body_of` gives what it covers)."""
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _key(partition: str, name: str) -> str | None:
    for part in partition.split("/"):
        if part.startswith(f"{name}="):
            return part.split("=", 1)[1]
    return None


def _sha256(path: LakePath) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
