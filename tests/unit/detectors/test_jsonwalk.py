"""iter_strings / replace_strings: every string and key, stable paths, no recursion limit."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.api import StringSite, iter_strings, replace_strings
from detectors.jsonwalk import KEY_MARK, is_key_path, parent_key
from detectors.validators import luhn_check_digit

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


def values(sites: list[StringSite]) -> list[StringSite]:
    return [s for s in sites if not is_key_path(s.path)]


def test_every_string_with_its_path_and_key() -> None:
    sites = values(iter_strings(MESSAGE))
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


def test_every_key_is_a_site_just_before_its_value() -> None:
    sites = iter_strings(MESSAGE)
    keys = [(s.path, s.key, s.text) for s in sites if is_key_path(s.path)]
    assert keys[:4] == [("$.jsonrpc~", None, "jsonrpc"), ("$.id~", None, "id"),
                        ("$.params~", None, "params"), ("$.params.name~", None, "name")]
    assert ("$.result.structuredContent.rows[1]['it\\'s']~", None, "it's") in keys
    assert len(keys) == 26  # every object member of MESSAGE
    paths = [s.path for s in sites]
    assert paths.index("$.params.arguments.card~") + 1 == paths.index("$.params.arguments.card")
    assert all(not p.endswith(KEY_MARK) for p in (s.path for s in values(sites)))


def test_replace_a_key_keeps_order_and_moves_paths() -> None:
    message = {"a": 1, "4111111111111111": {"note": "x"}, "b": [2]}
    moved: dict[str, str] = {}
    out = replace_strings(message, {"$['4111111111111111']~": "411111xxxxxx1111"}, moved=moved)
    assert list(out) == ["a", "411111xxxxxx1111", "b"]
    assert out["411111xxxxxx1111"] == {"note": "x"}
    assert moved["$['4111111111111111']~"] == "$['411111xxxxxx1111']~"
    assert moved["$['4111111111111111'].note"] == "$['411111xxxxxx1111'].note"
    assert "$.a" not in moved and message == {"a": 1, "4111111111111111": {"note": "x"},
                                              "b": [2]}


def test_keys_that_tokenize_alike_keep_both_values() -> None:
    message = {"Jane@Example.org": 1, "jane@example.org": 2, "tok": 3, "tok#2": 4}
    out = replace_strings(message, {"$['Jane@Example.org']~": "tok",
                                    "$['jane@example.org']~": "tok"})
    assert out == {"tok#3": 1, "tok#4": 2, "tok": 3, "tok#2": 4}


def test_many_colliding_keys_stay_linear() -> None:
    message = {f"k{i}": i for i in range(20_000)}
    out = replace_strings(message, {f"$.k{i}~": "same" for i in range(20_000)})
    assert len(out) == 20_000 and out["same"] == 0 and out["same#20000"] == 19_999


def test_extra_ints_visits_and_replaces_short_numbers() -> None:
    message = {"patient_id": 822298, "n": 7, "neg": -822298, "flag": True}
    sites = values(iter_strings(message, extra_ints={"822298"}))
    assert [(s.path, s.text) for s in sites] == [("$.patient_id", "822298"),
                                                 ("$.neg", "-822298")]
    assert values(iter_strings(message)) == []
    out = replace_strings(message, {"$.patient_id": "sub", "$.n": "x"}, extra_ints={"822298"})
    assert out == {"patient_id": "sub", "n": 7, "neg": -822298, "flag": True}


def test_card_numbers_as_keys_are_sites() -> None:
    pans = []
    for i in range(50):
        body = f"4{i:014d}"
        pans.append(body + luhn_check_digit(body))
    message = {"params": {pan: {"amount": i} for i, pan in enumerate(pans)}}
    texts = {s.text for s in iter_strings(message) if is_key_path(s.path)}
    assert set(pans) <= texts


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
    [site] = values(iter_strings(message))
    assert site.text == "4111111111111111" and site.path.count("[0]") == depth // 2
    assert len(iter_strings(message)) == 1 + (depth + 1) // 2  # one key per object
    deepest_key = [s for s in iter_strings(message) if is_key_path(s.path)][-1].path
    moved: dict[str, str] = {}
    out = replace_strings(message, {site.path: "tok", deepest_key: "K"}, moved=moved)
    [again] = values(iter_strings(out))
    assert again.text == "tok" and again.path == moved[site.path]
    assert again.path.count(".K") == 1 and again.path.count(".k") == depth // 2 - 1 + depth % 2


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
    assert len({s.path for s in sites}) == len(sites)  # one path per string or key
    assert replace_strings(message, {s.path: s.text for s in sites}) == message
    plain = values(sites)
    marked = replace_strings(message, {s.path: f"<{i}>" for i, s in enumerate(plain)})
    assert [(s.path, s.text) for s in values(iter_strings(marked))] == [
        (s.path, f"<{i}>") for i, s in enumerate(plain)
    ]
    moved: dict[str, str] = {}
    renamed = replace_strings(message, {s.path: f"<{i}>" for i, s in enumerate(sites)},
                              moved=moved)
    again = iter_strings(renamed)
    assert len(again) == len(sites)  # a renamed key never drops a member
    assert [(s.path, s.text) for s in values(again)] == [
        (moved.get(s.path, s.path), f"<{i}>") for i, s in enumerate(sites)
        if not is_key_path(s.path)
    ]
    assert json.dumps(message, sort_keys=True) == before  # untouched
