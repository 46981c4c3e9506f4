"""The lander into an S3 lake on a real broker: a SIGKILL loses and duplicates nothing.

The lake is a bucket of the loopback S3 server (moto, over HTTP). The lander runs as a
real subprocess, is killed mid-run (leaving its write lease behind), and a restart
takes the lease over once it lapses, replays into the same object names, and ends
with every event id once and `verify` passing.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from confluent_kafka import Producer

from streams import avro
from streams.kafka.topics import TopicNames, TopicSpec, create_topics
from streams.keyring import Keyring
from streams.lake.location import lake_location
from streams.lake.query import connect
from streams.lake.signing import trusted_from_keyring
from streams.lake.verify import verify_lake

from .test_lander_reliability import REGIONS, event

EVENTS = 6_000
FLUSH_EVENTS = 500
BUDGET_SECONDS = 90.0
LEASE_SECONDS = "3"
CLIENT_LOG = logging.getLogger("tests.librdkafka")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.kafka
def test_a_sigkilled_lander_into_s3_resumes_exactly_once(kafka_bootstrap, kafka_names,
                                                         s3_lake: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + BUDGET_SECONDS
    names = TopicNames.build(prefix=kafka_names.prefix)
    create_topics(kafka_bootstrap, [TopicSpec(names.governed_for(r), 2) for r in REGIONS]
                  + [TopicSpec(names.alerts, 1)])
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "enable.idempotence": True,
                         "linger.ms": 20}, logger=CLIENT_LOG)
    for i in range(EVENTS):
        region, record = event(i)
        producer.produce(names.governed_for(region), key=record["session_id"].encode(),
                         value=avro.encode("governed_event", record))
    assert producer.flush(60) == 0
    ring = Keyring.new()
    keyring, log = ring.save(tmp_path / "keys.json"), tmp_path / "log"
    cmd = [sys.executable, "-m", "streams.lander", "--broker", kafka_bootstrap,
           "--lake", s3_lake, "--keyring", str(keyring), "--group", kafka_names.group(),
           "--instance-id", "lander-s3", "--topic-prefix", kafka_names.prefix,
           "--flush-events", str(FLUSH_EVENTS), "--flush-seconds", "1", "--idle-exit", "3",
           "--loglevel", "info"]
    env = {**os.environ, "MCPGOV_LEASE_SECONDS": LEASE_SECONDS}
    lake = lake_location(s3_lake)

    def landed() -> int:
        return len(list(lake.glob("events/*/*/*/*.parquet")))

    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out, env=env)
        try:
            while landed() < 4:
                assert time.monotonic() < deadline and proc.poll() is None, \
                    log.read_text()[-2000:]
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        assert list(lake.glob("_mcpgov/leases/*.json")), "a killed lander leaves its lease"
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out, env=env)
        try:
            assert proc.wait(max(1.0, deadline - time.monotonic())) == 0, \
                log.read_text()[-2000:]
        finally:
            proc.kill()
    con = connect(lake)
    [(rows, ids)] = con.execute("SELECT count(*), count(DISTINCT event_id) "
                                "FROM events_raw").fetchall()
    assert (rows, ids) == (EVENTS, EVENTS), log.read_text()[-2000:]
    report = verify_lake(lake, trusted_from_keyring(ring))
    assert report.problems == [] and report.rows == EVENTS
    assert not list(lake.glob("_mcpgov/leases/*.json")), "a clean exit gives the lease back"
