"""Recall and precision of a Classifier against generated ground truth.

`measure(events, truth, classifier)` runs the classifier over every event's message
and compares with the truth written by `mcpgov generate` (`<out>.truth.json`, format
`mcpgov-truth/1`: per event, `values` with entity type, path, start, end, and
`lookalikes` with their kind).

- A truth value is **found** when spans of its entity type, on its path, cover all
  of it (a partial cover leaves part of the value in clear, so it counts as a miss).
  It is **masked** when spans of any type cover it (nothing leaks, though the type
  may be wrong).
- A predicted span is a **true positive** when it overlaps a truth value of its type on
  its path; otherwise a false positive, attributed to the look-alike it hits if any.

Used by the unit tests (small runs) and by the benchmark (large runs); the report
holds synthetic values only in `misses` / `false_positives` examples. From a shell:

    mcpgov generate --sessions 300 --seed 1 --out /tmp/x.jsonl
    python -m detectors.quality /tmp/x.jsonl [--no-ner] [--examples 20]
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from detectors.classifier import Classifier
from detectors.jsonwalk import iter_strings
from detectors.overlap import Span


@dataclass
class EntityScore:
    """Counts for one entity type."""

    truth: int = 0
    found: int = 0
    masked: int = 0
    predicted: int = 0
    true_positive: int = 0

    @property
    def recall(self) -> float:
        """Share of truth values fully covered by spans of the right type."""
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        """Share of predicted spans that hit a truth value of their type."""
        return self.true_positive / self.predicted if self.predicted else 1.0


@dataclass
class QualityReport:
    """Per-entity recall/precision, look-alike hits, examples, and throughput."""

    entities: dict[str, EntityScore] = field(default_factory=dict)
    person_in_text: EntityScore = field(default_factory=EntityScore)
    """PERSON values inside longer text (notes, messages), not whole field values."""
    lookalike_hits: Counter[str] = field(default_factory=Counter)
    lookalikes: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        """Classification throughput of the run (walk + classify, no I/O)."""
        return self.events / self.seconds if self.seconds else 0.0

    def table(self) -> str:
        """A fixed-width table, one row per entity type."""
        rows = [f"{'entity':<22}{'truth':>7}{'found':>7}{'recall':>9}{'pred':>7}{'prec':>9}"]
        for name in sorted(self.entities):
            s = self.entities[name]
            rows.append(
                f"{name:<22}{s.truth:>7}{s.found:>7}{s.recall:>9.2%}{s.predicted:>7}{s.precision:>9.2%}"
            )
        s = self.person_in_text
        rows.append(f"{'PERSON in free text':<22}{s.truth:>7}{s.found:>7}{s.recall:>9.2%}")
        hits = ", ".join(f"{k}={v}" for k, v in sorted(self.lookalike_hits.items())) or "none"
        rows.append(f"look-alikes: {self.lookalikes}, flagged: {hits}")
        rows.append(f"events: {self.events}, {self.events_per_second:.0f} events/s")
        return "\n".join(rows)


def _covered(spans: Iterable[Span], start: int, end: int, text: str) -> bool:
    need = {i for i in range(start, end) if not text[i].isspace()}
    for s in spans:
        need.difference_update(range(s.start, s.end))
        if not need:
            return True
    return not need


def _truth_events(truth: Any) -> Mapping[str, Any]:
    if isinstance(truth, Mapping):
        return truth["events"]
    return truth.events  # a streams.generate.truth.Truth


def measure(
    events: Iterable[Mapping[str, Any]],
    truth: Any,
    classifier: Classifier,
    *,
    ner: bool = True,
    examples: int = 20,
) -> QualityReport:
    """Classify every event's message and score the spans against `truth`."""
    truth_events = _truth_events(truth)
    report = QualityReport()
    per: defaultdict[str, EntityScore] = defaultdict(EntityScore)
    for event in events:
        message = event.get("message")
        t0 = time.perf_counter()
        sites = iter_strings(message)
        spans = classifier.classify(sites, ner=ner)
        report.seconds += time.perf_counter() - t0
        report.events += 1
        by_path = {s.path: (s, found) for s, found in zip(sites, spans, strict=True)}
        rec = truth_events.get(str(event.get("event_id")), {"values": [], "lookalikes": []})
        truth_by_path: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for v in rec["values"]:
            truth_by_path[v["path"]].append(v)
            score = per[v["entity_type"]]
            score.truth += 1
            site, found = by_path.get(v["path"], (None, []))
            text = site.text if site is not None else v["value"]
            same = [s for s in found if s.entity_type == v["entity_type"]]
            in_text = v["entity_type"] == "PERSON" and len(text.strip()) > len(v["value"]) + 20
            if in_text:
                report.person_in_text.truth += 1
            if site is not None and _covered(same, v["start"], v["end"], text):
                score.found += 1
                report.person_in_text.found += in_text
            elif len(report.misses) < examples:
                got = [
                    (s.entity_type, text[s.start : s.end])
                    for s in found
                    if s.end > v["start"] and s.start < v["end"]
                ]
                report.misses.append({**v, "got": got})
            if site is not None and _covered(found, v["start"], v["end"], text):
                score.masked += 1
        report.lookalikes += len(rec["lookalikes"])
        for path, (site, found) in by_path.items():
            for s in found:
                score = per[s.entity_type]
                score.predicted += 1
                hit = any(
                    v["entity_type"] == s.entity_type and s.start < v["end"] and v["start"] < s.end
                    for v in truth_by_path.get(path, ())
                )
                if hit:
                    score.true_positive += 1
                    continue
                kinds = [
                    lk["kind"] for lk in rec["lookalikes"]
                    if lk["path"] == path and s.start < lk["end"] and lk["start"] < s.end
                ]  # fmt: skip
                for kind in kinds:
                    report.lookalike_hits[kind] += 1
                if len(report.false_positives) < examples:
                    report.false_positives.append(
                        {"entity_type": s.entity_type, "path": path, "detector": s.detector,
                         "value": site.text[s.start : s.end], "lookalike": kinds or None}
                    )  # fmt: skip
    report.entities = dict(per)
    return report


def main(argv: list[str] | None = None) -> int:
    """`python -m detectors.quality FILE.jsonl`: the table for a generated file."""
    import argparse
    import json
    from pathlib import Path

    from detectors.config import DetectorConfig

    parser = argparse.ArgumentParser(prog="python -m detectors.quality")
    parser.add_argument("events", type=Path, help="JSONL of envelopes; truth beside it")
    parser.add_argument("--truth", type=Path, default=None, help="default: EVENTS.truth.json")
    parser.add_argument("--no-ner", action="store_true", help="the pattern path only")
    parser.add_argument("--examples", type=int, default=0, help="print misses and FPs")
    args = parser.parse_args(argv)
    truth_path = args.truth or Path(f"{args.events}.truth.json")
    lines = args.events.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    config = DetectorConfig(ner=not args.no_ner, use_env=False, plugins=False)
    report = measure(events, truth, Classifier(config), ner=not args.no_ner,
                     examples=args.examples)
    print(report.table())
    for miss in report.misses:
        print("miss", json.dumps(miss, ensure_ascii=False))
    for fp in report.false_positives:
        print("false positive", json.dumps(fp, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
