"""`mcpgov access-report`: the subject id is tokenized as the governor does, per tenant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from detectors.api import Classifier, DetectorConfig
from streams.cli import main
from streams.deadletter import Source
from streams.governor import Governor
from streams.keyring import Keyring
from streams.lake import Lake, Signer
from streams.lake.access import access_report, subject_tokens
from streams.tokens import Tokenizer

SUBJECT = "patient-000123"
OTHER = "patient-000456"


def envelope(i: int, subject: str, tenant: str = "acme-health", **over: Any) -> dict[str, Any]:
    env: dict[str, Any] = {
        "schema_version": 1, "event_id": f"00000000-0000-4000-8000-{i:012d}",
        "time": f"2026-11-22T06:30:{i:02d}.000000Z", "tenant": tenant,
        "gateway": {"id": "gw-eu-1", "region": "eu"}, "session_id": f"sess-{i}",
        "identity": {"user": "user-0001", "agent": "chart-summarizer", "client_id": "c1",
                     "scopes": ["ehr.read"],
                     "auth": {"decision": "allow", "policy": "ehr-readers", "reason": None}},
        "server": {"name": "ehr", "version": "1", "region": "eu", "transport": "stdio"},
        "data_subject": {"id": subject, "region": "eu"}, "purpose": "treatment",
        "direction": "request", "method": "tools/call", "tool": "get_patient_record",
        "message": {"jsonrpc": "2.0", "id": i, "method": "tools/call",
                    "params": {"name": "get_patient_record", "arguments": {"note": "ok"}}},
        "latency_ms": None, "trace": None,
    }
    env.update(over)
    return env


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))


@pytest.fixture
def access_lake(tmp_path: Path, ring: Keyring, signer: Signer,
                classifier: Classifier) -> Path:
    """Events governed by the real governor: the lake holds only subject tokens."""
    gov = Governor(Tokenizer(ring), classifier, ner=False)
    envs = [envelope(1, SUBJECT), envelope(2, OTHER),
            envelope(3, SUBJECT, tenant="globex", direction="response",
                     identity={"user": "user-0002", "agent": "billing-bot", "client_id": "c2",
                               "scopes": [], "auth": {"decision": "deny", "policy": "p",
                                                      "reason": "scope"}}),
            envelope(4, SUBJECT, purpose="billing")]
    outs = gov.process([(json.dumps(e), Source(line=n)) for n, e in enumerate(envs)])
    root = tmp_path / "lake"
    Lake(root, signer).land_events("eu", [o.event for o in outs if o.event], "b1")
    return root


def test_the_lake_never_holds_the_subject_id(access_lake: Path) -> None:
    blob = b"".join(p.read_bytes() for p in access_lake.rglob("*") if p.is_file())
    assert SUBJECT.encode() not in blob


def test_tokens_are_the_governors(ring: Keyring) -> None:
    ring.rotate()
    tokens = subject_tokens(ring, SUBJECT, ["acme-health"])
    assert [t for _, t in tokens] == [
        Tokenizer(Keyring(keys=ring.keys, active=kid)).subject_token(SUBJECT, "acme-health")
        for kid in ("k1", "k2")]
    assert tokens[0][1].startswith("sub_k1_") and tokens[1][1].startswith("sub_k2_")


TABLE = """\
time                       tenant       user       agent             tool                \
server  server_region  direction  purpose    data_classes  auth_decision  event_id
-------------------------  -----------  ---------  ----------------  ------------------  \
------  -------------  ---------  ---------  ------------  -------------  ------------------------------------
2026-11-22T06:30:01+00:00  acme-health  user-0001  chart-summarizer  get_patient_record  \
ehr     eu             request    treatment  []            allow          00000000-0000-4000-8000-000000000001
2026-11-22T06:30:03+00:00  globex       user-0002  billing-bot       get_patient_record  \
ehr     eu             response   treatment  []            deny           00000000-0000-4000-8000-000000000003
2026-11-22T06:30:04+00:00  acme-health  user-0001  chart-summarizer  get_patient_record  \
ehr     eu             request    billing    []            allow          00000000-0000-4000-8000-000000000004
"""


def test_every_access_of_the_subject_in_every_tenant(access_lake: Path,
                                                     keyring_file: Path) -> None:
    result = CliRunner().invoke(main, ["access-report", "--subject", SUBJECT, "--lake",
                                       str(access_lake), "--keyring", str(keyring_file)])
    assert (result.exit_code, result.stdout) == (0, TABLE), result.stderr
    assert SUBJECT not in result.output


def test_tenant_narrows_and_json_lines(access_lake: Path, keyring_file: Path) -> None:
    result = CliRunner().invoke(main, ["access-report", "--subject", SUBJECT, "--lake",
                                       str(access_lake), "--keyring", str(keyring_file),
                                       "--tenant", "globex", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["tenant"], r["user"], r["direction"], r["auth_decision"]) for r in rows] == [
        ("globex", "user-0002", "response", "deny")]


def test_unknown_subject_gives_an_empty_report(access_lake: Path, keyring_file: Path) -> None:
    result = CliRunner().invoke(main, ["access-report", "--subject", "patient-999999", "--lake",
                                       str(access_lake), "--keyring", str(keyring_file),
                                       "--format", "csv"])
    assert (result.exit_code, result.stdout) == (0, "time,tenant,user,agent,tool,server,"
                                                 "server_region,direction,purpose,data_classes,"
                                                 "auth_decision,event_id\n")


def test_another_keyring_finds_nothing(access_lake: Path, tmp_path: Path) -> None:
    other = Keyring.new().save(tmp_path / "other.json")
    _, rows = access_report(access_lake, Keyring.new(), SUBJECT)
    assert rows == []
    result = CliRunner().invoke(main, ["access-report", "--subject", SUBJECT, "--lake",
                                       str(access_lake), "--keyring", str(other)])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


def test_missing_keyring_is_bad_usage(access_lake: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["access-report", "--subject", SUBJECT, "--lake",
                                       str(access_lake), "--keyring", str(tmp_path / "no.json")])
    assert result.exit_code == 2 and "no keyring at" in result.stderr
