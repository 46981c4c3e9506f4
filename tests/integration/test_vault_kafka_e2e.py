"""Erasure on Kafka end to end: governor worker with `--subject-keys kafka`, the lander,
then detokenize and erase through the CLI, against the generator's exact ground truth.

generate -> mcp.events.raw -> `mcpgov worker governor --subject-keys kafka` (keys on the
compacted topic, vault entries on mcp.vault) -> lander -> vault/ files in signed
manifests -> `verify` -> `detokenize` gives the original value -> `erase --subject`
tombstones the key -> `detokenize` is denied-erased -> `verify` still passes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from confluent_kafka import Consumer, Producer, TopicPartition
from procs_support import stop  # noqa: E402 - registered by tests/integration/conftest.py
from subject_keys_support import CLIENT_LOG, raw_records, until

from streams.avro import encode
from streams.cli import main
from streams.erasure import vault
from streams.kafka.topics import DEFAULT_REGIONS, TopicNames, contract_topics, create_topics
from streams.keyring import Keyring
from streams.lake.signing import Signer
from streams.lander import governed_pattern, run_lander
from streams.tokens import Tokenizer

pytestmark = pytest.mark.kafka

SESSIONS, SEED = 6, 11
ROLES = "roles:\n  privacy-officer: {tenants: ['*']}\n"


def ends(bootstrap: str, topics: list[str]) -> int:
    """How many records the topics hold (sum of high watermarks)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "tests-ends"},
                        logger=CLIENT_LOG)
    try:
        total = 0
        for topic in topics:
            parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            total += sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10,
                                                        cached=False)[1] for p in parts)
        return total
    finally:
        consumer.close()


def test_vault_on_kafka_detokenize_erase_verify(kafka_bootstrap, kafka_names,
                                                tmp_path: Path) -> None:
    cli = CliRunner()

    def run(*args: str) -> Result:
        return cli.invoke(main, list(args), catch_exceptions=False)

    keyring = tmp_path / "keyring.json"
    ring = Keyring.new()
    ring.save(keyring)
    (tmp_path / "roles.yaml").write_text(ROLES)
    names = TopicNames.build(kafka_names.prefix)
    create_topics(kafka_bootstrap, contract_topics(names=names, partitions=2))
    traffic = tmp_path / "traffic.jsonl"
    assert run("generate", "--sessions", str(SESSIONS), "--seed", str(SEED), "--out",
               str(traffic)).exit_code == 0
    events = [json.loads(line) for line in traffic.read_text().splitlines()]
    truth = json.loads(traffic.with_name("traffic.jsonl.truth.json").read_text())
    raw_values = {v["value"] for e in truth["events"].values() for v in e["values"]
                  if len(v["value"]) >= 8}
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "enable.idempotence": True,
                         "acks": "all"}, logger=CLIENT_LOG)
    for ev in events:
        producer.produce(names.raw, key=ev["session_id"].encode(), value=encode("raw_event", ev))
    assert producer.flush(30) == 0

    log = tmp_path / "governor.log"
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    worker = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker", "governor", "--broker", kafka_bootstrap,
         "--topic-prefix", kafka_names.prefix, "--app-id", kafka_names.group("governor"),
         "--no-ner", "--batch", "64", "--session-timeout", "6", "--keyring", str(keyring),
         "--data-dir", str(tmp_path / "faust"), "--loglevel", "warning",
         "--subject-keys", "kafka"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env, start_new_session=True)
    governed = [names.governed_for(r) for r in DEFAULT_REGIONS]
    try:
        until(lambda: worker.poll() is None and ends(kafka_bootstrap, governed) >= len(events)
              or worker.poll() is not None, 60, "every event governed", every=0.5)
        assert worker.poll() is None, log.read_text()[-3000:]
    finally:
        stop(worker)

    lake = tmp_path / "lake"
    stats = run_lander(kafka_bootstrap, lake, signer=Signer.from_keyring(ring),
                       group_id=kafka_names.group("lander"),
                       topics_pattern=governed_pattern(names), alerts_topic=names.alerts,
                       vault_topic=names.vault, idle_seconds=1.0, max_seconds=30,
                       flush_seconds=0.5,
                       consumer_config={"session.timeout.ms": 6000})
    rows = [row for _, row in vault.entries(lake)]
    assert stats.vault == ends(kafka_bootstrap, [names.vault]) == len(rows) > 20
    assert stats.dead_letters == 0 and stats.events >= len(events)
    files = vault.vault_files(lake)
    assert all(f.name.startswith(f"{names.vault}+") for f in files)
    assert {f.relative_to(lake).parts[1].split("=")[0] for f in files} == {"tenant"}
    blob = b"\n".join(v or b"" for _, _, _, v in raw_records(kafka_bootstrap, names.vault))
    assert not [v for v in raw_values if v.encode() in blob]  # ciphertext only
    assert run("verify", "--lake", str(lake), "--keyring", str(keyring)).exit_code == 0

    # The original value of one token, against the ground truth of its event.
    def truth_values(row: dict) -> list[str]:
        return [v["value"] for v in truth["events"][row["event_id"]]["values"]
                if v["entity_type"] == row["entity_type"]]

    exact = [r for r in rows if len(set(truth_values(r))) == 1 and r["entity_type"] in
             ("CREDIT_CARD", "EMAIL_ADDRESS", "US_SSN", "IBAN_CODE", "PHONE_NUMBER")]
    assert exact, Counter(r["entity_type"] for r in rows)
    row = exact[0]
    kafka_keys = ["--subject-keys", "kafka", "--broker", kafka_bootstrap,
                  "--topic-prefix", kafka_names.prefix]

    def detokenize(token: str) -> Result:
        return run("detokenize", token, "--lake", str(lake), "--keyring", str(keyring),
                   "--roles", str(tmp_path / "roles.yaml"), "--role", "privacy-officer",
                   "--reason", "DSAR 2026-114", *kafka_keys)

    for r in exact[:3]:
        got = detokenize(r["token"])
        assert got.exit_code == 0, got.output
        assert got.stdout == truth_values(r)[0] + "\n"

    # Erase the subject of that token: its key is tombstoned on the topic.
    tokenizer = Tokenizer(ring)
    [subject_id] = [s for s, info in truth["data_subjects"].items()
                    if tokenizer.subject_token(s, info["tenant"]) == row["subject_token"]]
    erased = run("erase", "--subject", subject_id, "--lake", str(lake), "--keyring",
                 str(keyring), "--reason", "request 2026-114", *kafka_keys)
    assert erased.exit_code == 0, erased.output
    lines = erased.stdout.splitlines()
    assert lines[0] == (f"destroyed key {row['key_id']} of {row['tenant']} subject "
                        f"{row['subject_token']}")
    assert lines[1].startswith(f"tombstoned on Kafka topic {names.subject_keys}: the "
                               "destroyed key's record leaves the log within "
                               "max.compaction.lag.ms (12h)")
    [receipt] = (lake / "_receipts").glob("erasure-*.json")
    doc = json.loads(receipt.read_text())
    assert doc["key_store"]["topic"] == names.subject_keys
    assert doc["key_store"]["configs"]["cleanup.policy"] == "compact"
    assert doc["method"].endswith(f"tombstoned on the compacted Kafka topic {names.subject_keys}")
    assert subject_id not in receipt.read_text()
    last = {k: v for _, _, k, v in raw_records(kafka_bootstrap, names.subject_keys)}
    assert last[f"{row['tenant']}|{row['subject_token']}|{row['key_id']}".encode()] is None

    denied = detokenize(row["token"])
    assert denied.exit_code == 1 and "key is destroyed (erased)" in denied.stderr
    assert truth_values(row)[0] not in denied.output
    log_rows = [r for f in sorted((lake / "access_log").rglob("*.parquet"))
                for r in pq.read_table(f).to_pylist()]
    assert Counter(r["outcome"] for r in log_rows) == {"allowed": len(exact[:3]),
                                                       "denied-erased": 1}
    others = [r for r in exact if r["subject_token"] != row["subject_token"]]
    if others:  # everyone else's values are untouched
        assert detokenize(others[0]["token"]).stdout == truth_values(others[0])[0] + "\n"
    again = run("erase", "--subject", subject_id, "--lake", str(lake), "--keyring",
                str(keyring), *kafka_keys)
    assert again.stdout.startswith("nothing to erase: already erased on ")
    verified = run("verify", "--lake", str(lake), "--keyring", str(keyring))
    assert verified.exit_code == 0, verified.output
