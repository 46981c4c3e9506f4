"""Lander batches without Kafka: names by offsets, flush triggers, and replay plans."""

from __future__ import annotations

import json
from pathlib import Path

from streams.keyring import Keyring
from streams.lake import Lake, Signer
from streams.lake.landing import Batches, dead_letter, event_rows, file_stem
from streams.lake.signing import trusted_from_keyring
from streams.lake.verify import verify_lake

TOPIC = "mcp.events.governed.eu"
ACME = "events/region=eu/tenant=acme-health/date=2026-11-22"


def feed(batches: Batches, make_event, offsets: range, partition: int = 0) -> None:
    for o in offsets:
        batches.add(TOPIC, partition, o, event_rows(make_event(o), "eu"))


def land(lake: Lake, batches: Batches) -> list[str]:
    """What the lander does at a flush, minus the Kafka commit."""
    taken = batches.take()
    batches.plan(taken)
    for b in taken:
        for part, rows in b.parts.items():
            lake.land_rows(part, b.name, rows, b.schemas[part], source=b.source)
    return [b.name for b in taken]


def test_files_are_named_by_topic_partition_and_offsets() -> None:
    assert file_stem(TOPIC, 3, 120, 4099) == (
        "mcp.events.governed.eu+3+0000000000000000120+0000000000000004099")


def test_flush_is_due_on_size_or_age(tmp_path: Path, make_event) -> None:
    batches = Batches(tmp_path, flush_events=10, flush_seconds=5.0)
    feed(batches, make_event, range(9))
    assert not batches.due()
    assert batches.due(now=batches.open[(TOPIC, 0)].started + 5.0)
    feed(batches, make_event, range(9, 10))
    assert batches.due()


def test_dead_letters_move_the_offsets_but_add_no_row(tmp_path: Path, make_event) -> None:
    batches = Batches(tmp_path, flush_events=10, flush_seconds=5.0)
    feed(batches, make_event, range(3))
    batches.add(TOPIC, 0, 3, None)
    [batch] = batches.take()
    assert (batch.first, batch.last, batch.rows) == (0, 3, 3)


def test_a_replay_after_a_crash_rewrites_the_same_files(tmp_path: Path, signer: Signer,
                                                        ring: Keyring, make_event) -> None:
    lake = Lake(tmp_path, signer)
    before = Batches(tmp_path, flush_events=10, flush_seconds=60)
    feed(before, make_event, range(10))
    assert land(lake, before) == [file_stem(TOPIC, 0, 0, 9)]
    # crash: the commit never happened. A new process starts again at offset 0 and, with
    # a larger batch size, would cut elsewhere; the plan makes it cut at 9 again.
    after = Batches(tmp_path, flush_events=1000, flush_seconds=60)
    feed(after, make_event, range(25))
    assert after.due() and [b.name for b in after.closed] == [file_stem(TOPIC, 0, 0, 9)]
    assert land(Lake(tmp_path, signer), after) == [file_stem(TOPIC, 0, 0, 9),
                                                   file_stem(TOPIC, 0, 10, 24)]
    manifest = (tmp_path / "_manifests" / ACME / "manifest.jsonl").read_text().splitlines()
    assert [json.loads(e)["file"] for e in manifest] == [
        f"{file_stem(TOPIC, 0, 0, 9)}.parquet", f"{file_stem(TOPIC, 0, 10, 24)}.parquet"]
    assert verify_lake(tmp_path, trusted_from_keyring(ring)).problems == []


def test_the_plan_keeps_every_uncommitted_range(tmp_path: Path, make_event) -> None:
    batches = Batches(tmp_path, flush_events=5, flush_seconds=60)
    for start in (0, 5):
        feed(batches, make_event, range(start, start + 5))
        batches.plan(batches.take())
    plan = json.loads((tmp_path / "_mcpgov/lander" / f"{TOPIC}+0.json").read_text())
    assert plan["uncommitted"] == [[0, 4], [5, 9]]
    batches.committed([])  # nothing committed: both stay
    replay = Batches(tmp_path, flush_events=1000, flush_seconds=60)
    feed(replay, make_event, range(12))
    assert [b.name for b in replay.closed] == [file_stem(TOPIC, 0, 0, 4),
                                               file_stem(TOPIC, 0, 5, 9)]


def test_a_plan_behind_the_committed_offset_is_ignored(tmp_path: Path, make_event) -> None:
    batches = Batches(tmp_path, flush_events=5, flush_seconds=60)
    feed(batches, make_event, range(5))
    batches.plan(batches.take())
    resumed = Batches(tmp_path, flush_events=1000, flush_seconds=60)
    feed(resumed, make_event, range(5, 9))  # committed offset was 5
    assert resumed.closed == [] and resumed.open[(TOPIC, 0)].plan_last is None


def test_revoked_partitions_are_forgotten(tmp_path: Path, make_event) -> None:
    batches = Batches(tmp_path, flush_events=100, flush_seconds=60)
    feed(batches, make_event, range(3), partition=0)
    feed(batches, make_event, range(3), partition=1)
    batches.forget([(TOPIC, 0)])
    assert [(b.partition, b.rows) for b in batches.take()] == [(1, 3)]


def test_a_dead_letter_names_its_record_but_never_copies_it(tmp_path: Path) -> None:
    path = dead_letter(tmp_path, TOPIC, 2, 41, "FrameError: not an Avro frame", b"tok_x 123")
    doc = json.loads(path.read_text())
    assert path.name == f"{file_stem(TOPIC, 2, 41, 41)}.json"
    assert {k: doc[k] for k in ("topic", "partition", "offset", "reason", "size")} == {
        "topic": TOPIC, "partition": 2, "offset": 41,
        "reason": "FrameError: not an Avro frame", "size": 9}
    assert "tok_x" not in path.read_text()
