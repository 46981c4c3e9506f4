"""A lake in an object store (S3 or GCS, through pyarrow) behaves as a local lake does.

The stores are moto's S3 server and fake-gcs-server on 127.0.0.1 (real HTTP APIs:
pyarrow lists, uploads, ranges and deletes over the wire); the `bucket` tests run on
both. Same input to a local folder and to a bucket must give the same answers;
`verify` catches the same tampering; retention, detokenize and erase work there; two
writers never share a tree's manifests.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from streams.cli import main
from streams.keyring import Keyring, load_keyring
from streams.lake import Lake, Signer
from streams.lake import lease as leases
from streams.lake.access import subject_tokens
from streams.lake.errors import LakeBusy
from streams.lake.location import ObjectPath, lake_location

from .conftest import alert, governed_event

ACME = "events/region=eu/tenant=acme-health/date=2026-11-22"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def query(lake: str, sql: str) -> list[dict[str, Any]]:
    result = cli("query", "--lake", lake, "--format", "json", sql)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def traffic(tmp_path: Path) -> Path:
    out = tmp_path / "traffic.jsonl"
    result = cli("generate", "--sessions", "25", "--seed", "11", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def govern(traffic: Path, lake: str, keyring_file: Path, *extra: str) -> None:
    result = cli("run", "--input", str(traffic), "--lake", lake, "--keyring", str(keyring_file),
                 "--no-ner", "--no-progress", *extra)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(params=["s3_lake", "gcs_lake"])
def bucket(request: pytest.FixtureRequest) -> str:
    """An empty lake URI in S3 (moto) or GCS (fake-gcs-server), both on loopback."""
    return str(request.getfixturevalue(request.param))


def verify(lake: str, keyring_file: Path) -> Result:
    return cli("verify", "--lake", lake, "--keyring", str(keyring_file))


def test_the_same_input_gives_the_same_lake_answers_locally_and_in_a_bucket(
        traffic: Path, tmp_path: Path, bucket: str, keyring_file: Path) -> None:
    local = str(tmp_path / "lake")
    govern(traffic, local, keyring_file)
    govern(traffic, bucket, keyring_file)
    for sql in ("SELECT event_id, region, tenant, date, tool, data_classes, payload "
                "FROM events ORDER BY event_id",
                "SELECT alert_id, rule_id, severity, date FROM alerts ORDER BY alert_id",
                "SELECT count(*) AS n FROM events_raw"):
        here, there = query(local, sql), query(bucket, sql)
        assert here == there and here, sql
    # the files really are objects in the bucket, under the Hive layout
    root = lake_location(bucket)
    assert isinstance(root, ObjectPath)
    names = [p.relative_to(root).as_posix() for p in root.glob("events/*/*/*/*.parquet")]
    assert names and all(n.startswith("events/region=") for n in names)
    ok_local, ok_bucket = verify(local, keyring_file), verify(bucket, keyring_file)
    assert ok_local.exit_code == 0 and ok_bucket.exit_code == 0, ok_bucket.stderr
    assert ok_bucket.stdout.split("; root")[0] == ok_local.stdout.split("; root")[0]


def test_landing_the_same_batch_again_in_a_bucket_adds_nothing(bucket: str, ring: Keyring) -> None:
    events = [governed_event(i) for i in range(12)]
    store = Lake(bucket, Signer.from_keyring(ring))
    store.land_events("eu", events, "batch-1")
    root = store.root
    manifest = root / "_manifests" / ACME / "manifest.jsonl"
    before = manifest.read_bytes()
    Lake(bucket, Signer.from_keyring(ring)).land_events("eu", events, "batch-1")  # a replay
    assert manifest.read_bytes() == before and before.count(b"\n") == 1
    Lake(bucket, Signer.from_keyring(ring)).land_events("eu", events[:5], "batch-1")
    lines = [json.loads(line) for line in manifest.read_bytes().splitlines()]
    assert [(e["seq"], e["supersedes"]) for e in lines] == [(0, None), (1, 0)]


@pytest.fixture
def signed_bucket(bucket: str, ring: Keyring) -> ObjectPath:
    store = Lake(bucket, Signer.from_keyring(ring))
    store.land_events("eu", [governed_event(i) for i in range(10)], "batch-1")
    store.land_events("eu", [governed_event(i) for i in range(20, 25)], "batch-2")
    store.land_alerts([alert(1), alert(2)], "batch-2")
    store.close()
    assert isinstance(store.root, ObjectPath)
    return store.root


def problems(result: Result) -> list[str]:
    assert result.exit_code == 1, result.stdout
    return [line.strip() for line in result.stderr.splitlines()[1:]]


def test_verify_catches_a_modified_byte_in_a_bucket(signed_bucket: ObjectPath, bucket: str,
                                               keyring_file: Path) -> None:
    assert verify(bucket, keyring_file).exit_code == 0
    target = signed_bucket / ACME / "batch-1.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    assert problems(verify(bucket, keyring_file)) == [
        f"modified: {ACME}/batch-1.parquet: content differs from manifest entry 0 "
        f"(size {len(data)}, recorded {len(data)})"]


def test_verify_catches_deleted_and_inserted_objects_in_a_bucket(
        signed_bucket: ObjectPath, bucket: str, keyring_file: Path) -> None:
    (signed_bucket / ACME / "batch-2.parquet").unlink()
    (signed_bucket / ACME / "extra.parquet").write_bytes(
        (signed_bucket / ACME / "batch-1.parquet").read_bytes())
    assert problems(verify(bucket, keyring_file)) == [
        f"unlisted: {ACME}/extra.parquet: not in any manifest",
        f"missing: {ACME}/batch-2.parquet: listed by manifest entry 1, not on disk"]


def test_verify_catches_a_truncated_manifest_in_a_bucket(signed_bucket: ObjectPath, bucket: str,
                                                    keyring_file: Path) -> None:
    manifest = signed_bucket / "_manifests" / ACME / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(b"".join(lines[:-1]))
    found = problems(verify(bucket, keyring_file))
    assert any("truncated: head.json records 2 entries, the manifest holds 1" in p
               for p in found), found


def test_retention_removes_expired_objects_with_a_receipt_and_verify_still_passes(
        signed_bucket: ObjectPath, bucket: str, keyring_file: Path) -> None:
    assert list(signed_bucket.glob("events/*/*/*/*.parquet"))
    result = cli("retention", "apply", "--lake", bucket, "--keyring", str(keyring_file),
                 "--now", "2045-01-01T00:00:00Z")
    assert result.exit_code == 0, result.stderr
    assert "removed " in result.stdout and "receipt _receipts/" in result.stdout
    assert not list(signed_bucket.glob("events/*/*/*/*.parquet"))
    assert not list(signed_bucket.glob("alerts/*/*.parquet"))
    assert list(signed_bucket.glob("_receipts/*.json"))
    ok = verify(bucket, keyring_file)
    assert ok.exit_code == 0, ok.stderr
    assert query(bucket, "SELECT count(*) AS n FROM events") == [{"n": 0}]


def test_detokenize_and_erase_on_an_bucket(traffic: Path, tmp_path: Path, bucket: str,
                                            keyring_file: Path) -> None:
    keys = tmp_path / "subject-keys"
    govern(traffic, bucket, keyring_file, "--subject-keys", str(keys))
    root = lake_location(bucket)
    assert list(root.glob("vault/*/*/*.parquet"))
    from streams.erasure import vault

    token, entry = next((row["token"], row) for _, row in vault.entries(root))
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  dpo: {tenants: ['*']}\n")
    common = ["--lake", bucket, "--keyring", str(keyring_file), "--subject-keys", str(keys),
              "--roles", str(roles), "--role", "dpo", "--reason", "DSAR test"]
    shown = cli("detokenize", token, *common)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.strip() and shown.stdout.strip() != token
    log = query(bucket, "SELECT 1")  # the views still open with an access_log tree
    assert log == [{"1": 1}]
    subject = next(sid for sid in _subject_ids(traffic, entry["tenant"])
                   if (entry["tenant"], entry["subject_token"]) in subject_tokens(
                       load_keyring(keyring_file, create=False), sid, [entry["tenant"]]))
    erased = cli("erase", "--subject", subject, "--lake", bucket, "--keyring",
                 str(keyring_file), "--subject-keys", str(keys), "--reason", "request 1")
    assert erased.exit_code == 0, erased.stderr
    assert "receipt _receipts/erasure-" in erased.stdout and subject not in erased.stdout
    denied = cli("detokenize", token, *common)
    assert denied.exit_code == 1 and "key is destroyed (erased)" in denied.stderr
    assert shown.stdout.strip() not in denied.stderr + denied.stdout
    ok = verify(bucket, keyring_file)
    assert ok.exit_code == 0, ok.stderr
    logged = [pq.read_table(p.path, filesystem=p.fs).to_pylist()[0]
              for p in root.glob("access_log/*/*.parquet") if isinstance(p, ObjectPath)]
    assert sorted(r["outcome"] for r in logged) == ["allowed", "denied-erased"]
    assert all(r["token"] == token and r["reason"] == "DSAR test" for r in logged)
    assert list(root.glob("_receipts/erasure-*.json"))


def _subject_ids(traffic: Path, tenant: str) -> list[str]:
    found = []
    for line in traffic.read_text().splitlines():
        env = json.loads(line)
        if env.get("tenant") == tenant and env.get("data_subject"):
            found.append(env["data_subject"]["id"])
    return sorted(set(found))


def test_a_second_writer_of_a_tree_is_refused_while_the_lease_is_held(
        s3_lake: str) -> None:
    root = lake_location(s3_lake)
    assert isinstance(root, ObjectPath)
    leases.hold(root, "events", owner="lander-a")
    with pytest.raises(LakeBusy) as caught:
        leases.hold(root, "events", owner="lander-b", wait=0.5)
    message = str(caught.value)
    assert "events/ is being written by lander-a" in message
    assert "endpoint_override" not in message  # URI options never reach a message
    leases.hold(root, "alerts", owner="lander-b", wait=0.5)  # other trees stay free
    leases.release(root, "events", owner="lander-a")
    leases.hold(root, "events", owner="lander-b", wait=0.5)
    leases.release(root, "events", owner="lander-b")
    leases.release(root, "alerts", owner="lander-b")
    assert not list(root.glob("_mcpgov/leases/*.json"))


def test_an_expired_lease_of_a_killed_writer_is_taken_over(s3_lake: str) -> None:
    root = lake_location(s3_lake)
    assert isinstance(root, ObjectPath)
    leases.hold(root, "events", owner="killed", ttl=0.2)
    leases._held.clear()  # the process died: nothing will renew or release it
    leases.hold(root, "events", owner="restarted", wait=3.0)
    doc = json.loads((root / "_mcpgov/leases/events.json").read_bytes())
    assert doc["owner"] == "restarted"
    leases.release(root, "events", owner="restarted")


def test_of_two_racing_writers_only_one_holds_the_lease(s3_lake: str) -> None:
    root = lake_location(s3_lake)
    assert isinstance(root, ObjectPath)
    won: list[str] = []
    lost: list[str] = []

    def claim(owner: str) -> None:
        try:
            leases.hold(root, "vault", owner=owner, wait=0.2)
            won.append(owner)
        except LakeBusy:
            lost.append(owner)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and len(lost) == 3
    leases.release(root, "vault", owner=won[0])


def test_query_and_verify_on_a_missing_or_bad_lake_uri_exit_2_without_secrets(
        s3_endpoint: str) -> None:
    missing = f"s3://no-such-bucket-x/lake?endpoint_override={s3_endpoint}&scheme=http"
    result = cli("query", "--lake", missing, "SELECT 1")
    assert result.exit_code == 2
    assert "no lake at s3://no-such-bucket-x/lake" in result.stderr
    bad = "s3://bucket/lake?secret_key=do-not-print-me&no_such_option=1"
    result = cli("query", "--lake", bad, "SELECT 1")
    assert result.exit_code == 2 and "cannot open lake s3://bucket/lake" in result.stderr
    assert "do-not-print-me" not in result.stderr + result.stdout
    result = cli("query", "--lake", "s3://AKEY:do-not-print-me@bucket/lake?no_such_option=1",
                 "SELECT 1")
    assert result.exit_code == 2 and "cannot open lake s3://bucket/lake" in result.stderr
    assert "do-not-print-me" not in result.stderr + result.stdout
    result = cli("query", "--lake", "nosuchscheme://bucket/lake", "SELECT 1")
    assert result.exit_code == 2 and "cannot open lake" in result.stderr
