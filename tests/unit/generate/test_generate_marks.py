"""Markers resolve to exact spans, whatever the composition (f-strings, nested JSON)."""

from __future__ import annotations

import json

import pytest

from streams.generate.marks import Marks, key_path
from streams.generate.truth import string_at


@pytest.mark.parametrize(
    ("parent", "key", "expected"),
    [
        ("$", "params", "$.params"),
        ("$.a", "card_number", "$.a.card_number"),
        ("$", "Account holder", "$['Account holder']"),
        ("$", "it's", "$['it\\'s']"),
        ("$", "9lives", "$['9lives']"),
        ("$", "a.b", "$['a.b']"),
    ],
)
def test_key_path(parent: str, key: str, expected: str) -> None:
    assert key_path(parent, key) == expected


def test_resolve_records_every_value_with_its_span() -> None:
    m = Marks()
    name = m.pos("PERSON", "Zoë Müller", "")
    card = m.pos("CREDIT_CARD", "4111 1111 1111 1111", "visa")
    order = m.neg("ORDER_NUMBER", "ORD-1234567")
    msg = {
        "result": {
            "content": [{"type": "text", "text": f"{name} paid with {card} ({order})"}],
            "structuredContent": {"Card holder": name, "cards": [card]},
        }
    }
    out, found = m.resolve(msg)
    text = out["result"]["content"][0]["text"]
    assert text == "Zoë Müller paid with 4111 1111 1111 1111 (ORD-1234567)"
    assert [(f["path"], f["start"], f["end"]) for f in found] == [
        ("$.result.content[0].text", 0, 10),
        ("$.result.content[0].text", 21, 40),
        ("$.result.content[0].text", 42, 53),
        ("$.result.structuredContent['Card holder']", 0, 10),
        ("$.result.structuredContent.cards[0]", 0, 19),
    ]
    for f in found:
        assert string_at(out, f["path"])[f["start"] : f["end"]] == f["value"]
    assert found[1]["subtype"] == "visa" and found[2]["kind"] == "ORDER_NUMBER"


def test_values_needing_json_escapes_are_recorded_as_the_text_holds_them() -> None:
    m = Marks()
    pem = m.pos("SECRET", "-----BEGIN KEY-----\nAAAA\n-----END KEY-----", "pem_private_key")
    name = m.pos("PERSON", "Ana Silva")
    inner = m.json_text({"key": pem, "owner": name})
    outer = m.json_text({"payload": inner})  # double-encoded, as some servers do
    out, found = m.resolve({"text": outer})
    decoded = json.loads(json.loads(out["text"])["payload"])
    assert decoded == {"key": "-----BEGIN KEY-----\nAAAA\n-----END KEY-----", "owner": "Ana Silva"}
    for f in found:
        assert out["text"][f["start"] : f["end"]] == f["value"]
    assert found[0]["value"] == "-----BEGIN KEY-----\\\\nAAAA\\\\n-----END KEY-----"


def test_string_at_follows_paths() -> None:
    msg = {"a": [{"b c": {"d": "x"}}, "y"], "it's": "z"}
    assert string_at(msg, "$.a[0]['b c'].d") == "x"
    assert string_at(msg, "$.a[1]") == "y"
    assert string_at(msg, "$['it\\'s']") == "z"
