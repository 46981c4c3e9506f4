"""Rule files: the shipped ones load; each kind of mistake fails at load naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.errors import UsageError
from streams.sentinel.errors import RuleConfigError
from streams.sentinel.facts import observe
from streams.sentinel.match import compile_match, holds
from streams.sentinel.rules import BUILTIN_DIR, load_file, load_rules

BROKEN = Path(__file__).parent / "broken"


def test_shipped_rules_load_with_unique_ids() -> None:
    rules = load_rules()
    ids = [r.rule.id for r in rules]
    assert len(ids) == len(set(ids)) >= 8
    families = {r.rule.family for r in rules}
    assert {"toxic_flow", "bulk_access", "authz_probing", "first_use", "sequence"} <= families
    assert all(Path(r.source).parent == BUILTIN_DIR for r in rules)


@pytest.mark.parametrize(("name", "field", "reason"), [
    ("yaml_syntax", "line 5", "not valid YAML"),
    ("not_a_mapping", "", "expected a mapping"),
    ("bad_version", "version", "Input should be 1"),
    ("no_rules", "rules", "at least 1 item"),
    ("unknown_key", "rules[0].severty", "Extra inputs are not permitted"),
    ("missing_title", "rules[0].title", "Field required"),
    ("unknown_kind", "rules[0].kind", "'sequence'"),
    ("bad_id", "rules[0].id", "should match pattern"),
    ("bad_severity", "rules[0].severity", "'low', 'medium', 'high' or 'critical'"),
    ("bad_duration", "rules[0].window", "invalid duration 'soon'"),
    ("bad_count", "rules[0].count", "greater than or equal to 1"),
    ("unknown_fact", "rules[0].when.match", "unknown fact 'toool'"),
    ("unknown_modifier", "rules[0].when.match", "unknown modifier 'regex'"),
    ("bad_regex", "rules[0].when.match", "invalid regular expression"),
    ("modifier_needs_list", "rules[0].when.match", "needs a list fact"),
    ("bad_distinct", "rules[0].distinct", "unknown fact 'patient'"),
    ("carry_on_source", "rules[0]", "carry applies to sink selectors only"),
    ("novelty_bool_field", "rules[0].field", "text or list fact"),
    ("bad_probability", "rules[0].max_probability", "less than 1"),
    ("bad_data_class", "rules[0].severity_by_class.PHX", "'PCI', 'PHI'"),
])
def test_broken_file_names_file_and_field(name, field, reason) -> None:
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(RuleConfigError) as info:
        load_file(path)
    err = info.value
    assert err.source == str(path)
    assert err.field == field
    assert reason in err.reason
    assert str(err).startswith(f"{path}: ")
    assert isinstance(err, UsageError)  # the CLI exits 2


def test_every_broken_file_is_tested() -> None:
    params = test_broken_file_names_file_and_field.pytestmark[0].args[1]
    assert {p[0] for p in params} == {p.stem for p in BROKEN.glob("*.yaml")}


def test_duplicate_id_names_both_files(tmp_path) -> None:
    text = (BUILTIN_DIR / "sequence.yaml").read_text()
    copy = tmp_path / "mine.yaml"
    copy.write_text(text)
    with pytest.raises(RuleConfigError) as info:
        load_rules([copy])
    assert info.value.field == "rules[0].id"
    assert "duplicate rule id 'sequence.improbable'" in info.value.reason
    assert str(BUILTIN_DIR / "sequence.yaml") in info.value.reason


def test_missing_path_and_disabled_rules(tmp_path) -> None:
    with pytest.raises(RuleConfigError, match="no such file or directory"):
        load_rules([tmp_path / "nope.yaml"])
    text = (BUILTIN_DIR / "sequence.yaml").read_text().replace(
        "sequence.improbable", "custom.off").replace("    kind: markov", "    kind: markov\n"
                                                      "    enabled: false")
    (tmp_path / "off.yaml").write_text(text)
    ids = [r.rule.id for r in load_rules([tmp_path], builtin=False)]
    assert ids == []


EVENT = {"event_id": "e", "time": "2026-01-01T00:00:00Z", "tenant": "t", "session_id": "s",
         "identity": {"agent": "a", "scopes": ["ehr.read", "mail.send"],
                      "auth": {"decision": "allow"}},
         "server": {"name": "workspace"}, "method": "tools/call", "direction": "request",
         "tool": "send_email", "data_classes": ["PII"], "payload": "{}", "findings": []}


@pytest.mark.parametrize(("block", "expected"), [
    ({}, True),
    ({"tool": "send_email"}, True),
    ({"tool": ["http_post", "send_email"]}, True),
    ({"tool": "http_post"}, False),
    ({"tool|glob": "send_*"}, True),
    ({"tool|glob": ["*_post", "upload*"]}, False),
    ({"tool|re": "^send_(email|sms)$"}, True),
    ({"tool|startswith": "send"}, True),
    ({"tool|endswith": "_sms"}, False),
    ({"tool|contains": "mail"}, True),
    ({"scopes": "mail.send"}, True),
    ({"scopes|any": ["x", "ehr.read"]}, True),
    ({"scopes|all": ["ehr.read", "mail.send"]}, True),
    ({"scopes|all": ["ehr.read", "ehr.write"]}, False),
    ({"scopes|glob": "ehr.*"}, True),
    ({"data_classes|any": ["PHI", "PCI"]}, False),
    ({"subject|exists": False}, True),
    ({"subject|exists": True}, False),
    ({"call": True, "auth": "allow", "server": "workspace"}, True),
    ({"call": True, "auth": "deny"}, False),
    ({"open_world": True}, False),  # no tools/list seen: annotations unknown
])
def test_match_modifiers(block, expected) -> None:
    assert holds(compile_match(block), observe(EVENT).facts) is expected


@pytest.mark.parametrize(("block", "message"), [
    ({"nope": 1}, "unknown fact"), ({"tool|xx": 1}, "unknown modifier"),
    ({"tool|exists": "yes"}, "true or false"), ({"tool": []}, "at least one value"),
    ({"tool": {"a": 1}}, "scalars"), ({"tool|all": ["a"]}, "needs a list fact"),
])
def test_match_errors(block, message) -> None:
    with pytest.raises(ValueError, match=message):
        compile_match(block)
