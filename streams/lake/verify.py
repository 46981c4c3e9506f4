"""Check a lake against its manifests with keys the caller trusts, and say what is wrong.

Per partition: every manifest line parses, is signed by a trusted key, belongs to
this partition, has the next seq and the previous line's hash (so edits, reordering
and removed lines show), and the signed head matches (so a cut-off tail shows).
Per file: every listed file exists with the recorded size and sha256, and every
Parquet file under `events/`, `alerts/`, `vault/` and `access_log/` is listed. Temporary files of an
interrupted write (`.name.tmp`) are not data and are skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from streams.errors import CheckFailed, UsageError
from streams.lake.atomic import is_temp
from streams.lake.errors import SigningKeyError
from streams.lake.location import LakePath, find
from streams.lake.manifest import (
    GENESIS,
    HEAD_FILE,
    MANIFEST_FILE,
    MANIFESTS,
    RECEIPTS,
    body_of,
    digest,
)
from streams.lake.signing import PUBLIC_FILE, TrustedKeys, check_signature, raw, read_public_keys

DATA_TREES = ("events", "alerts", "vault", "access_log")


@dataclass
class Report:
    """What verify saw: problems (empty when all is well) and what it covered."""

    problems: list[str] = field(default_factory=list)
    partitions: int = 0
    entries: int = 0
    files: int = 0
    rows: int = 0
    kids: set[str] = field(default_factory=set)
    heads: list[str] = field(default_factory=list)

    @property
    def root(self) -> str:
        """One digest of every partition's last entry: keep it outside the lake to compare."""
        return hashlib.sha256("".join(sorted(self.heads)).encode("utf-8")).hexdigest()

    def summary(self) -> str:
        keys = ", ".join(sorted(self.kids)) or "none"
        return (f"ok: {self.files} files, {self.rows} rows in {self.partitions} partitions; "
                f"{self.entries} manifest entries chained and signed (keys {keys}); "
                f"root {self.root[:16]}")


@dataclass
class _Chain:
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    hashes: list[str] = field(default_factory=list)


def verify_lake(lake: LakePath, trusted: TrustedKeys) -> Report:
    """Check everything; never stops at the first problem."""
    if not lake.is_dir():
        raise UsageError(f"no lake folder at {lake}")
    report = Report()
    _check_public_file(lake, trusted, report)
    chains: dict[str, _Chain] = {}
    root = lake / MANIFESTS
    for path in find(root, MANIFEST_FILE):
        partition = path.parent.relative_to(root).as_posix()
        chains[partition] = _check_chain(path, partition, trusted, report)
    for head in find(root, HEAD_FILE):
        if not (head.parent / MANIFEST_FILE).exists():
            report.problems.append(f"{head.parent.relative_to(root).as_posix()}: "
                                   f"{MANIFEST_FILE} missing (its {HEAD_FILE} remains)")
    seen: set[str] = set()
    for tree in DATA_TREES:
        for path in find(lake / tree, "*"):
            if not is_temp(path):
                seen.add(_check_file(lake, path, chains, report))
    for partition, chain in chains.items():
        for name, entry in chain.files.items():
            if f"{partition}/{name}" not in seen:
                report.problems.append(f"missing: {partition}/{name}: listed by manifest "
                                       f"entry {entry['seq']}, not on disk")
            else:
                report.rows += int(entry.get("rows") or 0)
    report.partitions = len(chains)
    _check_receipts(lake, trusted, report)
    return report


def _check_receipts(lake: LakePath, trusted: TrustedKeys, report: Report) -> None:
    """Disposal and erasure receipts are evidence too: each must carry a trusted signature."""
    folder = lake / RECEIPTS
    for path in find(folder, "*.json", recursive=False):
        rel = path.relative_to(lake).as_posix()
        try:
            doc = json.loads(path.read_bytes())
            kid, sig = str(doc["kid"]), str(doc["sig"])
        except (OSError, ValueError, KeyError, TypeError):
            report.problems.append(f"receipt {rel}: unreadable or not a signed receipt")
            continue
        key = trusted.get(kid)
        if key is None:
            report.problems.append(f"receipt {rel}: signed with key {kid!r}, which is not trusted")
        elif not check_signature(key, body_of(doc), sig):
            report.problems.append(f"receipt {rel}: signature does not verify "
                                   "(receipt altered or forged)")


def check(report: Report, lake: LakePath) -> str:
    """The summary line, or CheckFailed naming every problem."""
    if report.problems:
        n = len(report.problems)
        raise CheckFailed(f"lake {lake} failed verification: {n} problem{'s' * (n != 1)}\n"
                          + "\n".join(f"  {p}" for p in report.problems))
    return report.summary()


def _check_public_file(lake: LakePath, trusted: TrustedKeys, report: Report) -> None:
    path = lake / PUBLIC_FILE
    if not path.exists():
        return
    try:
        published = read_public_keys(path)
    except SigningKeyError as exc:
        report.problems.append(f"{PUBLIC_FILE.as_posix()}: {exc}")
        return
    for kid, key in sorted(published.items()):
        if kid in trusted and raw(trusted[kid]) != raw(key):
            report.problems.append(f"{PUBLIC_FILE.as_posix()}: key {kid} differs from the "
                                   "trusted key (lake signed with another keyring, or replaced)")


def _check_chain(path: LakePath, partition: str, trusted: TrustedKeys, report: Report) -> _Chain:
    chain = _Chain()
    where = f"manifest {partition}"
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines[-1]:
        report.problems.append(f"{where}: line {len(lines)}: incomplete last line")
    prev = GENESIS
    for n, line in enumerate(lines[:-1], start=1):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError
        except ValueError:
            report.problems.append(f"{where}: line {n}: not a manifest entry")
            prev = digest(line)
            chain.hashes.append(prev)
            continue
        why = _entry_faults(entry, n, partition, prev, trusted)
        if why:
            report.problems.append(f"{where}: line {n}: {'; '.join(why)}")
        report.entries += 1
        report.kids.add(str(entry.get("kid")))
        _fold(chain, entry)
        prev = digest(line)
        chain.hashes.append(prev)
    _check_head(path.parent / HEAD_FILE, partition, chain, trusted, report)
    return chain


def _entry_faults(entry: dict[str, Any], n: int, partition: str, prev: str,
                  trusted: TrustedKeys) -> list[str]:
    why = []
    key = trusted.get(str(entry.get("kid")))
    if key is None:
        why.append(f"signed with key {entry.get('kid')!r}, which is not trusted")
    elif not check_signature(key, body_of(entry), str(entry.get("sig"))):
        why.append("signature does not verify (entry altered or forged)")
    if entry.get("partition") != partition:
        why.append(f"entry belongs to partition {entry.get('partition')!r}")
    if entry.get("seq") != n - 1:
        why.append(f"seq {entry.get('seq')} where {n - 1} belongs (entries reordered, "
                   "inserted or removed)")
    if entry.get("prev") != prev:
        why.append(f"chain broken: prev is not the hash of line {n - 1}" if n > 1 else
                   "chain broken: the first entry does not start the chain")
    return why


def _fold(chain: _Chain, entry: dict[str, Any]) -> None:
    name = str(entry.get("file"))
    if entry.get("op") == "add":
        chain.files[name] = entry
        chain.removed.pop(name, None)
    elif entry.get("op") == "remove":
        chain.files.pop(name, None)
        chain.removed[name] = int(entry.get("seq", -1))


def _check_head(path: LakePath, partition: str, chain: _Chain, trusted: TrustedKeys,
                report: Report) -> None:
    where = f"manifest {partition}"
    try:
        head = json.loads(path.read_bytes())
        seq, kid = int(head["seq"]), str(head["kid"])
    except (OSError, ValueError, KeyError, TypeError):
        report.problems.append(f"{where}: {HEAD_FILE} missing or unreadable")
        return
    key = trusted.get(kid)
    if key is None or not check_signature(key, body_of(head), str(head.get("sig"))):
        report.problems.append(f"{where}: {HEAD_FILE} signature does not verify")
    elif head.get("partition") != partition:
        report.problems.append(f"{where}: {HEAD_FILE} belongs to {head.get('partition')!r}")
    elif seq >= len(chain.hashes):
        report.problems.append(f"{where}: truncated: {HEAD_FILE} records {seq + 1} entries, "
                               f"the manifest holds {len(chain.hashes)}")
    elif chain.hashes[seq] != head.get("hash"):
        report.problems.append(f"{where}: {HEAD_FILE} does not match line {seq + 1} "
                               "(manifest rewritten)")
    if chain.hashes:
        report.heads.append(f"{partition} {len(chain.hashes) - 1} {chain.hashes[-1]}\n")


def _check_file(lake: LakePath, path: LakePath, chains: dict[str, _Chain], report: Report) -> str:
    rel = path.relative_to(lake).as_posix()
    partition, _, name = rel.rpartition("/")
    chain = chains.get(partition)
    entry = chain.files.get(name) if chain else None
    if entry is None:
        if chain is not None and name in chain.removed:
            report.problems.append(f"unlisted: {rel}: present, but manifest entry "
                                   f"{chain.removed[name]} records its removal")
        else:
            report.problems.append(f"unlisted: {rel}: not in any manifest")
        return rel
    report.files += 1
    size = path.stat().st_size
    if size != entry.get("size") or _sha256(path) != entry.get("sha256"):
        report.problems.append(f"modified: {rel}: content differs from manifest entry "
                               f"{entry.get('seq')} (size {size}, recorded {entry.get('size')})")
    return rel


def _sha256(path: LakePath) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
