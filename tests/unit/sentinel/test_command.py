"""`mcpgov sentinel`: help with examples, exact output, exact errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.sentinel.command import sentinel
from streams.sentinel.model import Model

main.add_command(sentinel)  # the CLI registers it; tests must not depend on that order
BROKEN = Path(__file__).parent / "broken"
GOOD = """version: 1
rules:
  - id: custom.burst
    kind: threshold
    title: Burst
    description: Many calls.
    severity: low
    window: 1m
    count: 50
    when: {match: {call: true}}
"""


def invoke(*args: str):
    return CliRunner().invoke(main, ["sentinel", *args])


@pytest.mark.parametrize("cmd", [[], ["train"], ["rules"], ["rules", "list"],
                                 ["rules", "check"], ["measure"]])
def test_every_command_has_help_with_an_example(cmd) -> None:
    result = invoke(*cmd, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_rules_list_and_check(tmp_path) -> None:
    listed = invoke("rules", "list")
    assert listed.exit_code == 0
    assert any(line.startswith("toxic_flow.exfiltration") and line.endswith("toxic_flow.yaml")
               for line in listed.output.splitlines())
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    result = invoke("rules", "check", str(good))
    assert (result.exit_code, result.output) == (0, f"ok {good}: 1 rule\n")
    assert "custom.burst" in invoke("rules", "list", "--rules", str(good)).output


def test_rules_check_fails_with_file_and_field(tmp_path) -> None:
    bad = BROKEN / "unknown_fact.yaml"
    result = invoke("rules", "check", str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {bad}: rules[0].when.match: unknown fact 'toool'")
    assert result.stderr.count("\n") == 1


def test_train_from_jsonl_and_lake_errors(mk, tmp_path) -> None:
    s = mk.Script()
    events = [s.wait(1).call("read") for _ in range(3)]
    path = tmp_path / "governed.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    out = tmp_path / "model.json"
    result = invoke("train", "--events", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == (f"trained on 3 events in 1 session, 1 agent, 9 rules: {out}\n")
    assert Model.load(out).trained["events"] == 3

    both = invoke("train", "--events", str(path), "--lake", str(tmp_path), "--out", str(out))
    assert (both.exit_code, both.stderr) == (
        2, "Error: give exactly one of --lake DIR or --events FILE\n")
    empty = invoke("train", "--lake", str(tmp_path), "--out", str(out))
    assert empty.exit_code == 2
    assert empty.stderr.startswith(f"Error: no events in the lake at {tmp_path}")
