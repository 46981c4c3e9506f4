"""Writing through `Lake`: deterministic files, replays recorded once, rewrites superseding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from streams.keyring import Keyring
from streams.lake import EVENT_SCHEMA, Lake, Signer, SigningKeyError, land_events, parquet_bytes
from streams.lake.rows import event_row, safe
from streams.lake.signing import trusted_from_keyring
from streams.lake.verify import verify_lake

ACME = "events/region=eu/tenant=acme-health/date=2026-11-22"


def entries(lake: Path, partition: str = ACME) -> list[dict]:
    path = lake / "_manifests" / partition / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_same_rows_give_the_same_bytes_whatever_their_order(make_event) -> None:
    rows = [event_row(make_event(i, second=i % 3)) for i in range(30)]
    assert parquet_bytes(rows, EVENT_SCHEMA) == parquet_bytes(rows[::-1], EVENT_SCHEMA)


def test_a_replay_of_the_same_events_adds_no_entry(tmp_path: Path, signer: Signer,
                                                   make_event) -> None:
    events = [make_event(i) for i in range(5)]
    first = Lake(tmp_path, signer)
    first.land_events("eu", events, "n1", source={"topic": "t", "partition": 0, "first": 0,
                                                  "last": 4})
    again = Lake(tmp_path, signer)  # a restarted process: nothing cached
    again.land_events("eu", list(reversed(events)), "n1")
    assert [e["seq"] for e in entries(tmp_path)] == [0]
    assert entries(tmp_path)[0]["source"] == {"topic": "t", "partition": 0, "first": 0, "last": 4}


def test_other_content_under_the_same_name_supersedes(tmp_path: Path, signer: Signer,
                                                      make_event, ring: Keyring) -> None:
    store = Lake(tmp_path, signer)
    store.land_events("eu", [make_event(i) for i in range(5)], "n1")
    store.land_events("eu", [make_event(i) for i in range(6)], "n1")
    found = entries(tmp_path)
    assert [(e["op"], e["seq"], e["supersedes"], e["rows"]) for e in found] == [
        ("add", 0, None, 5), ("add", 1, 0, 6)]
    assert found[1]["prev"] != found[0]["prev"]
    assert verify_lake(tmp_path, trusted_from_keyring(ring)).problems == []


def test_an_entry_records_what_the_file_holds(tmp_path: Path, signer: Signer,
                                              make_event) -> None:
    Lake(tmp_path, signer).land_events("eu", [make_event(3), make_event(1)], "n1",
                                       source={"input": "x", "first_line": 1, "last_line": 2})
    entry = entries(tmp_path)[0]
    data = (tmp_path / ACME / "n1.parquet").read_bytes()
    assert entry["size"] == len(data) and entry["rows"] == 2 and entry["kid"] == "k1"
    assert (entry["time_min"], entry["time_max"]) == ("2026-11-22T06:30:01.000000Z",
                                                      "2026-11-22T06:30:03.000000Z")
    assert entry["partition"] == ACME and entry["file"] == "n1.parquet"
    assert entry["prev"] == "0" * 64


def test_a_removal_is_recorded_and_verify_accepts_it(tmp_path: Path, signer: Signer,
                                                     make_event, ring: Keyring) -> None:
    store = Lake(tmp_path, signer)
    store.land_events("eu", [make_event(1)], "n1")
    store.land_events("eu", [make_event(2)], "n2")
    store.manifest(ACME).remove("n1.parquet", "retention: expired")
    assert not (tmp_path / ACME / "n1.parquet").exists()
    assert verify_lake(tmp_path, trusted_from_keyring(ring)).problems == []
    (tmp_path / ACME / "n1.parquet").write_bytes(b"back")
    assert verify_lake(tmp_path, trusted_from_keyring(ring)).problems == [
        f"unlisted: {ACME}/n1.parquet: present, but manifest entry 2 records its removal"]


def test_a_torn_last_line_is_dropped_before_the_next_append(tmp_path: Path, signer: Signer,
                                                            make_event, ring: Keyring) -> None:
    Lake(tmp_path, signer).land_events("eu", [make_event(1)], "n1")
    manifest = tmp_path / "_manifests" / ACME / "manifest.jsonl"
    with manifest.open("ab") as fh:
        fh.write(b'{"op":"add","fi')  # what a power cut mid-write leaves
    assert "incomplete last line" in verify_lake(tmp_path, trusted_from_keyring(ring)).problems[0]
    Lake(tmp_path, signer).land_events("eu", [make_event(2)], "n2")
    assert [e["seq"] for e in entries(tmp_path)] == [0, 1]
    assert verify_lake(tmp_path, trusted_from_keyring(ring)).problems == []


_WRITER = """
import json, sys
from pathlib import Path
from streams.keyring import Keyring
from streams.lake import Lake, Signer
root, n = Path(sys.argv[1]), int(sys.argv[2])
store = Lake(root, Signer.from_keyring(Keyring.from_json(json.loads(sys.stdin.read()))))
for k in range(10):
    event = {"event_id": f"e-{n}-{k}", "time": "2026-11-22T06:30:00Z", "tenant": "acme-health",
             "session_id": "s", "gateway": {"id": "g", "region": "eu"}}
    store.land_events("eu", [event], f"w{n}-{k}")
"""


def test_concurrent_writers_keep_one_chain(tmp_path: Path, ring: Keyring) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), str(n)],
                              stdin=subprocess.PIPE, text=True) for n in range(2)]
    for p in procs:
        p.communicate(json.dumps(ring.to_json()), timeout=60)
        assert p.returncode == 0
    assert [e["seq"] for e in entries(tmp_path)] == list(range(20))
    assert verify_lake(tmp_path, trusted_from_keyring(ring)).problems == []


def test_unsigned_landing_writes_files_only(tmp_path: Path, make_event) -> None:
    paths = land_events(tmp_path, "eu", [make_event(1)], "n1")
    assert paths == [tmp_path / ACME / "n1.parquet"]
    assert not (tmp_path / "_manifests").exists()


def test_a_lake_refuses_a_second_keyring_under_the_same_key_id(tmp_path: Path, signer: Signer,
                                                               make_event) -> None:
    Lake(tmp_path, signer)
    with pytest.raises(SigningKeyError, match="signed with a different keyring"):
        Lake(tmp_path, Signer.from_keyring(Keyring.new()))


def test_the_signing_key_is_derived_not_stored(ring: Keyring) -> None:
    a, b = Signer.from_keyring(ring), Signer.from_keyring(Keyring.from_json(ring.to_json()))
    assert a.sign(b"x") == b.sign(b"x")
    assert Signer.from_keyring(Keyring.new()).sign(b"x") != a.sign(b"x")


@pytest.mark.parametrize("value, expected", [
    ("acme-health", "acme-health"), ("..", "_"), ("a/../b", "a_.._b"), ("", "_"),
    ("x y", "x_y")])
def test_partition_values_cannot_leave_the_lake(value: str, expected: str) -> None:
    assert safe(value) == expected
