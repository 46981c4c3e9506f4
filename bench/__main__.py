"""`make bench`: mcpgov against its baselines, as ratios from the same run.

    python -m bench [--only governor,detection,query,lander,gateway] [--sessions N]
                    [--naive-events N] [--detection-events N] [--detection-ner-events N]
                    [--query-rows N] [--lander-events N] [--gateway-events N]
                    [--latency-calls N] [--out FILE]

Parts (every phase a fresh process, one real broker started from jars for the run):

- governor: naive per-event Presidio over the message JSON, the governor's pattern
  path, its NER path, and raw Kafka passthrough (bench.phases);
- detection: DataFog's regex engine on its Rust backend, Presidio (patterns only, and
  with spaCy NER on fewer events) and mcpgov's Classifier (pattern and NER paths) over
  the same generated traffic and Faker text in many locales, throughput in events per
  CPU-second beside recall per entity type (bench.detection);
- query: a records-of-processing aggregation through `mcpgov query` over ~1,000,000
  lake rows beside bare DuckDB over the same files (bench.query);
- lander: `run_lander` landing Avro governed events from Kafka into the signed lake
  beside a bare confluent-kafka consumer of the same topics (bench.lander);
- gateway: the publisher beside a bare idempotent producer, and the proxy's added
  latency per call beside direct client-server calls (bench.gateway).

Prints one Markdown table per part; `--out` also writes them.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def phase(name: str, traffic: Path, limit: int, *extra: str) -> dict[str, Any]:
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, "-m", "bench.phases", name, str(traffic), str(limit),
                          *extra], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


PARTS = ("governor", "detection", "query", "lander", "gateway")
DETECTION_ENGINES = ("datafog", "datafog_core", "presidio", "presidio_ner", "mcpgov",
                     "mcpgov_ner")
PHASE_TIMEOUT_S = 240


def run(module: str, name: str, *args: object) -> dict[str, Any]:
    """One phase of bench.<module> in a fresh process; its last stdout line is JSON."""
    print(f"bench: {module} {name} ...", file=sys.stderr, flush=True)
    cmd = [sys.executable, "-m", f"bench.{module}", name, *map(str, args)]
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                             timeout=PHASE_TIMEOUT_S)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr[-4000:])
        raise
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default=",".join(PARTS),
                    help="comma-separated parts to run: " + ", ".join(PARTS))
    ap.add_argument("--sessions", type=int, default=150)
    ap.add_argument("--naive-events", type=int, default=400)
    ap.add_argument("--detection-events", type=int, default=1000,
                    help="events of each detection corpus (generated, foreign)")
    ap.add_argument("--detection-ner-events", type=int, default=0,
                    help="events for Presidio with NER (default: a tenth of the above)")
    ap.add_argument("--query-rows", type=int, default=1_000_000)
    ap.add_argument("--query-runs", type=int, default=3)
    ap.add_argument("--lander-events", type=int, default=50_000)
    ap.add_argument("--gateway-events", type=int, default=50_000)
    ap.add_argument("--latency-calls", type=int, default=200)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    only = {p.strip() for p in args.only.split(",") if p.strip()}
    if only - set(PARTS):
        ap.error(f"unknown part(s) {sorted(only - set(PARTS))}: use {', '.join(PARTS)}")

    from streams.generate import generate, write
    from streams.kafka.local import LocalKafka

    tables: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        res: dict[str, dict[str, Any]] = {}
        n = 0
        if "governor" in only:
            traffic = Path(tmp) / "traffic.jsonl"
            events, truth = generate(args.sessions, seed=2026)
            write(events, truth, traffic)
            n = len(events)
            res = {"naive": phase("naive", traffic, args.naive_events),
                   "patterns": phase("patterns", traffic, n),
                   "ner": phase("ner", traffic, n)}
        if "detection" in only:
            tables.append(detection(Path(tmp) / "detection", args.detection_events,
                                    args.detection_ner_events or args.detection_events // 10))
        if "query" in only:
            lake = Path(tmp) / "lake"
            rows = args.query_rows
            q = {"gen": run("query", "gen", lake, rows)}
            from bench.query import has_ropa

            for name in ("scan", "bare", "query") + (("ropa",) if has_ropa() else ()):
                q[name] = run("query", name, lake, rows, args.query_runs)
            tables.append(query_report(q, rows))
        if only & {"governor", "lander", "gateway"}:
            with LocalKafka() as kafka:
                boot = kafka.bootstrap
                if "governor" in only:
                    res["passthrough"] = phase("passthrough", traffic, n, boot)
                    tables.insert(0, report(res, n))
                if "lander" in only:
                    prefix, count = f"bench{uuid.uuid4().hex[:6]}.", args.lander_events
                    lr = {"setup": run("lander", "setup", boot, prefix, count)}
                    for name in ("consume", "decode", "lander"):
                        lr[name] = run("lander", name, boot, prefix, count)
                    tables.append(lander_report(lr, count))
                if "gateway" in only:
                    prefix, count = f"bench{uuid.uuid4().hex[:6]}.", args.gateway_events
                    gw = {name: run("gateway", name, boot, prefix, count)
                          for name in ("bare", "publisher_raw", "bare_avro", "publisher")}
                    gw["latency"] = run("gateway", "latency", boot, prefix, args.latency_calls)
                    tables.append(gateway_report(gw, count))
    text = "\n\n".join(tables)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


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


def _x(value: float, base: float, digits: int = 3) -> str:
    return f"{value / base:.{digits}f}" if base else ""


def _head() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, Python {platform.python_version()}"


def detection(data: Path, events: int, ner_events: int) -> str:
    """Both corpora once, then every engine in its own process over the same events."""
    from bench.detection import report as detection_report

    gen = run("detection", "gen", data, events, 2026)
    res = {name: run("detection", name, data,
                     ner_events if name == "presidio_ner" else events)
           for name in DETECTION_ENGINES}
    head = (f"{_head()}: {gen['generated_events']:,} generated events and "
            f"{gen['foreign_events']:,} Faker tool results in each engine's run "
            f"(Presidio with NER: the first {ner_events:,} of each)")
    return detection_report(res, head)


def query_report(q: dict[str, dict[str, Any]], rows: int) -> str:
    scan, bare = q["scan"]["wall_ms"], q["bare"]["wall_ms"]
    out = [
        f"Lake query benchmark, {_head()}: {q['gen']['events']:,} synthetic lake rows in "
        f"{q['gen']['files']} Parquet files ({q['gen']['mib']} MiB, zstd); median of "
        f"{q['scan']['runs']} runs, each with a fresh connection, every phase a fresh process. "
        "The aggregation is records-of-processing style: per tenant and purpose, events, "
        "distinct subject tokens, entity types, servers, transfers.",
        "",
        "| query | median ms | first run ms | CPU ms | x count(*) scan | x bare aggregation "
        "| peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"scan": "bare DuckDB `SELECT count(*) FROM read_parquet(glob)` (baseline)",
              "bare": "the aggregation on bare `read_parquet` (no views, no dedup; baseline)",
              "query": "`mcpgov query` (`run_query`): the aggregation over the `events` view",
              "ropa": "`mcpgov ropa` (`ropa.build` + markdown render, default retention)"}
    for key in ("scan", "bare", "query", "ropa"):
        if key not in q:
            continue
        r = q[key]
        out.append(f"| {labels[key]} | {r['wall_ms']:.1f} | {r['first_ms']:.1f} | "
                   f"{r['cpu_ms']:.1f} | {_x(r['wall_ms'], scan, 1)} | "
                   f"{_x(r['wall_ms'], bare, 2)} | {r['rss_mb']:.0f} |")
    if "ropa" not in q:
        out += ["", "(`streams.lake.ropa` is not in this checkout: `mcpgov ropa` not measured.)"]
    return "\n".join(out)


def lander_report(lr: dict[str, dict[str, Any]], n: int) -> str:
    base = lr["consume"]
    out = [
        f"Lander benchmark, {_head()}: {n:,} Avro governed events "
        f"({lr['setup']['avg_bytes']:.0f} bytes each) on 3 topics x 3 partitions of a local "
        "broker, each reader a fresh consumer group. Steady events/s counts from the first "
        "record (the group join apart); the lander writes signed Parquet and commits.",
        "",
        "| path | events | group join s | steady events/s | x bare consume | "
        "events/s per core | x bare consume (per core) | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"consume": "bare confluent-kafka consume (baseline)",
              "decode": "bare consume + Avro decode",
              "lander": "`run_lander` into the signed lake"}
    for key in ("consume", "decode", "lander"):
        r = lr[key]
        out.append(f"| {labels[key]} | {r['events']} | {r['join_s']} | {r['steady_eps']:.0f} | "
                   f"{_x(r['steady_eps'], base['steady_eps'])} | {r['eps_per_core']:.0f} | "
                   f"{_x(r['eps_per_core'], base['eps_per_core'])} | {r['rss_mb']:.0f} |")
    ld = lr["lander"]
    out += ["", f"The lander wrote {ld['files']} Parquet files in {ld['flushes']} flushes "
            f"({ld['dead_letters']} dead letters); wall including the group join: "
            f"{ld['wall_s']} s, against {base['wall_s']} s for the bare consume."]
    return "\n".join(out)


def gateway_report(gw: dict[str, dict[str, Any]], n: int) -> str:
    bare, bare_avro = gw["bare"]["eps"], gw["bare_avro"]["eps"]
    out = [
        f"Gateway benchmark, {_head()}: {n:,} raw envelopes ({gw['bare']['avg_bytes']:.0f} "
        "bytes in Avro, 16 sessions) to a fresh 3-partition topic, timed from the first send "
        "until Kafka acked the last; every producer has the publisher's settings "
        "(idempotent, acks=all, zstd, linger 5 ms).",
        "",
        "| path | events/s | events/s per core | x bare, pre-encoded | x bare + Avro "
        "| peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    labels = {"bare": "bare producer, pre-encoded bytes (baseline)",
              "publisher_raw": "`Publisher.publish_raw`, same bytes",
              "bare_avro": "bare producer + Avro encode per event (baseline)",
              "publisher": "`Publisher.publish` (Avro encode per event)"}
    for key in ("bare", "publisher_raw", "bare_avro", "publisher"):
        r = gw[key]
        out.append(f"| {labels[key]} | {r['eps']:.0f} | {r['eps_per_core']:.0f} | "
                   f"{_x(r['eps'], bare)} | {_x(r['eps'], bare_avro)} | {r['rss_mb']:.0f} |")
    lat = gw["latency"]
    out += [
        "",
        f"Proxy latency: {lat['events']} sequential `add` tools/calls (after 20 warm-up calls) "
        "from the official MCP client to tests/integration/mcp_server_fixture.py, directly "
        "and through `mcpgov proxy` publishing every message to Kafka.",
        "",
        "| path | p50 ms | p99 ms | added p50 ms | added p99 ms | x direct p50 |",
        "|---|---:|---:|---:|---:|---:|",
        f"| direct client -> server (baseline) | {lat['direct_p50_ms']} | "
        f"{lat['direct_p99_ms']} | | | 1.00 |",
        f"| client -> `mcpgov proxy` -> server | {lat['proxied_p50_ms']} | "
        f"{lat['proxied_p99_ms']} | {lat['added_p50_ms']} | {lat['added_p99_ms']} | "
        f"{_x(lat['proxied_p50_ms'], lat['direct_p50_ms'], 2)} |",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    main()
