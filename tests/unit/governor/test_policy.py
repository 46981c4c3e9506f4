"""Policy files: validated before use, errors name the file and field; glob paths match."""

import pytest

from streams.policy import MinimizationRule, PolicyError, action_for, load_policy

GOOD = """
version: 1
name: acme
tenants:
  acme-health: {home: eu, health: true}
minimization:
  default: tokenize
  rules:
    - name: ehr-notes
      match: {server: ehr, tool: "get_*"}
      fields:
        "$.result.structuredContent.notes": drop
        "$.result.content[*].text": tokenize
        "$.params.**": digest
residency:
  default_home: us
  transfers:
    - {from: eu, to: us, servers: [ehr-us*], basis: "SCC 2021/914"}
"""


def test_good_policy_answers(tmp_path) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(GOOD)
    pol = load_policy(p)
    ev = {"tenant": "acme-health", "server": {"name": "ehr"}, "tool": "get_chart"}
    assert pol.is_health(ev) and pol.home("acme-health") == "eu" and pol.home("x") == "us"
    rule = pol.rule_for(ev)
    assert rule is not None and rule.name == "ehr-notes"
    assert pol.rule_for({**ev, "tool": "send_email"}) is None
    assert action_for(rule, "tokenize", "$.result.structuredContent.notes") == "drop"
    assert action_for(rule, "tokenize", "$.params.arguments.patient.id") == "digest"
    assert action_for(rule, "keep", "$.id") == "keep"
    assert pol.transfer_basis("eu", "us", "ehr-us-east") == "SCC 2021/914"
    assert pol.transfer_basis("eu", "us", "crm") is None
    assert pol.transfer_basis("us", "eu", "ehr-us") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\n", "version"),
        ("minimization: {default: shred}\n", "minimization.default"),
        ("bogus: 1\n", "bogus"),
        ("residency: {default_home: Europe}\n", "region 'Europe'"),
        ("minimization: {rules: [{name: r, fields: {'result.x': drop}}]}\n", "must start with"),
        ("residency: {transfers: [{from: eu, to: us}]}\n", "basis"),
        ("tenants: {a: {home: 3}}\n", "tenants.a.home"),
        ("a: [1\n", "not valid YAML"),
    ],
)
def test_bad_policies_name_file_and_field(tmp_path, text, message) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(PolicyError) as err:
        load_policy(p)
    assert str(p) in str(err.value) and message in str(err.value)


def test_single_star_matches_one_segment_only() -> None:
    rule = MinimizationRule(name="r", fields={"$.params.arguments.*": "redact"})
    assert action_for(rule, "tokenize", "$.params.arguments.card") == "redact"
    assert action_for(rule, "tokenize", "$.params.arguments.card.number") == "tokenize"
    assert action_for(rule, "tokenize", "$.params.arguments[0]") == "tokenize"


def test_documented_example_policy_loads() -> None:
    from pathlib import Path

    pol = load_policy(Path(__file__).parents[3] / "docs" / "examples" / "policy.yaml")
    assert pol.name == "acme-2026-11" and pol.home("acme-health") == "eu"
    assert pol.transfer_basis("uk", "eu", "anything") == "UK adequacy regulations 2021"
