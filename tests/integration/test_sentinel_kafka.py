"""The sentinel as a Kafka worker on a real broker: governed in, alerts out, state restored.

Governed events (built by the real governor, Avro-encoded) are produced to their
regional topics at a steady pace; the worker runs as a subprocess exactly as an
operator starts it. Each alert must arrive within 2 s of the produce time of its last
evidence event. Then the worker is SIGKILLed after the first part of an exfiltration
session (its sensitive reads, already processed and committed) and started again
with an empty state folder: the changelog restores the session, and when the rest
of the session (the outbound call) arrives, the toxic-flow alert fires, once.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from procs_support import stop  # noqa: E402 - registered by tests/integration/conftest.py

from streams.avro import decode, encode
from streams.deadletter import Source
from streams.generate.api import generate
from streams.kafka.topics import TopicNames, contract_topics, create_topics
from streams.sentinel import Sentinel

pytestmark = pytest.mark.kafka

LATENCY_S = 2.0
PARTITIONS = 3


def _governed(events: list[dict]) -> list[dict]:
    from detectors.api import Classifier, DetectorConfig
    from streams.governor import Governor
    from streams.keyring import Keyring
    from streams.tokens import Tokenizer

    gov = Governor(Tokenizer(Keyring.new()),
                   Classifier(DetectorConfig(ner=False, use_env=False, plugins=False)), ner=False)
    outs = gov.process([(json.dumps(e), Source(line=i)) for i, e in enumerate(events)])
    return [o.event for o in outs if o.event is not None]


def _pick(truth, kind: str) -> str:
    return next(sid for sid, s in truth.sessions.items() if s["attack_kind"] == kind)


def _worker(bootstrap: str, prefix: str, app_id: str, data_dir: Path, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streams.sentinel.worker", "--broker", bootstrap,
           "--topic-prefix", prefix, "--app-id", app_id, "--data-dir", str(data_dir),
           "--partitions", str(PARTITIONS), "--session-timeout", "6", "--loglevel", "info"]
    return subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            env=dict(os.environ), start_new_session=True)




def _wait_ready(proc: subprocess.Popen, log: Path, runs: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        if log.read_text(errors="replace").count("Ready") >= runs:
            return
        time.sleep(0.2)
    raise AssertionError("worker not ready:\n" + log.read_text()[-3000:])


class _Alerts(threading.Thread):
    """Consumes mcp.alerts in the background, noting when each alert arrived."""

    def __init__(self, bootstrap: str, topic: str, group: str) -> None:
        super().__init__(daemon=True)
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                  "fetch.wait.max.ms": 10})
        self.consumer.subscribe([topic])
        self.got: list[tuple[float, dict, bytes]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            msg = self.consumer.poll(0.05)
            if msg is not None and msg.error() is None:
                self.got.append((time.monotonic(), decode("alert", msg.value()), msg.key()))
        self.consumer.close()


def _committed(bootstrap: str, group: str, topic: str) -> bool:
    """True when the group's committed offsets reach the end of every partition."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        parts = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        done = c.committed(parts, timeout=10)
        for tp in done:
            high = c.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10)[1]
            if high and tp.offset < high:
                return False
        return True
    finally:
        c.close()


def test_sentinel_worker_alerts_fast_and_once_across_a_restart(kafka_bootstrap, kafka_names,
                                                               tmp_path) -> None:
    raw, truth = generate(60, seed=23, attack_share=0.4)
    exfil, probe, bulk = (_pick(truth, k) for k in ("exfiltration", "scope_probing",
                                                     "bulk_enumeration"))
    benign = [sid for sid, s in truth.sessions.items() if s["label"] == "benign"][:4]
    chosen = {exfil, probe, bulk, *benign}
    governed = _governed([e for e in raw if e["session_id"] in chosen])
    sink = truth.sessions[exfil]["evidence_event_ids"][-1]  # the outbound call
    cut = next(i for i, e in enumerate(governed) if e["event_id"] == sink)
    first = governed[:cut]
    rest = [e for e in governed[cut:] if e["session_id"] == exfil]
    first += [e for e in governed[cut:] if e["session_id"] != exfil]

    # Without the state of the first part, the rest alone is no toxic flow: an alert
    # after the restart proves the changelog restored the session.
    alone = Sentinel.from_files()
    assert not [a for e in rest for a in alone.observe(e)
                if a["rule_id"] == "toxic_flow.exfiltration"]

    names = TopicNames.build(kafka_names.prefix)
    create_topics(kafka_bootstrap, contract_topics(names=names, partitions=PARTITIONS))
    app_id = kafka_names.group("sentinel")
    log = tmp_path / "worker.log"
    proc = _worker(kafka_bootstrap, kafka_names.prefix, app_id, tmp_path / "state-1", log)
    alerts = _Alerts(kafka_bootstrap, names.alerts, kafka_names.group("soc"))
    alerts.start()
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "acks": "all", "linger.ms": 0,
                         "enable.idempotence": True})
    produced: dict[str, float] = {}

    def produce(events: list[dict]) -> None:
        for e in events:
            produced[e["event_id"]] = time.monotonic()
            producer.produce(names.governed_for(e["residency"]["region"]),
                             key=e["session_id"].encode(), value=encode("governed_event", e))
            producer.flush(10)
            time.sleep(0.01)

    try:
        _wait_ready(proc, log, runs=1)
        produce(first)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and {probe, bulk} - {a["session_id"] for _, a, _ in alerts.got}:
            time.sleep(0.1)
        # Everything of the first part processed and committed, then a crash.
        by_agent = f"{app_id}-sentinel-by-agent"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _committed(kafka_bootstrap, app_id, by_agent):
            time.sleep(0.5)
        assert _committed(kafka_bootstrap, app_id, by_agent), log.read_text()[-3000:]
        before = len(alerts.got)
        stop(proc, signal.SIGKILL)
        proc = _worker(kafka_bootstrap, kafka_names.prefix, app_id, tmp_path / "state-2", log)
        _wait_ready(proc, log, runs=2)
        produce(rest)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and exfil not in {a["session_id"] for _, a, _ in alerts.got}:
            time.sleep(0.1)
        time.sleep(3)  # time for a duplicate to show up, if there were one
        assert proc.poll() is None, log.read_text()[-3000:]
    finally:
        alerts.stop.set()
        alerts.join(10)
        stop(proc)

    got = alerts.got
    by_session: dict[str, list[dict]] = {}
    for _, a, key in got:
        assert key == a["session_id"].encode()
        by_session.setdefault(a["session_id"], []).append(a)
    assert [a["rule_id"] for a in by_session.get(probe, [])] == ["authz_probing.denied_burst"]
    assert [a["rule_id"] for a in by_session.get(bulk, [])][-1].startswith("bulk_access.")
    flows = [a for a in by_session.get(exfil, []) if a["rule_id"] == "toxic_flow.exfiltration"]
    assert len(flows) == 1, [a["rule_id"] for a in by_session.get(exfil, [])]
    assert sink in flows[0]["event_ids"]
    assert not any(sid in by_session for sid in benign)
    assert len({a["alert_id"] for _, a, _ in got}) == len(got), "an alert came twice"
    assert len(got) > before
    latencies = []
    for when, a, _ in got:
        last = max(produced[i] for i in a["event_ids"] if i in produced)
        latencies.append(when - last)
    print(f"\nalert latency from last evidence produce: max {max(latencies):.3f}s, "
          f"all {[round(x, 3) for x in latencies]}")
    assert max(latencies) <= LATENCY_S, latencies
    assert "Traceback" not in log.read_text(errors="replace")
