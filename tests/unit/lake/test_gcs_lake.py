"""A lake in Google Cloud Storage (through pyarrow's GcsFileSystem) behaves as a local one.

The store is fake-gcs-server on 127.0.0.1 (`gcs_endpoint` in tests/conftest.py): a real
GCS JSON API over HTTP, so pyarrow lists, uploads (resumable), reads and deletes over the
wire. The same input to a local folder and to a gs:// URI gives the same answers,
`verify` catches the same tampering, and retention works there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.keyring import Keyring
from streams.lake import Lake, Signer
from streams.lake import lease as leases
from streams.lake.location import ObjectPath, lake_location

from .conftest import alert, governed_event
from .test_object_store import ACME, cli, govern, problems, query, verify


@pytest.fixture
def traffic(tmp_path: Path) -> Path:
    out = tmp_path / "traffic.jsonl"
    result = cli("generate", "--sessions", "25", "--seed", "11", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def test_the_same_input_gives_the_same_lake_answers_locally_and_in_gcs(
        traffic: Path, tmp_path: Path, gcs_lake: str, keyring_file: Path) -> None:
    local = str(tmp_path / "lake")
    govern(traffic, local, keyring_file)
    govern(traffic, gcs_lake, keyring_file)
    for sql in ("SELECT event_id, region, tenant, date, tool, data_classes, payload "
                "FROM events ORDER BY event_id",
                "SELECT alert_id, rule_id, severity, date FROM alerts ORDER BY alert_id",
                "SELECT count(*) AS n FROM events_raw"):
        here, there = query(local, sql), query(gcs_lake, sql)
        assert here == there and here, sql
    root = lake_location(gcs_lake)
    assert isinstance(root, ObjectPath) and type(root.fs).__name__ == "GcsFileSystem"
    names = [p.relative_to(root).as_posix() for p in root.glob("events/*/*/*/*.parquet")]
    assert names and all(n.startswith("events/region=") for n in names)
    assert root.is_dir() and (root / "events").is_dir()  # prefixes are folders
    assert not (root / "no-such-tree").is_dir()
    ok_local, ok_gcs = verify(local, keyring_file), verify(gcs_lake, keyring_file)
    assert ok_local.exit_code == 0 and ok_gcs.exit_code == 0, ok_gcs.stderr
    assert ok_gcs.stdout.split("; root")[0] == ok_local.stdout.split("; root")[0]


@pytest.fixture
def signed_gcs(gcs_lake: str, ring: Keyring) -> ObjectPath:
    store = Lake(gcs_lake, Signer.from_keyring(ring))
    store.land_events("eu", [governed_event(i) for i in range(10)], "batch-1")
    store.land_events("eu", [governed_event(i) for i in range(20, 25)], "batch-2")
    store.land_alerts([alert(1), alert(2)], "batch-2")
    assert isinstance(store.root, ObjectPath)
    leases.release(store.root, "events")
    leases.release(store.root, "alerts")
    return store.root


def test_verify_catches_a_modified_byte_and_a_deleted_object_in_gcs(
        signed_gcs: ObjectPath, gcs_lake: str, keyring_file: Path) -> None:
    assert verify(gcs_lake, keyring_file).exit_code == 0
    target = signed_gcs / ACME / "batch-1.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (signed_gcs / ACME / "batch-2.parquet").unlink()
    assert problems(verify(gcs_lake, keyring_file)) == [
        f"modified: {ACME}/batch-1.parquet: content differs from manifest entry 0 "
        f"(size {len(data)}, recorded {len(data)})",
        f"missing: {ACME}/batch-2.parquet: listed by manifest entry 1, not on disk"]


def test_retention_in_gcs_removes_expired_objects_with_a_receipt_and_verify_passes(
        signed_gcs: ObjectPath, gcs_lake: str, keyring_file: Path) -> None:
    assert list(signed_gcs.glob("events/*/*/*/*.parquet"))
    result = cli("retention", "apply", "--lake", gcs_lake, "--keyring", str(keyring_file),
                 "--now", "2045-01-01T00:00:00Z")
    assert result.exit_code == 0, result.stderr
    assert "removed " in result.stdout and "receipt _receipts/" in result.stdout
    assert not list(signed_gcs.glob("events/*/*/*/*.parquet"))
    assert not list(signed_gcs.glob("alerts/*/*.parquet"))
    assert list(signed_gcs.glob("_receipts/*.json"))
    ok = verify(gcs_lake, keyring_file)
    assert ok.exit_code == 0, ok.stderr
    assert query(gcs_lake, "SELECT count(*) AS n FROM events") == [{"n": 0}]


def test_a_gcs_lease_is_exclusive_and_messages_carry_no_uri_options(gcs_lake: str) -> None:
    root = lake_location(gcs_lake)
    assert isinstance(root, ObjectPath)
    leases.hold(root, "events", owner="lander-a")
    with pytest.raises(leases.LakeBusy) as caught:
        leases.hold(root, "events", owner="lander-b", wait=0.5)
    assert "events/ is being written by lander-a" in str(caught.value)
    assert "endpoint_override" not in str(caught.value)
    leases.release(root, "events", owner="lander-a")
    assert not list(root.glob("_mcpgov/leases/*.json"))


def test_a_missing_gcs_bucket_or_bad_option_exits_2_naming_only_scheme_bucket_and_key(
        gcs_endpoint: str) -> None:
    missing = f"gs://anonymous@no-such-bucket-x/lake?scheme=http&endpoint_override={gcs_endpoint}"
    result = cli("query", "--lake", missing, "SELECT 1")
    assert result.exit_code == 2 and "no lake at gs://no-such-bucket-x/lake" in result.stderr
    result = cli("query", "--lake", "gs://anonymous@bucket/lake?no_such_option=1", "SELECT 1")
    assert result.exit_code == 2
    assert "cannot open lake gs://bucket/lake: Unexpected query parameter" in result.stderr
    assert "anonymous" not in result.stderr  # user info is never shown
