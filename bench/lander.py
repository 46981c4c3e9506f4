"""Lander phases, each in a fresh process: `python -m bench.lander NAME BOOTSTRAP PREFIX N`.

`setup` creates the governed topics (three regions, three partitions each, as the
lander's reliability test does) under a fresh prefix and produces N small Avro
governed events, untimed. `consume` is the baseline: a bare confluent-kafka consumer
of the same topics (fresh group) that only counts the records; `decode` also Avro-decodes
each one; `lander` is `streams.lander.run_lander` landing them into a signed Parquet
lake in a temp dir (fresh group). Each prints one JSON line (see bench.phases).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from typing import Any

from bench.phases import _cpu, _result

REGIONS = ("eu", "us", "apac")
PARTITIONS = 3
TENANTS = ("acme-health", "globex")
BUDGET_S = 120.0  # per phase; a phase that runs out reports what it did


def event(i: int) -> tuple[str, dict[str, Any]]:
    """(region, governed event), built as tests/integration/test_lander_reliability.py does."""
    region = REGIONS[i % len(REGIONS)]
    return region, {
        "schema_version": 1, "event_id": f"00000000-0000-4000-8000-{i:012d}",
        "time": f"2026-11-22T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000000Z",
        "governed_at": "2026-11-24T06:31:00.000000Z", "tenant": TENANTS[i % len(TENANTS)],
        "gateway": {"id": f"gw-{region}-1", "region": region}, "session_id": f"sess-{i % 97}",
        "identity": {"user": "tok_pii_k1_user0001", "agent": "chart-summarizer",
                     "client_id": "desktop-client", "scopes": [],
                     "auth": {"decision": "allow", "policy": "ehr-readers", "reason": None}},
        "server": {"name": "ehr", "version": "1.4.2", "region": region, "transport": "stdio"},
        "data_subject": {"token": f"tok_pii_k1_subj{i % 50:04d}", "region": region},
        "purpose": "treatment", "direction": "request", "method": "tools/call",
        "tool": "get_patient_record", "latency_ms": None, "trace": None, "payload": "{}",
        "findings": [], "data_classes": [],
        "residency": {"region": region, "subject_region": region, "server_region": region,
                      "gateway_region": region, "transfer": None},
        "key_id": "k1", "policy": "default",
    }


def _names(prefix: str) -> Any:
    from streams.kafka.topics import TopicNames

    return TopicNames.build(prefix=prefix)


def setup(bootstrap: str, prefix: str, n: int) -> dict[str, Any]:
    from confluent_kafka import Producer

    from streams import avro
    from streams.kafka.topics import TopicSpec, create_topics

    names = _names(prefix)
    create_topics(bootstrap, [TopicSpec(names.governed_for(r), PARTITIONS) for r in REGIONS]
                  + [TopicSpec(names.alerts, 1)])
    prod = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True,
                     "linger.ms": 20, "compression.type": "zstd"})
    size = 0
    for i in range(n):
        region, record = event(i)
        value = avro.encode("governed_event", record)
        size += len(value)
        while True:
            try:
                prod.produce(names.governed_for(region), key=record["session_id"].encode(),
                             value=value)
                break
            except BufferError:
                prod.poll(0.1)
        if i % 5_000 == 0:
            prod.poll(0)
    left = prod.flush(60)
    return {"events": n - left, "avg_bytes": round(size / max(n, 1), 1)}


def consume(bootstrap: str, prefix: str, n: int, decode: bool) -> dict[str, Any]:
    """Bare confluent-kafka: subscribe, consume n records (optionally Avro-decode), commit."""
    from confluent_kafka import Consumer

    from streams import avro

    names = _names(prefix)
    cons = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{uuid.uuid4().hex}",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c0, t0 = _cpu(), time.perf_counter()
    cons.subscribe([names.governed_for(r) for r in REGIONS])
    got, first = 0, None
    deadline = time.monotonic() + BUDGET_S
    while got < n and time.monotonic() < deadline:
        for msg in cons.consume(500, 0.2):
            if msg.error() is None:
                if first is None:
                    first = time.perf_counter()
                if decode:
                    avro.decode("governed_event", msg.value() or b"")
                got += 1
    cons.commit(asynchronous=False)
    end = time.perf_counter()
    wall, cpu = end - t0, _cpu() - c0
    cons.close()
    return _result(got, wall, cpu, **_steady(got, t0, first, end))


def _steady(got: int, t0: float, first: float | None, end: float) -> dict[str, Any]:
    """Group join (subscribe to first record) apart from the rate once records flow."""
    if first is None:
        return {"join_s": None, "steady_eps": 0}
    return {"join_s": round(first - t0, 3),
            "steady_eps": round(got / (end - first), 1) if end > first else 0}


def lander(bootstrap: str, prefix: str, n: int) -> dict[str, Any]:
    """run_lander from the same topics into a fresh signed lake, until n records."""
    from streams.keyring import Keyring
    from streams.lake import Signer
    from streams.lander import _Lander, governed_pattern, run_lander

    names = _names(prefix)
    signer = Signer.from_keyring(Keyring.new())
    seen: list[float] = []
    take = _Lander.take

    def timed_take(self: Any, msg: Any) -> None:  # measurement hook: when records begin
        if not seen:
            seen.append(time.perf_counter())
        take(self, msg)

    _Lander.take = timed_take  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        c0, t0 = _cpu(), time.perf_counter()
        stats = run_lander(bootstrap, tmp, signer=signer, topics_pattern=governed_pattern(names),
                           alerts_topic=names.alerts,
                           group_id=f"bench-lander-{uuid.uuid4().hex}", max_events=n,
                           max_seconds=BUDGET_S)
        end = time.perf_counter()
        wall, cpu = end - t0, _cpu() - c0
        files = sum(len([f for f in fs if f.endswith(".parquet")])
                    for _, _, fs in os.walk(tmp))
    return _result(stats.records, wall, cpu, flushes=stats.flushes, files=files,
                   dead_letters=stats.dead_letters,
                   **_steady(stats.records, t0, seen[0] if seen else None, end))


if __name__ == "__main__":
    name, bootstrap, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if name == "setup":
        res = setup(bootstrap, prefix, count)
    elif name in ("consume", "decode"):
        res = consume(bootstrap, prefix, count, decode=name == "decode")
    elif name == "lander":
        res = lander(bootstrap, prefix, count)
    else:
        raise SystemExit(f"unknown phase {name!r}")
    print(json.dumps(res))
