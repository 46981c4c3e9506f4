"""`verify` on a signed lake: clean passes; each kind of tampering fails with its message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.keyring import Keyring
from streams.lake import Lake, Signer
from streams.lake.signing import format_public_keys, trusted_from_keyring

ACME = "events/region=eu/tenant=acme-health/date=2026-11-22"
MANIFEST = f"_manifests/{ACME}/manifest.jsonl"


def verify(lake: Path, keyring_file: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["verify", "--lake", str(lake), "--keyring",
                                       str(keyring_file), *extra])
    return result.exit_code, result.stdout, result.stderr


def problems(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines()[1:]]


def test_a_clean_lake_passes_with_a_one_line_summary(lake: Path, keyring_file: Path) -> None:
    code, out, err = verify(lake, keyring_file)
    assert code == 0, err
    assert re.fullmatch(r"ok: 5 files, 24 rows in 4 partitions; 5 manifest entries chained and "
                        r"signed \(keys k1\); root [0-9a-f]{16}\n", out)
    assert err == ""


def test_one_modified_byte(lake: Path, keyring_file: Path) -> None:
    target = lake / ACME / "batch-1.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    code, out, err = verify(lake, keyring_file)
    assert code == 1 and out == ""
    size = len(data)
    assert err.splitlines()[0] == f"Error: lake {lake} failed verification: 1 problem"
    assert problems(err) == [f"modified: {ACME}/batch-1.parquet: content differs from manifest "
                             f"entry 0 (size {size}, recorded {size})"]


def test_a_deleted_file(lake: Path, keyring_file: Path) -> None:
    (lake / ACME / "batch-2.parquet").unlink()
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == [f"missing: {ACME}/batch-2.parquet: listed by manifest entry 1, "
                             "not on disk"]


def test_an_inserted_file(lake: Path, keyring_file: Path) -> None:
    (lake / ACME / "extra.parquet").write_bytes((lake / ACME / "batch-1.parquet").read_bytes())
    (lake / "events/region=eu/stray.parquet").write_bytes(b"PAR1")
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == ["unlisted: events/region=eu/stray.parquet: not in any manifest",
                             f"unlisted: {ACME}/extra.parquet: not in any manifest"]


def test_temp_files_of_an_interrupted_write_are_not_data(lake: Path, keyring_file: Path) -> None:
    (lake / ACME / ".batch-3.parquet.tmp").write_bytes(b"half a file")
    assert verify(lake, keyring_file)[0] == 0


def test_a_reordered_manifest(lake: Path, keyring_file: Path) -> None:
    path = lake / MANIFEST
    first, second = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(second + first)
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == [
        f"manifest {ACME}: line 1: seq 1 where 0 belongs (entries reordered, inserted or "
        "removed); chain broken: the first entry does not start the chain",
        f"manifest {ACME}: line 2: seq 0 where 1 belongs (entries reordered, inserted or "
        "removed); chain broken: prev is not the hash of line 1",
        f"manifest {ACME}: head.json does not match line 2 (manifest rewritten)",
    ]


def test_a_truncated_manifest(lake: Path, keyring_file: Path) -> None:
    path = lake / MANIFEST
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == [
        f"manifest {ACME}: truncated: head.json records 2 entries, the manifest holds 1",
        f"unlisted: {ACME}/batch-2.parquet: not in any manifest",
    ]


def test_a_truncated_manifest_with_its_file_deleted_too(lake: Path, keyring_file: Path) -> None:
    path = lake / MANIFEST
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    (lake / ACME / "batch-2.parquet").unlink()
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == [
        f"manifest {ACME}: truncated: head.json records 2 entries, the manifest holds 1"]


def test_a_deleted_manifest(lake: Path, keyring_file: Path) -> None:
    (lake / MANIFEST).unlink()
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == [
        f"{ACME}: manifest.jsonl missing (its head.json remains)",
        f"unlisted: {ACME}/batch-1.parquet: not in any manifest",
        f"unlisted: {ACME}/batch-2.parquet: not in any manifest",
    ]


def test_an_edited_entry_no_longer_verifies(lake: Path, keyring_file: Path) -> None:
    """Tampering with a file and 'fixing' its manifest entry breaks the signature."""
    target = lake / ACME / "batch-2.parquet"
    target.write_bytes(target.read_bytes() + b"x")
    path = lake / MANIFEST
    lines = path.read_bytes().splitlines(keepends=True)
    entry = json.loads(lines[1])
    entry["size"] += 1
    lines[1] = (json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode()
    path.write_bytes(b"".join(lines))
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    found = problems(err)
    assert found[0] == (f"manifest {ACME}: line 2: signature does not verify "
                        "(entry altered or forged)")
    assert found[1] == f"manifest {ACME}: head.json does not match line 2 (manifest rewritten)"
    assert found[2].startswith(f"modified: {ACME}/batch-2.parquet: content differs")


def test_a_lake_signed_with_another_key(tmp_path: Path, lake: Path, keyring_file: Path,
                                        make_event) -> None:
    """A forger with their own keyring: every signature fails, and signing.pub is named."""
    forger = Keyring.new()
    forged = tmp_path / "forged"
    Lake(forged, Signer.from_keyring(forger)).land_events("eu", [make_event(1)], "batch-1")
    code, _, err = verify(forged, keyring_file)
    assert code == 1
    assert problems(err) == [
        "_mcpgov/signing.pub: key k1 differs from the trusted key (lake signed with another "
        "keyring, or replaced)",
        f"manifest {ACME}: line 1: signature does not verify (entry altered or forged)",
        f"manifest {ACME}: head.json signature does not verify",
    ]


def test_a_replaced_public_key_in_the_lake_is_not_trusted(lake: Path, keyring_file: Path,
                                                          tmp_path: Path) -> None:
    other = trusted_from_keyring(Keyring.new())
    (lake / "_mcpgov/signing.pub").write_text(format_public_keys(other))
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == ["_mcpgov/signing.pub: key k1 differs from the trusted key (lake "
                             "signed with another keyring, or replaced)"]


def test_a_public_key_file_instead_of_the_keyring(lake: Path, ring: Keyring,
                                                  tmp_path: Path) -> None:
    pub = tmp_path / "trusted.pub"
    pub.write_text(format_public_keys(trusted_from_keyring(ring)))
    ok = CliRunner().invoke(main, ["verify", "--lake", str(lake), "--public-key", str(pub)])
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: 5 files")
    pub.write_text(format_public_keys(trusted_from_keyring(Keyring.new())))
    bad = CliRunner().invoke(main, ["verify", "--lake", str(lake), "--public-key", str(pub)])
    assert bad.exit_code == 1
    assert "failed verification: 10 problems" in bad.stderr


@pytest.mark.parametrize("args, message", [
    (["--public-key", "{pub}", "--keyring", "{keys}"],
     "Error: give --keyring or --public-key, not both\n"),
    (["--keyring", "{missing}"],
     "Error: no keyring at {missing}: create one with `mcpgov keys create`\n"),
])
def test_usage_errors_exit_2(lake: Path, keyring_file: Path, tmp_path: Path,
                             args: list[str], message: str) -> None:
    pub = tmp_path / "k.pub"
    pub.write_text("# empty\n")
    names = {"pub": str(pub), "keys": str(keyring_file), "missing": str(tmp_path / "nope.json")}
    result = CliRunner().invoke(main, ["verify", "--lake", str(lake)]
                                + [a.format(**names) for a in args])
    assert result.exit_code == 2
    assert result.stderr == message.format(**names)


def test_a_bad_public_key_file_exits_2(lake: Path, tmp_path: Path) -> None:
    pub = tmp_path / "k.pub"
    pub.write_text("ssh-ed25519 AAAA\n")
    result = CliRunner().invoke(main, ["verify", "--lake", str(lake), "--public-key", str(pub)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {pub}: line 1 is not 'mcpgov-lake-ed25519 <key id> "
                             "<base64 key>'\n")


def _receipt(lake: Path, signer: Signer, name: str = "disposal-test.json") -> Path:
    from streams.lake.manifest import RECEIPTS, signed_line

    body = {"v": 1, "kind": "disposal", "receipt_id": name[:-5], "kid": signer.kid,
            "at": "2026-11-24T00:00:00Z", "files": [], "rows": 0}
    path = lake / RECEIPTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(signed_line(body, signer) + b"\n")
    return path


def test_signed_receipts_pass(lake: Path, keyring_file: Path, signer: Signer) -> None:
    _receipt(lake, signer)
    code, _, err = verify(lake, keyring_file)
    assert code == 0, err


def test_an_altered_receipt(lake: Path, keyring_file: Path, signer: Signer) -> None:
    path = _receipt(lake, signer)
    path.write_text(path.read_text().replace('"rows":0', '"rows":7'))
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == ["receipt _receipts/disposal-test.json: signature does not verify "
                             "(receipt altered or forged)"]


def test_a_receipt_forged_with_another_key(lake: Path, keyring_file: Path) -> None:
    other = Signer.from_keyring(Keyring.new())
    _receipt(lake, other, "erasure-forged.json")
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == ["receipt _receipts/erasure-forged.json: signature does not verify "
                             "(receipt altered or forged)"]


def test_an_unsigned_receipt(lake: Path, keyring_file: Path) -> None:
    from streams.lake.manifest import RECEIPTS

    (lake / RECEIPTS).mkdir()
    (lake / RECEIPTS / "disposal-x.json").write_text('{"kind": "disposal"}\n')
    code, _, err = verify(lake, keyring_file)
    assert code == 1
    assert problems(err) == ["receipt _receipts/disposal-x.json: unreadable or not a signed receipt"]
