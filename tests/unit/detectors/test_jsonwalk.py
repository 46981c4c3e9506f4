"""iter_strings / replace_strings: every string, stable paths, no recursion limit."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.api import StringSite, iter_strings, replace_strings
from detectors.jsonwalk import parent_key

MESSAGE = {
    "jsonrpc": "2.0",
    "id": 7,
    "params": {"name": "get_patient", "arguments": {"card": "4111111111111111", "ok": True}},
    "result": {
        "content": [{"type": "text", "text": "hello"}, {"type": "image", "data": "AAAA"}],
        "structuredContent": {"rows": [["a", "b"], {"odd key": "c", "it's": "d", "a.b": "e"}]},
        "isError": False,
    },
    "error": {"code": -32000, "message": "boom", "data": {"detail": "x"}},
    "npi_as_number": 1234567893,
    "small": 12345,
}


def test_every_string_with_its_path_and_key() -> None:
    sites = iter_strings(MESSAGE)
    assert [(s.path, s.key, s.text) for s in sites] == [
        ("$.jsonrpc", "jsonrpc", "2.0"),
        ("$.params.name", "name", "get_patient"),
        ("$.params.arguments.card", "card", "4111111111111111"),
        ("$.result.content[0].type", "type", "text"),
        ("$.result.content[0].text", "text", "hello"),
        ("$.result.content[1].type", "type", "image"),
        ("$.result.content[1].data", "data", "AAAA"),
        ("$.result.structuredContent.rows[0][0]", "rows", "a"),
        ("$.result.structuredContent.rows[0][1]", "rows", "b"),
        ("$.result.structuredContent.rows[1]['odd key']", "odd key", "c"),
        ("$.result.structuredContent.rows[1]['it\\'s']", "it's", "d"),
        ("$.result.structuredContent.rows[1]['a.b']", "a.b", "e"),
        ("$.error.message", "message", "boom"),
        ("$.error.data.detail", "detail", "x"),
        ("$.npi_as_number", "npi_as_number", "1234567893"),
    ]


def test_top_level_string_and_empty_containers() -> None:
    assert iter_strings("just text") == [StringSite("$", None, "just text")]
    assert iter_strings({}) == [] and iter_strings([]) == [] and iter_strings(None) == []


def test_replace_strings_copies_and_replaces_by_path() -> None:
    before = copy.deepcopy(MESSAGE)
    out = replace_strings(MESSAGE, {
        "$.params.arguments.card": "tok_1",
        "$.result.structuredContent.rows[1]['it\\'s']": "tok_2",
        "$.npi_as_number": "tok_3",
        "$.id": "not a string: ignored",
        "$.nowhere": "ignored",
    })  # fmt: skip
    assert MESSAGE == before  # the input is never mutated
    assert out["params"]["arguments"]["card"] == "tok_1"
    assert out["result"]["structuredContent"]["rows"][1]["it's"] == "tok_2"
    assert out["npi_as_number"] == "tok_3"
    assert out["id"] == 7 and out["small"] == 12345
    assert out["result"]["content"] is not MESSAGE["result"]["content"]


@pytest.mark.parametrize(
    ("path", "parent"),
    [
        ("$.result.structuredContent.contact.company.name", "company"),
        ("$.result.tools[0].name", "tools"),
        ("$.name", None),
        ("$['a b'].name", "a b"),
        ("$.x['it\\'s'][3].name", "it's"),
    ],
)
def test_parent_key(path: str, parent: str | None) -> None:
    assert parent_key(path) == parent


def _nested(depth: int, leaf: object) -> object:
    node = leaf
    for i in range(depth):
        node = [node] if i % 2 else {"k": node}
    return node


@pytest.mark.parametrize("depth", [1000, 10_000])
def test_deep_nesting_has_no_recursion_limit(depth: int) -> None:
    message = _nested(depth, "4111111111111111")
    [site] = iter_strings(message)
    assert site.text == "4111111111111111" and site.path.count("[0]") == depth // 2
    out = replace_strings(message, {site.path: "tok"})
    [again] = iter_strings(out)
    assert again.path == site.path and again.text == "tok"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(message=JSON)
def test_property_round_trip(message: object) -> None:
    before = json.dumps(message, sort_keys=True)
    sites = iter_strings(message)
    assert len({s.path for s in sites}) == len(sites)  # one path per string
    assert replace_strings(message, {s.path: s.text for s in sites}) == message
    marked = replace_strings(message, {s.path: f"<{i}>" for i, s in enumerate(sites)})
    assert [(s.path, s.text) for s in iter_strings(marked)] == [
        (s.path, f"<{i}>") for i, s in enumerate(sites)
    ]
    assert json.dumps(message, sort_keys=True) == before  # untouched
