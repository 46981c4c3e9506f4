"""The embedded runner: the whole pipeline in one process, from a JSONL file to a lake.

It wires the same stage functions the Kafka workers use to files: lines in, governed
events to Parquet, alerts and dead letters to JSONL (and alerts to the lake too).
Lake files are named after the input and its line range, so running the same file
again replaces its files instead of duplicating them.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from streams import lake as lakeio
from streams.alerts import Deduper
from streams.deadletter import Source
from streams.governor import Governor
from streams.lake.location import LakePath
from streams.sentinel import Sentinel

if TYPE_CHECKING:
    from streams.erasure.vault import VaultWriter

BATCH = 256
FLUSH_EVENTS = 50_000


@dataclass
class Summary:
    """What a run did, for the closing report and for tests."""

    lines: int = 0
    governed: int = 0
    dead_letters: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    transfers: Counter[str] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)
    files: int = 0
    vaulted: int | None = None  # None: no subject key store, no vault

    def lines_out(self) -> list[str]:
        def fmt(c: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in c.most_common()) or "none"

        vault = [] if self.vaulted is None else [f"vaulted          {self.vaulted} values"]
        return [
            f"events read      {self.lines}",
            f"governed         {self.governed}",
            f"dead letters     {sum(self.dead_letters.values())} ({fmt(self.dead_letters)})",
            f"found            {sum(self.findings.values())} ({fmt(self.findings)})",
            f"protected        {fmt(self.actions)}",
            f"routed           {fmt(self.regions)}",
            f"transfers        {fmt(self.transfers)}",
            f"alerts           {sum(self.alerts.values())} ({fmt(self.alerts)})",
            f"landed           {self.files} Parquet files",
            *vault,
        ]


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for n, line in enumerate(stream, start=1):
        line = line.rstrip(b"\r\n")
        if line.strip():
            yield n, line


def run(
    governor: Governor,
    source: IO[bytes],
    lake: LakePath,
    *,
    name: str = "stdin",
    alerts_out: IO[str] | None = None,
    dlq_out: IO[str] | None = None,
    progress: bool = False,
    total: int | None = None,
    sentinel: Sentinel | None = None,
) -> Summary:
    """Govern every line of `source` into `lake`; returns what happened.

    With a `sentinel`, every governed event also goes through `Sentinel.observe`, in
    input order, and its alerts join the governor's (same dedupe, file and lake).
    """
    store = lakeio.Lake(lake, lakeio.Signer.from_keyring(governor.tokenizer.keyring))
    summary = Summary()
    dedupe = Deduper()
    pending: dict[str, list[dict[str, Any]]] = {}
    alerts: list[dict[str, Any]] = []
    first_line = 1
    bar = _bar(progress, total)
    vault = None
    if governor.subject_keys is not None:
        from streams.erasure.vault import VaultWriter

        vault = VaultWriter()
        summary.vaulted = 0

    def flush(last_line: int) -> None:
        chunk = f"{name}-L{first_line:09d}-L{last_line:09d}"
        src = {"input": name, "first_line": first_line, "last_line": last_line}
        for region, events in sorted(pending.items()):
            summary.files += len(store.land_events(region, events, chunk, source=src))
        if alerts:
            summary.files += len(store.land_alerts(alerts, chunk, source=src))
        if vault:
            summary.vaulted = (summary.vaulted or 0) + vault.entries
            summary.files += len(vault.flush(store, chunk, source=src))
        pending.clear()
        alerts.clear()

    batch: list[tuple[bytes, Source]] = []
    last = 0
    buffered = 0
    for n, line in _lines(source):
        batch.append((line, Source(line=n)))
        last = n
        if len(batch) >= BATCH:
            buffered += _govern(governor, batch, summary, pending, alerts, dedupe,
                                alerts_out, dlq_out, sentinel, vault)
            bar.update(len(batch))
            batch = []
            if buffered >= FLUSH_EVENTS:
                flush(last)
                first_line, buffered = last + 1, 0
    if batch:
        _govern(governor, batch, summary, pending, alerts, dedupe, alerts_out, dlq_out,
                sentinel, vault)
        bar.update(len(batch))
    if pending or alerts:
        flush(last)
    bar.close()
    return summary


def _govern(governor: Governor, batch: list[tuple[bytes, Source]], summary: Summary,
            pending: dict[str, list[dict[str, Any]]], alerts: list[dict[str, Any]],
            dedupe: Deduper, alerts_out: IO[str] | None, dlq_out: IO[str] | None,
            sentinel: Sentinel | None = None, vault: VaultWriter | None = None) -> int:
    governed = 0
    for out in governor.process(batch):
        summary.lines += 1
        if out.dead_letter is not None:
            summary.dead_letters[out.dead_letter["reason_code"]] += 1
            if dlq_out is not None:
                dlq_out.write(lakeio.dumps(out.dead_letter) + "\n")
            continue
        assert out.event is not None and out.region is not None
        governed += 1
        summary.governed += 1
        summary.regions[out.region] += 1
        pending.setdefault(out.region, []).append(out.event)
        if vault is not None:
            vault.add(out.vault)
        for f in out.event["findings"]:
            summary.findings[f["entity_type"]] += 1
            summary.actions[f["action"]] += 1
        transfer = out.event["residency"]["transfer"]
        if transfer:
            verdict = "allowed" if transfer["allowed"] else "forbidden"
            summary.transfers[f"{transfer['from_region']}->{transfer['to_region']} {verdict}"] += 1
        found = out.alerts + (sentinel.observe(out.event) if sentinel is not None else [])
        for alert in found:
            if dedupe.first_time(alert["alert_id"]):
                summary.alerts[alert["rule_id"]] += 1
                alerts.append(alert)
                if alerts_out is not None:
                    alerts_out.write(lakeio.dumps(alert) + "\n")
    return governed


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(progress: bool, total: int | None) -> Any:
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="ev", file=sys.stderr, desc="governing", leave=False)
