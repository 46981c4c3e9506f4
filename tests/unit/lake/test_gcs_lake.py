"""What is particular to a lake in Google Cloud Storage (pyarrow's GcsFileSystem).

The store is fake-gcs-server on 127.0.0.1 (`gcs_endpoint` in tests/conftest.py): a real
GCS JSON API over HTTP. The behaviour shared with S3 (same answers as a local lake,
tamper checks, retention, detokenize and erase) is tested on both stores by the
`bucket` tests of test_object_store.py; here: prefixes as folders, leases, and URIs.
"""

from __future__ import annotations

import pytest

from streams.keyring import Keyring
from streams.lake import Lake, Signer
from streams.lake import lease as leases
from streams.lake.location import ObjectPath, lake_location

from .conftest import alert, governed_event
from .test_object_store import ACME, cli


def test_a_gcs_lake_is_objects_under_prefixes_that_read_as_folders(gcs_lake: str,
                                                                   ring: Keyring) -> None:
    store = Lake(gcs_lake, Signer.from_keyring(ring))
    store.land_events("eu", [governed_event(i) for i in range(10)], "batch-1")
    store.land_alerts([alert(1)], "batch-1")
    store.close()
    root = lake_location(gcs_lake)
    assert isinstance(root, ObjectPath) and type(root.fs).__name__ == "GcsFileSystem"
    names = [p.relative_to(root).as_posix() for p in root.glob("events/*/*/*/*.parquet")]
    assert names == [f"{ACME}/batch-1.parquet"]
    assert root.is_dir() and (root / "events").is_dir()  # prefixes are folders
    assert not (root / "no-such-tree").is_dir()


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
