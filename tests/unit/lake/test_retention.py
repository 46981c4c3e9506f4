"""Retention: expired files go with signed `remove` entries and a receipt; holds block it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.keyring import Keyring
from streams.lake import EVENT_SCHEMA, Lake, Signer, event_row, parquet_bytes
from streams.lake.manifest import body_of
from streams.lake.retention import current_files
from streams.lake.retention_policy import RetentionPolicyError, load_retention
from streams.lake.signing import check_signature, trusted_from_keyring
from tests.unit.lake.conftest import alert, governed_event

OLD, RECENT = "2025-01-10", "2026-11-01"
NOW = "2026-12-01T00:00:00Z"


def event(i: int, tenant: str, day: str, classes: list[str]) -> dict[str, Any]:
    e = governed_event(i, tenant=tenant, day=day)
    e["data_classes"] = classes
    return e


@pytest.fixture
def old_lake(tmp_path: Path, signer: Signer) -> Path:
    """Old PCI events (365 d), old PHI (6 y), a mixed file, recent events, old alerts."""
    root = tmp_path / "lake"
    store = Lake(root, signer)
    store.land_events("eu", [event(1, "shop", OLD, ["PCI"]), event(2, "shop", OLD, []),
                             event(3, "acme-health", OLD, ["PHI"]),
                             event(4, "clinic", OLD, []), event(5, "clinic", OLD, ["PHI"]),
                             event(6, "held", OLD, [])], "old")
    store.land_events("eu", [event(7, "shop", RECENT, [])], "recent")
    store.land_alerts([alert(1, day=OLD)], "old")
    return root


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


DRY_RUN = """\
expired  alerts/date=2025-01-10/old.parquet: 1 rows, soc2.alerts until 2026-01-10T07:00:01Z
kept     events/region=eu/tenant=acme-health/date=2025-01-10/old.parquet: 1 rows, \
hipaa.documentation until 2031-01-09T06:30:03Z
kept     events/region=eu/tenant=clinic/date=2025-01-10/old.parquet: 2 rows, \
hipaa.documentation until 2031-01-09T06:30:05Z
held     events/region=eu/tenant=held/date=2025-01-10/old.parquet: legal hold LH-7 \
(soc2.audit-evidence until 2026-01-10T06:30:06Z)
expired  events/region=eu/tenant=shop/date=2025-01-10/old.parquet: 2 rows, \
soc2.audit-evidence until 2026-01-10T06:30:02Z
kept     events/region=eu/tenant=shop/date=2026-11-01/recent.parquet: 1 rows, \
soc2.audit-evidence until 2027-11-01T06:30:07Z
"""


@pytest.fixture
def hold_policy(tmp_path: Path) -> Path:
    path = tmp_path / "retention.yaml"
    path.write_text("legal_holds:\n  - id: LH-7\n    tenant: held\n"
                    "    reason: litigation hold, matter 2026-114\n")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_dry_run_lists_and_changes_nothing(old_lake: Path, keyring_file: Path,
                                           hold_policy: Path) -> None:
    before = snapshot(old_lake)
    result = run("retention", "apply", "--lake", str(old_lake), "--keyring", str(keyring_file),
                 "--policy", str(hold_policy), "--now", NOW, "--dry-run")
    assert (result.exit_code, result.stdout) == (
        0, DRY_RUN + "dry run: would remove 2 files (3 rows); nothing changed\n"), result.stderr
    assert snapshot(old_lake) == before


def test_apply_deletes_with_signed_entries_and_receipt_and_verify_passes(
        old_lake: Path, keyring_file: Path, hold_policy: Path, ring: Keyring) -> None:
    result = run("retention", "apply", "--lake", str(old_lake), "--keyring", str(keyring_file),
                 "--policy", str(hold_policy), "--now", NOW)
    assert result.exit_code == 0, result.stderr
    receipt_rel = result.stdout.splitlines()[-1].split("receipt ")[1]
    assert result.stdout == DRY_RUN + f"removed 2 files (3 rows); receipt {receipt_rel}\n"
    assert not (old_lake / "alerts/date=2025-01-10/old.parquet").exists()
    assert not (old_lake / "events/region=eu/tenant=shop/date=2025-01-10/old.parquet").exists()
    assert (old_lake / "events/region=eu/tenant=held/date=2025-01-10/old.parquet").exists()

    receipt = json.loads((old_lake / receipt_rel).read_text())
    trusted = trusted_from_keyring(ring)
    assert check_signature(trusted[receipt["kid"]], body_of(receipt), receipt["sig"])
    assert receipt["at"] == "2026-12-01T00:00:00Z" and receipt["rows"] == 3
    assert [(f["path"], f["rows"], f["rule"]) for f in receipt["files"]] == [
        ("alerts/date=2025-01-10/old.parquet", 1, "soc2.alerts"),
        ("events/region=eu/tenant=shop/date=2025-01-10/old.parquet", 2, "soc2.audit-evidence")]
    assert all(len(f["sha256"]) == 64 for f in receipt["files"])

    manifest = old_lake / "_manifests/events/region=eu/tenant=shop/date=2025-01-10/manifest.jsonl"
    last = json.loads(manifest.read_text().splitlines()[-1])
    assert (last["op"], last["file"]) == ("remove", "old.parquet")
    assert last["reason"] == (f"retention: soc2.audit-evidence ended 2026-01-10T06:30:02Z; "
                              f"receipt {receipt['receipt_id']}")

    verified = run("verify", "--lake", str(old_lake), "--keyring", str(keyring_file))
    assert verified.exit_code == 0 and verified.stdout.startswith("ok: 4 files, 5 rows")

    again = run("retention", "apply", "--lake", str(old_lake), "--keyring", str(keyring_file),
                "--policy", str(hold_policy), "--now", NOW)
    assert again.exit_code == 0 and again.stdout.endswith("nothing expired\n")


def test_a_file_deleted_by_hand_still_fails_verify(old_lake: Path, keyring_file: Path) -> None:
    assert run("retention", "apply", "--lake", str(old_lake), "--keyring", str(keyring_file),
               "--now", NOW).exit_code == 0
    (old_lake / "events/region=eu/tenant=shop/date=2026-11-01/recent.parquet").unlink()
    result = run("verify", "--lake", str(old_lake), "--keyring", str(keyring_file))
    assert result.exit_code == 1
    assert ("missing: events/region=eu/tenant=shop/date=2026-11-01/recent.parquet: "
            "listed by manifest entry 0, not on disk") in result.stderr


def test_a_tampered_file_is_not_deleted(old_lake: Path, keyring_file: Path) -> None:
    """Rows rewritten in an expired file: deleting it would destroy the evidence."""
    path = old_lake / "events/region=eu/tenant=shop/date=2025-01-10/old.parquet"
    path.write_bytes(parquet_bytes([event_row(event(1, "shop", OLD, ["PCI"]))], EVENT_SCHEMA))
    before = snapshot(old_lake)
    result = run("retention", "apply", "--lake", str(old_lake), "--keyring", str(keyring_file),
                 "--now", NOW)
    assert result.exit_code == 1
    assert result.stderr == ("Error: events/region=eu/tenant=shop/date=2025-01-10/old.parquet: "
                             "content differs from its manifest entry; not deleting evidence "
                             "of tampering (run `mcpgov verify`)\n")
    assert snapshot(old_lake) == before


@pytest.mark.parametrize("hold", [
    "tenant: shop", "subject_token: tok_pii_k1_subj0001", "session_id: sess-2",
    "tenant: shop\n    session_id: sess-2"])
def test_a_matching_legal_hold_blocks_deletion(old_lake: Path, tmp_path: Path, hold: str) -> None:
    path = tmp_path / "hold.yaml"
    path.write_text(f"legal_holds:\n  - id: LH-1\n    reason: dispute\n    {hold}\n")
    from streams.lake.retention import plan
    from streams.lake.retention_policy import load_retention as load

    decisions = {d.path: d for d in plan(old_lake, load(path),
                                         _dt(NOW)).decisions}
    shop = decisions["events/region=eu/tenant=shop/date=2025-01-10/old.parquet"]
    assert (shop.expired, shop.held_by) == (False, "LH-1")


def test_a_hold_on_other_rows_does_not_block(old_lake: Path, tmp_path: Path) -> None:
    path = tmp_path / "hold.yaml"
    path.write_text("legal_holds:\n  - {id: LH-1, reason: dispute, tenant: shop, "
                    "session_id: sess-6}\n")
    from streams.lake.retention import plan

    expired = [d.path for d in plan(old_lake, load_retention(path), _dt(NOW)).expired]
    assert "events/region=eu/tenant=shop/date=2025-01-10/old.parquet" in expired


def _dt(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_current_files_follow_removals(old_lake: Path, signer: Signer) -> None:
    Lake(old_lake, signer).manifest("alerts/date=2025-01-10").remove("old.parquet", "test")
    assert current_files(old_lake)["alerts/date=2025-01-10"] == {}


SHOW = """\
rules (a row is kept for the longest rule that applies to it):
  soc2.alerts             365 days  all alerts: SOC 2 Type II: incident evidence for the \
12-month window (CC7.3-CC7.5)
  hipaa.documentation    2190 days  events with PHI: HIPAA 45 CFR 164.316(b)(2)(i) and \
164.528: 6 years
  pci-dss.10.5.1          365 days  events with PCI: PCI DSS v4.0 10.5.1: audit log history \
kept at least 12 months
  soc2.audit-evidence     365 days  all events: SOC 2 Type II: evidence for a 12-month \
observation window (AICPA TSC CC7.2)
  eu-ai-act.art12-logs    183 days  all events: EU AI Act Art. 12 logs, kept at least 6 \
months (Art. 19(1), 26(6))
legal holds: none
"""


def test_show_prints_the_defaults() -> None:
    result = run("retention", "show")
    assert (result.exit_code, result.stdout) == (0, SHOW), result.stderr


def test_a_file_overrides_a_default_by_id_and_adds_holds(hold_policy: Path) -> None:
    hold_policy.write_text(hold_policy.read_text() + "rules:\n  - id: soc2.alerts\n"
                           "    tree: alerts\n    days: 730\n    source: internal, 2 years\n")
    result = run("retention", "show", "--policy", str(hold_policy))
    assert "  soc2.alerts             730 days  all alerts: internal, 2 years\n" in result.stdout
    assert result.stdout.endswith("legal holds:\n  LH-7  tenant=held: litigation hold, "
                                  "matter 2026-114\n")


@pytest.mark.parametrize(("text", "message"), [
    ("rules: [", "is not valid YAML"),
    ("- a\n- b\n", "(top level): must be a mapping"),
    ("retain: 3\n", "retain: Extra inputs are not permitted"),
    ("rules:\n  - {id: x, days: 0, source: s}\n", "rules.0.days: Input should be greater"),
    ("rules:\n  - {id: x, days: 30}\n", "rules.0.source: Field required"),
    ("rules:\n  - {id: x, days: 30, source: s, data_classes: [PIN]}\n",
     "rules.0.data_classes.0: Input should be"),
    ("rules:\n  - {id: x, days: 30, source: s, tree: alerts, data_classes: [PCI]}\n",
     "rules.0: Value error, data_classes apply to events only"),
    ("legal_holds:\n  - {id: h, reason: r}\n",
     "legal_holds.0: Value error, a hold needs tenant, subject_token or session_id"),
    ("legal_holds:\n  - {id: h, reason: r, tenant: a}\n  - {id: h, reason: r, tenant: b}\n",
     "legal_holds: legal hold id 'h' appears twice"),
])
def test_a_bad_policy_names_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(RetentionPolicyError, match="^" + str(path).replace(".", r"\.")) as exc:
        load_retention(path)
    assert message in str(exc.value)
    result = run("retention", "show", "--policy", str(path))
    assert result.exit_code == 2 and message in result.stderr


def test_bad_now_and_missing_lake_are_bad_usage(old_lake: Path, keyring_file: Path,
                                                tmp_path: Path) -> None:
    bad = run("retention", "apply", "--lake", str(old_lake), "--keyring", str(keyring_file),
              "--now", "yesterday")
    assert (bad.exit_code, bad.stderr) == (2, "Error: --now 'yesterday' is not an ISO 8601 time\n")
    missing = run("retention", "apply", "--lake", str(tmp_path / "no"), "--keyring",
                  str(keyring_file), "--dry-run")
    assert missing.exit_code == 2 and "no lake folder at" in missing.stderr


def test_without_defaults_a_tree_with_no_rule_is_kept(old_lake: Path, tmp_path: Path) -> None:
    path = tmp_path / "only-events.yaml"
    path.write_text("defaults: false\nrules:\n  - {id: all, days: 30, source: contract}\n")
    from streams.lake.retention import plan

    decisions = {d.path: d for d in plan(old_lake, load_retention(path), _dt(NOW)).decisions}
    alerts = decisions["alerts/date=2025-01-10/old.parquet"]
    assert (alerts.expired, alerts.line()) == (
        False, "kept     alerts/date=2025-01-10/old.parquet: 1 rows, no rule applies (kept)")
    assert decisions["events/region=eu/tenant=acme-health/date=2025-01-10/old.parquet"].expired
