"""End to end: values written to evade detection leave nothing in clear anywhere.

Card numbers split by slashes or one space per digit, full-width and Arabic-Indic
digits, zero-width characters inside a value, percent-encoding, base64 and hex of a
text holding a value, e-mails spelled `[at]`/`%40`, lower-case IBANs (the evasion forms
of the detector corpus, values drawn from Faker) go through `mcpgov run` in tool
results, in arguments and in object keys; every file the run wrote and everything it
printed is then searched for each value as written and for its digits.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from detectors.scan.normalize import normalize
from streams.cli import main

PER_KIND = 6
NOT_YET: frozenset[tuple[str, str]] = frozenset()
"""Forms the detectors do not read yet (issue 10's notes); everything else must not leak."""


def _corpus():  # the detector corpus lives with the detector tests
    path = Path(__file__).parents[1] / "unit" / "detectors" / "corpus.py"
    spec = importlib.util.spec_from_file_location("mcpgov_test_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _cases():
    corpus = _corpus()
    seen: dict[tuple[str, str], int] = {}
    out = []
    for case in corpus.evasion_cases():
        key = (case.entity_type, case.kind)
        if seen.get(key, 0) < PER_KIND:
            seen[key] = seen.get(key, 0) + 1
            out.append(case)
    return out


def _envelope(i: int, message: dict) -> dict:
    return {
        "schema_version": 1, "event_id": str(uuid.UUID(int=i)),
        "time": "2026-11-22T06:30:00.123456Z", "tenant": "acme-health",
        "gateway": {"id": "gw-eu-1", "region": "eu"}, "session_id": f"sess-{i % 17}",
        "identity": {"user": "dr.jones@clinic.example", "agent": "chart-summarizer",
                     "client_id": "desktop", "scopes": ["ehr.read"],
                     "auth": {"decision": "allow", "policy": "p", "reason": None}},
        "server": {"name": "ehr", "version": "1.4.2", "region": "eu", "transport": "stdio"},
        "data_subject": None, "purpose": "treatment", "direction": "response",
        "method": "tools/call", "tool": "search_notes", "message": message,
        "latency_ms": 12, "trace": None,
    }


def _messages(case, i: int) -> list[dict]:
    return [
        {"jsonrpc": "2.0", "id": i, "result": {"content": [{"type": "text", "text": case.text}]}},
        {"jsonrpc": "2.0", "id": i, "method": "tools/call",
         "params": {"name": "save_note", "arguments": {"note": case.text}}},
        {"jsonrpc": "2.0", "id": i, "result": {"structuredContent": {case.text: "seen"}}},
    ]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("evasions")
    cases = _cases()
    lines = []
    for i, case in enumerate(cases):
        for j, message in enumerate(_messages(case, i)):
            lines.append(json.dumps(_envelope(3 * i + j, message), ensure_ascii=False))
    (d / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    keyring = d / "keyring.json"
    assert runner.invoke(main, ["keys", "create", "--keyring", str(keyring)]).exit_code == 0
    res = runner.invoke(main, ["run", "--input", str(d / "in.jsonl"), "--lake", str(d / "lake"),
                               "--keyring", str(keyring), "--dlq", str(d / "dlq.jsonl"),
                               "--no-sentinel", "--no-progress"])
    assert res.exit_code == 0, res.output
    written = [res.output]
    for path in sorted(d.rglob("*")):
        if not path.is_file() or path.name in ("in.jsonl", "keyring.json"):
            continue
        if path.suffix == ".parquet":
            written.append(json.dumps(pq.read_table(path).to_pylist(), default=str,
                                      ensure_ascii=False))
        else:
            written.append(path.read_text(encoding="utf-8", errors="replace"))
    return cases, "\n".join(written), len(lines)


def test_every_event_was_governed(run) -> None:
    cases, written, n = run
    assert len(cases) >= 60
    assert f"governed         {n}" in written


def test_no_evasive_value_survives_anywhere(run) -> None:
    cases, written, _ = run
    folded_written = normalize(written).text
    leaked = []
    for case in cases:
        probes = {case.value}
        digits = re.sub(r"\D", "", normalize(case.value).text)
        if len(digits) >= 9:
            probes.add(digits)
        if (case.entity_type, case.kind) in NOT_YET:
            continue
        if any(p in written or p in folded_written for p in probes if len(p) >= 6):
            leaked.append((case.entity_type, case.kind))
    assert not leaked, f"{len(leaked)} of {len(cases)} leaked: {sorted(set(leaked))}"
