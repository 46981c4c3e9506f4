"""`mcpgov generate` writes the traffic and its truth, and fails clearly on bad usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.generate import api
from streams.generate.truth import Truth


def test_writes_jsonl_and_truth_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "traffic.jsonl"
    result = CliRunner().invoke(main, ["generate", "-n", "20", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    truth = Truth.load(f"{out}.truth.json")
    assert len(lines) == truth.event_count and all(
        json.loads(x)["schema_version"] == 1 for x in lines
    )
    s = truth.summary()
    assert result.stderr.strip() == (
        f"generated {s['events']} events, 20 sessions (2 attacks), {s['values']} sensitive values, "
        f"{s['lookalikes']} look-alikes -> {out} (truth: {out}.truth.json)"
    )
    events, same = api.generate(20, 3)
    assert lines == [api.dumps_event(e) for e in events] and same.to_dict() == truth.to_dict()
    assert not list(out.parent.glob(".*.tmp"))


def test_stdout_custom_truth_share_and_domains(tmp_path: Path) -> None:
    truth_file = tmp_path / "t.json"
    args = [
        "generate",
        "-n",
        "10",
        "--seed",
        "5",
        "--out",
        "-",
        "--truth",
        str(truth_file),
        "--attack-share",
        "0.5",
        "--domains",
        "payments,banking",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    events = [json.loads(x) for x in result.stdout.splitlines()]
    truth = Truth.load(truth_file)
    assert len(events) == truth.event_count
    assert {s["domain"] for s in truth.sessions.values()} == {"payments", "banking"}
    assert truth.summary()["attacks"] == 5


def test_stdout_without_truth_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["generate", "-n", "2", "--out", "-"])
    assert result.exit_code == 0 and result.stdout.count("\n") > 5
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "Error: --sessions must be a positive integer, got 0"),
        (["-n", "-3"], "Error: --sessions must be a positive integer, got -3"),
        (
            ["-n", "5", "--attack-share", "1.5"],
            "Error: --attack-share must be between 0 and 1, got 1.5",
        ),
        (
            ["-n", "5", "--domains", "ehr,hr"],
            "Error: unknown domain 'hr'; choose from ehr, payments, banking, crm",
        ),
        (
            ["-n", "5", "--domains", ","],
            "Error: unknown domain (none given); choose from ehr, payments, banking, crm",
        ),
    ],
)
def test_bad_usage_exits_2_with_one_clear_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.jsonl"
    result = CliRunner().invoke(main, ["generate", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == message
    assert not out.exists()


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["generate", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "mcpgov generate --sessions 300" in result.output
