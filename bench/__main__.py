"""`make bench`: the governor against its baselines, as ratios from the same run.

    python -m bench [--sessions N] [--naive-events N] [--out FILE]

Phases (each a fresh process): naive per-event Presidio over the message JSON,
the governor's pattern path, its NER path, and raw Kafka passthrough on a real
broker started from jars. Prints a Markdown table; `--out` also writes it.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def phase(name: str, traffic: Path, limit: int, *extra: str) -> dict[str, Any]:
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, "-m", "bench.phases", name, str(traffic), str(limit),
                          *extra], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sessions", type=int, default=150)
    ap.add_argument("--naive-events", type=int, default=400)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    from streams.generate import generate, write
    from streams.kafka.local import LocalKafka

    with tempfile.TemporaryDirectory() as tmp:
        traffic = Path(tmp) / "traffic.jsonl"
        events, truth = generate(args.sessions, seed=2026)
        write(events, truth, traffic)
        n = len(events)
        res = {"naive": phase("naive", traffic, args.naive_events),
               "patterns": phase("patterns", traffic, n),
               "ner": phase("ner", traffic, n)}
        with LocalKafka() as kafka:
            res["passthrough"] = phase("passthrough", traffic, n, kafka.bootstrap)
    table = report(res, n)
    print(table)
    if args.out:
        args.out.write_text(table + "\n")


def report(res: dict[str, dict[str, Any]], n: int) -> str:
    base = res["naive"]["eps_per_core"]
    kafka = res["passthrough"]["eps_per_core"]
    rows = [
        f"Governor benchmark, {datetime.now(UTC):%Y-%m-%d}, {n} generated events "
        f"(naive baseline on the first {res['naive']['events']}), {platform.machine()}, "
        f"Python {platform.python_version()}.",
        "",
        "| path | events/s per core | x naive | x Kafka passthrough | p50 ms | p99 ms "
        "| peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"naive": "naive Presidio per event (baseline)", "patterns": "governor, pattern path",
              "ner": "governor, NER path", "passthrough": "raw Kafka passthrough (baseline)"}
    for key in ("naive", "patterns", "ner", "passthrough"):
        r = res[key]
        rows.append(f"| {labels[key]} | {r['eps_per_core']:.0f} | {r['eps_per_core'] / base:.1f} | "
                    f"{r['eps_per_core'] / kafka:.3f} | {r.get('p50_ms', '')} | "
                    f"{r.get('p99_ms', '')} | {r['rss_mb']:.0f} |")
    rows += ["", "Recall on the generator's ground truth (same events):", "",
             "| entity | naive | pattern path | NER path |", "|---|---:|---:|---:|"]
    types = sorted(set(res["patterns"]["recall"]) | set(res["naive"]["recall"]))
    for t in types:
        cells = [res[k]["recall"].get(t) for k in ("naive", "patterns", "ner")]
        rows.append(f"| {t} | " + " | ".join("" if c is None else f"{c:.2%}" for c in cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
