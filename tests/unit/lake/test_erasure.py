"""Vault, detokenize and erase end to end: govern -> vault -> reverse -> erase -> denied.

Every value here is generated (Luhn-valid test PANs, example.org emails, made-up
subject ids); none is real.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from detectors.api import Classifier, DetectorConfig
from detectors.validators import luhn_check_digit
from streams.cli import main
from streams.deadletter import Source
from streams.erasure import vault
from streams.erasure.detokenize import ACCESS_LOG
from streams.erasure.keys import SubjectKeyStore
from streams.governor import Governor
from streams.keyring import Keyring
from streams.lake import Signer
from streams.lake.manifest import body_of
from streams.lake.signing import check_signature
from streams.tokens import Tokenizer

RNG = random.Random(20261124)


def _pan() -> str:
    partial = "4" + "".join(str(RNG.randrange(10)) for _ in range(14))
    full = partial + luhn_check_digit(partial)
    return " ".join(full[i:i + 4] for i in range(0, 16, 4))


def _secret() -> str:
    return "ghp_" + "".join(RNG.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(36))


SUBJECT_A = f"patient-{RNG.randrange(10**8):08d}"
SUBJECT_B = f"patient-{RNG.randrange(10**8):08d}"
PAN_A, PAN_X = _pan(), _pan()
EMAIL_A = f"person.{RNG.randrange(10**6):06d}@example.org"
EMAIL_B = f"person.{RNG.randrange(10**6):06d}@example.org"
SECRET_A = _secret()
VALUES_A = {PAN_A, EMAIL_A}
RAW = [SUBJECT_A, SUBJECT_B, PAN_A, PAN_X, EMAIL_A, EMAIL_B, SECRET_A,
       PAN_A.replace(" ", ""), PAN_X.replace(" ", "")]


def envelope(i: int, subject: str | None, arguments: dict[str, Any],
             tenant: str = "acme-health") -> dict[str, Any]:
    return {
        "schema_version": 1, "event_id": f"00000000-0000-4000-8000-{i:012d}",
        "time": f"2026-11-22T06:30:{i:02d}.000000Z", "tenant": tenant,
        "gateway": {"id": "gw-eu-1", "region": "eu"}, "session_id": f"sess-{i}",
        "identity": {"user": "user-0001", "agent": "billing-bot", "client_id": "c1",
                     "scopes": [], "auth": {"decision": "allow", "policy": "p", "reason": None}},
        "server": {"name": "crm", "version": "1", "region": "eu", "transport": "stdio"},
        "data_subject": {"id": subject, "region": "eu"} if subject else None,
        "purpose": "billing", "direction": "request", "method": "tools/call",
        "tool": "update_customer",
        "message": {"jsonrpc": "2.0", "id": i, "method": "tools/call",
                    "params": {"name": "update_customer", "arguments": arguments}},
        "latency_ms": None, "trace": None,
    }


ENVELOPES = [
    envelope(1, SUBJECT_A, {"card": PAN_A, "email": EMAIL_A}),
    envelope(2, SUBJECT_A, {"card": PAN_A, "note": "same card again"}),
    envelope(3, SUBJECT_A, {"token": SECRET_A}),
    envelope(4, SUBJECT_B, {"email": EMAIL_B}, tenant="globex"),
    envelope(5, None, {"card": PAN_X}),
]

ROLES = "roles:\n  privacy-officer: {tenants: ['*']}\n  globex-dpo: {tenants: [globex]}\n"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))


class Setup:
    def __init__(self, tmp: Path, keyring_file: Path, ring: Keyring) -> None:
        self.tmp, self.keyring, self.ring = tmp, keyring_file, ring
        self.lake, self.keys = tmp / "lake", tmp / "subject-keys"
        self.input = tmp / "traffic.jsonl"
        self.input.write_text("".join(json.dumps(e) + "\n" for e in ENVELOPES))
        self.roles = tmp / "roles.yaml"
        self.roles.write_text(ROLES)

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    def run(self, *, keys: bool = True) -> Result:
        extra = ["--subject-keys", str(self.keys)] if keys else []
        return self.cli("run", "--input", str(self.input), "--lake", str(self.lake),
                        "--keyring", str(self.keyring), "--no-ner", "--no-sentinel",
                        "--no-progress", *extra)

    def detokenize(self, token: str, role: str = "privacy-officer", *,
                   roles: bool = True, reason: str = "DSAR 2026-114") -> Result:
        extra = ["--roles", str(self.roles)] if roles else []
        return self.cli("detokenize", token, "--lake", str(self.lake), "--keyring",
                        str(self.keyring), "--subject-keys", str(self.keys), "--role", role,
                        "--reason", reason, *extra)

    def erase(self, subject: str, *extra: str) -> Result:
        return self.cli("erase", "--subject", subject, "--lake", str(self.lake), "--keyring",
                        str(self.keyring), "--subject-keys", str(self.keys),
                        "--reason", "request 2026-114", *extra)

    def verify(self) -> Result:
        return self.cli("verify", "--lake", str(self.lake), "--keyring", str(self.keyring))

    def vault_rows(self) -> list[dict[str, Any]]:
        return [row for _, row in vault.entries(self.lake)]

    def subject_token(self, subject: str, tenant: str) -> str:
        return Tokenizer(self.ring).subject_token(subject, tenant)

    def access_log(self) -> list[dict[str, Any]]:
        files = sorted((self.lake / ACCESS_LOG).rglob("*.parquet"))
        return sorted((r for f in files for r in pq.read_table(f).to_pylist()),
                      key=lambda r: r["time"])

    def hashes(self) -> dict[str, str]:
        return {p.relative_to(self.lake).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(self.lake.rglob("*")) if p.is_file()}


@pytest.fixture
def setup(tmp_path: Path, keyring_file: Path, ring: Keyring) -> Setup:
    s = Setup(tmp_path, keyring_file, ring)
    result = s.run()
    assert result.exit_code == 0, result.output
    return s


def test_the_vault_holds_each_tokenized_value_of_a_subject_once(setup: Setup) -> None:
    rows = setup.vault_rows()
    a, b = (setup.subject_token(SUBJECT_A, "acme-health"),
            setup.subject_token(SUBJECT_B, "globex"))
    assert sorted((r["tenant"], r["subject_token"], r["entity_type"]) for r in rows) == sorted([
        ("acme-health", a, "CREDIT_CARD"), ("acme-health", a, "EMAIL_ADDRESS"),
        ("globex", b, "EMAIL_ADDRESS")])  # no secret, no subject-less value, no repeat
    assert {p.relative_to(setup.lake).parts[:2] for p in vault.vault_files(setup.lake)} == {
        ("vault", "tenant=acme-health"), ("vault", "tenant=globex")}
    assert "vaulted          3 values" in setup.run().stderr


def test_govern_vault_detokenize_round_trip(setup: Setup) -> None:
    got = {}
    for row in setup.vault_rows():
        result = setup.detokenize(row["token"])
        assert result.exit_code == 0, result.output
        got[row["token"]] = result.stdout.rstrip("\n")
    assert set(got.values()) == {PAN_A, EMAIL_A, EMAIL_B}
    events = setup.cli("query", "--lake", str(setup.lake), "--format", "json",
                       "SELECT payload FROM events ORDER BY event_id").stdout
    assert all(token in events for token in got) and not any(v in events for v in VALUES_A)
    assert setup.verify().exit_code == 0


def test_erase_shreds_the_subject_and_keeps_the_lake_verifiable(setup: Setup,
                                                                signer: Signer) -> None:
    before = setup.hashes()
    rows_before = setup.vault_rows()
    a = setup.subject_token(SUBJECT_A, "acme-health")
    store = SubjectKeyStore(setup.keys)
    assert store.exists("acme-health", a)

    result = setup.erase(SUBJECT_A)
    assert result.exit_code == 0, result.output
    assert "destroyed key sk_" in result.stdout and SUBJECT_A not in result.output
    assert not store.exists("acme-health", a)
    assert not (setup.keys / "acme-health" / f"{a}.key").exists()

    # no lake file changed but the new receipt; the ciphertexts are the same bytes
    after = setup.hashes()
    receipts = [k for k in after if k.startswith("_receipts/")]
    assert len(receipts) == 1 and {k: v for k, v in after.items() if k not in receipts} == before
    assert setup.vault_rows() == rows_before
    mine = [r for r in rows_before if r["subject_token"] == a]
    left = [store.get(t.name, k.stem) for t in setup.keys.iterdir() for k in t.glob("*.key")]
    assert len(mine) == 2 and all(vault.open_entry(k, r) is None
                                  for r in mine for k in left if k is not None)

    doc = json.loads((setup.lake / receipts[0]).read_text())
    assert check_signature(signer.public, body_of(doc), doc["sig"])
    assert doc["kind"] == "erasure" and doc["reason"] == "request 2026-114"
    assert [s["subject_token"] for s in doc["subjects"]] == [a]
    assert doc["entries"] == 2 and sum(f["entries"] for f in doc["vault_files"]) == 2
    assert all(f["path"].startswith("vault/tenant=acme-health/") for f in doc["vault_files"])
    assert setup.verify().exit_code == 0

    for row in mine:
        denied = setup.detokenize(row["token"])
        assert denied.exit_code == 1 and "erased" in denied.stderr
        assert len(denied.output.strip().splitlines()) == 1
        assert not any(v in denied.output for v in RAW)
    other = next(r for r in rows_before if r["tenant"] == "globex")
    assert setup.detokenize(other["token"]).stdout.strip() == EMAIL_B  # B is untouched
    assert setup.verify().exit_code == 0


def test_reports_show_the_erasure(setup: Setup) -> None:
    setup.erase(SUBJECT_A)
    receipt_id = next((setup.lake / "_receipts").glob("erasure-*.json")).stem
    ropa = setup.cli("ropa", "--lake", str(setup.lake)).stdout
    assert "| Erased data subjects (Art. 17) | 1 (crypto-shredded" in ropa
    records = json.loads(setup.cli("ropa", "--lake", str(setup.lake), "--format", "json").stdout)
    assert {r["tenant"]: r["erased_subjects"] for r in records} == {"acme-health": 1, "globex": 0}
    assert setup.cli("ropa", "--lake", str(setup.lake), "--format", "csv").stdout.splitlines()[
        0].endswith(",erased_subjects")
    report = setup.cli("access-report", "--subject", SUBJECT_A, "--lake", str(setup.lake),
                       "--keyring", str(setup.keyring))
    day = receipt_id.split("-")[1][:8]
    assert (f"erased: this data subject's data was erased on {day[:4]}-{day[4:6]}-{day[6:]} "
            f"(crypto-shredding, receipt {receipt_id}, tenants acme-health)") in report.stdout
    other = setup.cli("access-report", "--subject", SUBJECT_B, "--lake", str(setup.lake),
                      "--keyring", str(setup.keyring))
    assert "erased" not in other.output


def test_erase_again_or_unknown_says_nothing_to_erase(setup: Setup) -> None:
    assert setup.erase(SUBJECT_A).exit_code == 0
    again = setup.erase(SUBJECT_A)
    assert again.exit_code == 0 and again.stdout.startswith("nothing to erase: already erased on")
    unknown = setup.erase("patient-unknown-0000", "--tenant", "acme-health")
    assert (unknown.exit_code, unknown.stdout) == (
        0, "nothing to erase: no subject key found for this subject\n")
    assert len(list((setup.lake / "_receipts").glob("*.json"))) == 1


def test_every_detokenize_attempt_is_in_the_lake(setup: Setup) -> None:
    rows = setup.vault_rows()
    acme = next(r for r in rows if r["tenant"] == "acme-health")
    assert setup.detokenize(acme["token"]).exit_code == 0
    no_roles = setup.detokenize(acme["token"], roles=False)
    assert no_roles.exit_code == 1
    assert no_roles.stderr == ("Error: detokenize denied: role 'privacy-officer' may not "
                               "detokenize (attempt recorded in access_log/)\n")
    assert setup.detokenize(acme["token"], "globex-dpo").exit_code == 1
    assert setup.detokenize("tok_pii_k1_" + "a" * 26).exit_code == 1
    setup.erase(SUBJECT_A)
    assert setup.detokenize(acme["token"]).exit_code == 1
    log = setup.access_log()
    assert [(r["outcome"], r["role"], r["tenant"]) for r in log] == [
        ("allowed", "privacy-officer", "acme-health"),
        ("denied-role", "privacy-officer", "acme-health"),
        ("denied-tenant", "globex-dpo", "acme-health"),
        ("denied-unknown", "privacy-officer", None),
        ("denied-erased", "privacy-officer", "acme-health"),
    ]
    assert all(r["reason"] == "DSAR 2026-114" for r in log)
    assert [r["token"] for r in log].count(acme["token"]) == 4
    assert setup.verify().exit_code == 0
    listed = setup.verify().stdout
    assert listed.startswith("ok: ")


def test_tampering_with_the_vault_or_access_log_is_caught(setup: Setup) -> None:
    setup.detokenize("tok_pii_k1_" + "b" * 26)
    for tree in ("vault", ACCESS_LOG):
        path = next((setup.lake / tree).rglob("*.parquet"))
        original = path.read_bytes()
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        result = setup.verify()
        assert result.exit_code == 1 and f"modified: {tree}/" in result.stderr
        path.write_bytes(original)
    assert setup.verify().exit_code == 0


def test_no_raw_value_or_subject_id_in_any_file(setup: Setup) -> None:
    for row in setup.vault_rows():
        setup.detokenize(row["token"])
    setup.detokenize("tok_pii_k1_" + "c" * 26, roles=False)
    setup.erase(SUBJECT_A)
    setup.erase(SUBJECT_B)
    texts = []
    for path in sorted(p for root in (setup.lake, setup.keys) for p in root.rglob("*")
                       if p.is_file()):
        data = path.read_bytes()
        texts.append((path, data.decode("latin-1")))
        if path.suffix == ".parquet":
            texts.append((path, json.dumps(pq.read_table(path).to_pylist(), default=str)))
    assert any("_receipts" in str(p) for p, _ in texts)
    assert any(ACCESS_LOG in str(p) for p, _ in texts)
    for path, text in texts:
        for value in RAW:
            assert value not in text, f"{value[:4]}... found in {path}"


def test_a_replay_rewrites_identical_vault_files(setup: Setup) -> None:
    manifests = {p: p.read_bytes() for p in (setup.lake / "_manifests" / "vault").rglob("*.jsonl")}
    assert setup.run().exit_code == 0
    assert {p: p.read_bytes() for p in manifests} == manifests


def test_without_a_key_store_nothing_changes(tmp_path: Path, ring: Keyring,
                                             classifier: Classifier) -> None:
    batch = [(json.dumps(e), Source(line=n)) for n, e in enumerate(ENVELOPES, start=1)]
    plain = Governor(Tokenizer(ring), classifier, ner=False).process(batch)
    empty = SubjectKeyStore(tmp_path / "empty")
    vaulted = Governor(Tokenizer(ring), classifier, ner=False, subject_keys=empty).process(batch)

    def strip(e: dict[str, Any] | None) -> dict[str, Any]:
        assert e is not None
        return {k: v for k, v in e.items() if k != "governed_at"}

    assert [strip(o.event) for o in plain] == [strip(o.event) for o in vaulted]
    # per event: 2 + 1 (the same card again; the runner lands it once) + 0 (secret) + 1 + 0
    assert all(o.vault == [] for o in plain)
    assert [len(o.vault) for o in vaulted] == [2, 1, 0, 1, 0]


def test_run_without_subject_keys_lands_no_vault(tmp_path: Path, keyring_file: Path,
                                                 ring: Keyring) -> None:
    s = Setup(tmp_path, keyring_file, ring)
    result = s.run(keys=False)
    assert result.exit_code == 0 and "vaulted" not in result.stderr
    assert not (s.lake / "vault").exists() and not s.keys.exists()
