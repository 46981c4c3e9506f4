"""SIGKILL the lander three times while it lands 50,000 events: each lands exactly once.

The lander runs as a real subprocess (`python -m streams.lander`) on a real broker and
is killed at moments that fall inside its flushes (files written, manifest appended,
offsets not yet committed). Static group membership lets each restart take the
partitions over at once. Afterwards DuckDB counts every event id exactly once and
`verify` finds the lake intact.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from confluent_kafka import Producer

from streams import avro
from streams.kafka.topics import TopicNames, TopicSpec, create_topics
from streams.keyring import Keyring
from streams.lake.signing import trusted_from_keyring
from streams.lake.verify import verify_lake

EVENTS = 50_000
REGIONS = ("eu", "us", "apac")
PARTITIONS = 3
TENANTS = ("acme-health", "globex")
KILLS = 3
FLUSH_EVENTS = 2_000
KILL_EVERY_FILES = 14  # a full run lands about 66 files
BUDGET_SECONDS = 170.0
CLIENT_LOG = logging.getLogger("tests.librdkafka")
ROOT = Path(__file__).resolve().parents[2]


def event(i: int) -> tuple[str, dict[str, Any]]:
    """(region, governed event): small, synthetic, spread over regions and tenants."""
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


def produce_all(bootstrap: str, names: TopicNames) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True,
                         "linger.ms": 20, "compression.type": "zstd"}, logger=CLIENT_LOG)
    for i in range(EVENTS):
        region, record = event(i)
        producer.produce(names.governed_for(region), key=record["session_id"].encode(),
                         value=avro.encode("governed_event", record))
        if i % 10_000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0


def files_landed(lake: Path) -> int:
    return sum(len(f) for _, _, f in os.walk(lake / "events")) if (lake / "events").exists() else 0


def wait_for(condition: Any, deadline: float, proc: subprocess.Popen[bytes]) -> None:
    while not condition():
        assert time.monotonic() < deadline, "the lander made no progress in time"
        assert proc.poll() is None, f"the lander exited early with {proc.returncode}"
        time.sleep(0.02)


@pytest.mark.kafka
@pytest.mark.slow
def test_three_sigkills_lose_and_duplicate_nothing(kafka_bootstrap, kafka_names,
                                                   tmp_path: Path) -> None:
    began = time.monotonic()
    deadline = began + BUDGET_SECONDS
    names = TopicNames.build(prefix=kafka_names.prefix)
    create_topics(kafka_bootstrap, [TopicSpec(names.governed_for(r), PARTITIONS) for r in REGIONS]
                  + [TopicSpec(names.alerts, 1)])
    produce_all(kafka_bootstrap, names)
    ring = Keyring.new()
    keyring, lake, log = ring.save(tmp_path / "keys.json"), tmp_path / "lake", tmp_path / "log"
    cmd = [sys.executable, "-m", "streams.lander", "--broker", kafka_bootstrap,
           "--lake", str(lake), "--keyring", str(keyring), "--group", kafka_names.group(),
           "--instance-id", "lander-1", "--topic-prefix", kafka_names.prefix,
           "--flush-events", str(FLUSH_EVENTS), "--flush-seconds", "1", "--idle-exit", "3",
           "--loglevel", "info"]
    rng = random.Random(4)
    with log.open("ab") as out:
        for kill in range(1, KILLS + 1):
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out)
            try:
                # right after a file lands, its flush is still going on: more files, the
                # manifest entries and the commit are still to come
                wait_for(lambda k=kill: files_landed(lake) >= k * KILL_EVERY_FILES, deadline,
                         proc)
                time.sleep(rng.uniform(0.0, 0.03))
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out)
        try:
            assert proc.wait(max(1.0, deadline - time.monotonic())) == 0
        finally:
            proc.kill()
    glob = str(lake / "events/*/*/*/*.parquet")
    with duckdb.connect() as con:
        [(rows, ids)] = con.execute("SELECT count(*), count(DISTINCT event_id) "
                                    "FROM read_parquet(?)", [glob]).fetchall()
    assert (rows, ids) == (EVENTS, EVENTS), log.read_text()[-2000:]
    report = verify_lake(lake, trusted_from_keyring(ring))
    assert report.problems == []
    assert report.rows == EVENTS
    assert report.entries == report.files  # replays rewrote identical bytes: nothing superseded
    replays = log.read_text().count("into the same files")
    print(f"\n{EVENTS} events, {KILLS} SIGKILLs: {time.monotonic() - began:.1f}s; "
          f"{report.files} files; {replays} batches replayed into the same files; "
          f"{log.read_text().splitlines()[-1]}")
