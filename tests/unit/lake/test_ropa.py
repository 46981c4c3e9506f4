"""`mcpgov ropa`: Art. 30 records from a small synthetic lake, checked to the character."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.lake import Lake, Signer
from streams.lake.retention_policy import load_retention
from streams.lake.ropa import build, render
from tests.unit.lake.conftest import governed_event


def _shop(i: int, *, transfer: dict[str, Any] | None = None, secret: bool = False,
          subject: bool = True) -> dict[str, Any]:
    """A payment event of tenant `shop`: a card token, maybe a secret, maybe a transfer."""
    e = governed_event(i, tenant="shop", second=i % 60)
    e["purpose"], e["tool"] = "payment", "charge_card"
    e["server"] = {"name": "payments", "version": "2", "region": "us", "transport": "http"}
    e["data_classes"] = ["PCI", "SECRET"] if secret else ["PCI"]
    e["findings"] = [{"entity_type": "CREDIT_CARD", "path": "$.params.arguments.card",
                      "start": None, "end": None, "score": 1.0, "detector": "card",
                      "action": "tokenized"}]
    if secret:
        e["findings"].append({"entity_type": "SECRET", "path": "$.params.arguments.api_key",
                              "start": None, "end": None, "score": 1.0, "detector": "secret",
                              "action": "redacted"})
    e["residency"]["transfer"] = transfer
    if not subject:
        e["data_subject"] = None
    return e


def _audit(i: int) -> dict[str, Any]:
    """An event with a subject but no detected personal value (a status lookup)."""
    e = governed_event(i, tenant="shop", second=i % 60)
    e["purpose"], e["tool"], e["findings"], e["data_classes"] = None, "order_status", [], []
    return e


def _provider(i: int) -> dict[str, Any]:
    e = governed_event(i)
    e["findings"][0]["entity_type"] = "US_NPI"
    e["purpose"] = "billing"
    return e


SCC = {"from_region": "eu", "to_region": "us", "allowed": True, "basis": "scc-2021"}
NONE = {"from_region": "eu", "to_region": "us", "allowed": False, "basis": None}


@pytest.fixture
def ropa_lake(tmp_path: Path, signer: Signer) -> Path:
    root = tmp_path / "lake"
    store = Lake(root, signer)
    store.land_events("eu", [governed_event(i) for i in range(4)] + [_provider(5)], "b1")
    store.land_events("eu", [_shop(10, transfer=SCC), _shop(11, transfer=SCC, secret=True),
                             _shop(12, transfer=NONE), _shop(13, subject=False), _audit(14)],
                      "b2")
    return root


MARKDOWN = """\
# Records of processing activities (GDPR Art. 30)

## acme-health: billing

| | |
|---|---|
| Events | 1 (2026-11-22T06:30:05Z to 2026-11-22T06:30:05Z) |
| Data subjects | 1 distinct, by token |
| Categories of data subjects | healthcare providers; patients |
| Categories of personal data | PHI; US_NPI |
| Recipients | ehr (eu): get_patient_record [1 event] |
| Transfers to third countries | none |
| Retention | 2190 days (hipaa.documentation) |
| Security measures | values tokenized with keyed HMAC-SHA256 (1), key ids k1<br>data subject ids tokenized per tenant<br>Parquet files chained in Ed25519-signed manifests (keys k1) |

## acme-health: treatment

| | |
|---|---|
| Events | 4 (2026-11-22T06:30:00Z to 2026-11-22T06:30:03Z) |
| Data subjects | 3 distinct, by token |
| Categories of data subjects | patients |
| Categories of personal data | PHI; MEDICAL_RECORD_NUMBER |
| Recipients | ehr (eu): get_patient_record [4 events] |
| Transfers to third countries | none |
| Retention | 2190 days (hipaa.documentation) |
| Security measures | values tokenized with keyed HMAC-SHA256 (4), key ids k1<br>data subject ids tokenized per tenant<br>Parquet files chained in Ed25519-signed manifests (keys k1) |

## shop: (unspecified)

| | |
|---|---|
| Events | 1 (2026-11-22T06:30:14Z to 2026-11-22T06:30:14Z) |
| Data subjects | 1 distinct, by token |
| Categories of data subjects | identified data subjects (no personal data class detected) |
| Categories of personal data | none detected |
| Recipients | ehr (eu): order_status [1 event] |
| Transfers to third countries | none |
| Retention | 365 days (soc2.audit-evidence) |
| Security measures | data subject ids tokenized per tenant<br>Parquet files chained in Ed25519-signed manifests (keys k1) |

## shop: payment

| | |
|---|---|
| Events | 4 (2026-11-22T06:30:10Z to 2026-11-22T06:30:13Z) |
| Data subjects | 3 distinct, by token |
| Categories of data subjects | payment cardholders |
| Categories of personal data | PCI; CREDIT_CARD |
| Recipients | payments (us): charge_card [4 events] |
| Transfers to third countries | eu -> us: basis scc-2021, 2 events<br>eu -> us: basis none, 1 event, 1 forbidden |
| Retention | 365 days (pci-dss.10.5.1) |
| Security measures | values tokenized with keyed HMAC-SHA256 (4), key ids k1<br>secrets redacted (1)<br>data subject ids tokenized per tenant<br>Parquet files chained in Ed25519-signed manifests (keys k1) |
"""

CSV = """\
tenant,purpose,events,first_seen,last_seen,data_subjects,subject_categories,data_classes,entity_types,recipients,transfers,forbidden_transfers,retention,security_measures
acme-health,billing,1,2026-11-22T06:30:05Z,2026-11-22T06:30:05Z,1,healthcare providers; patients,PHI,US_NPI,ehr (eu): get_patient_record [1 event],,0,2190 days (hipaa.documentation),"values tokenized with keyed HMAC-SHA256 (1), key ids k1; data subject ids tokenized per tenant; Parquet files chained in Ed25519-signed manifests (keys k1)"
acme-health,treatment,4,2026-11-22T06:30:00Z,2026-11-22T06:30:03Z,3,patients,PHI,MEDICAL_RECORD_NUMBER,ehr (eu): get_patient_record [4 events],,0,2190 days (hipaa.documentation),"values tokenized with keyed HMAC-SHA256 (4), key ids k1; data subject ids tokenized per tenant; Parquet files chained in Ed25519-signed manifests (keys k1)"
shop,(unspecified),1,2026-11-22T06:30:14Z,2026-11-22T06:30:14Z,1,identified data subjects (no personal data class detected),,,ehr (eu): order_status [1 event],,0,365 days (soc2.audit-evidence),data subject ids tokenized per tenant; Parquet files chained in Ed25519-signed manifests (keys k1)
shop,payment,4,2026-11-22T06:30:10Z,2026-11-22T06:30:13Z,3,payment cardholders,PCI,CREDIT_CARD,payments (us): charge_card [4 events],"eu -> us: basis scc-2021, 2 events; eu -> us: basis none, 1 event, 1 forbidden",1,365 days (pci-dss.10.5.1),"values tokenized with keyed HMAC-SHA256 (4), key ids k1; secrets redacted (1); data subject ids tokenized per tenant; Parquet files chained in Ed25519-signed manifests (keys k1)"
"""


def test_markdown_report_exactly(ropa_lake: Path) -> None:
    result = CliRunner().invoke(main, ["ropa", "--lake", str(ropa_lake)])
    assert (result.exit_code, result.stdout) == (0, MARKDOWN), result.stderr


def test_csv_report_exactly(ropa_lake: Path) -> None:
    result = CliRunner().invoke(main, ["ropa", "--lake", str(ropa_lake), "--format", "csv"])
    assert (result.exit_code, result.stdout) == (0, CSV), result.stderr


def test_json_records_carry_the_structured_facts(ropa_lake: Path) -> None:
    result = CliRunner().invoke(main, ["ropa", "--lake", str(ropa_lake), "--format", "json",
                                       "--tenant", "shop"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [(r["tenant"], r["purpose"]) for r in records] == [("shop", "(unspecified)"),
                                                              ("shop", "payment")]
    pay = records[1]
    assert pay["transfers"] == [
        {"from": "eu", "to": "us", "basis": "scc-2021", "events": 2, "forbidden": 0},
        {"from": "eu", "to": "us", "basis": None, "events": 1, "forbidden": 1}]
    assert pay["recipients"] == [{"server": "payments", "region": "us",
                                  "tools": ["charge_card"], "events": 4}]
    assert pay["retention"] == {
        "days": 365, "rule": "pci-dss.10.5.1",
        "source": "PCI DSS v4.0 10.5.1: audit log history kept at least 12 months",
        "applicable": ["eu-ai-act.art12-logs", "pci-dss.10.5.1", "soc2.audit-evidence"]}
    # SECRET is a data class of the event but not personal data: never a category.
    assert pay["data_classes"] == ["PCI"] and pay["entity_types"] == ["CREDIT_CARD"]


def test_retention_in_the_record_follows_the_policy(ropa_lake: Path, tmp_path: Path) -> None:
    policy = tmp_path / "retention.yaml"
    policy.write_text("rules:\n  - id: hipaa.documentation\n    days: 3650\n"
                      "    data_classes: [PHI]\n    source: state law, 10 years\n")
    records = build(ropa_lake, load_retention(policy), "acme-health")
    assert {r["retention"]["days"] for r in records} == {3650}


def test_subject_categories_come_from_the_documented_map() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "records.md").read_text()
    from streams.lake.ropa import CLASS_SUBJECTS, ENTITY_SUBJECTS, UNCLASSIFIED

    for key, category in [*CLASS_SUBJECTS.items(), *ENTITY_SUBJECTS.items()]:
        assert f"| `{key}` | {category} |" in doc
    assert UNCLASSIFIED in doc


def test_empty_lake_says_so(tmp_path: Path) -> None:
    (tmp_path / "lake").mkdir()
    assert render(build(tmp_path / "lake", load_retention(None)), "markdown") == (
        "# Records of processing activities (GDPR Art. 30)\n\n"
        "The lake holds no events: no processing to record.\n")
    assert render([], "json") == "[]\n"


def test_missing_lake_is_bad_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ropa", "--lake", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no lake folder at" in result.stderr


DOC = Path(__file__).resolve().parents[3] / "docs" / "records.md"


def doc_examples() -> list[tuple[str, str]]:
    """(command, expected output) for every `$ mcpgov` line in docs/records.md."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            command, _, output = chunk.partition("\n")
            if command.startswith("$ mcpgov"):
                found.append((command[2:], output))
    return found


def test_the_page_has_examples_of_every_command() -> None:
    words = {" ".join(c.split()[1:3]) for c, _ in doc_examples()}
    assert {"ropa --lake", "access-report --subject", "retention show",
            "retention apply"} <= words


@pytest.mark.parametrize(("command", "expected"), doc_examples())
def test_documented_examples_give_the_documented_output(lake: Path, keyring_file: Path,
                                                        command: str, expected: str) -> None:
    swap = {"lake/": str(lake), "keys.json": str(keyring_file)}
    args = [swap.get(a, a) for a in shlex.split(command)[1:]]
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stdout) == (0, expected), result.stderr
