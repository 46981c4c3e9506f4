"""The linear pass: folding, decoded layers, and the automaton as a superset of the regexes."""

from __future__ import annotations

import base64
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from detectors.config import DetectorConfig
from detectors.registry import builtin_recognizers
from detectors.scan.automaton import Automaton, Trigger, bytewise
from detectors.scan.decode import decode_all
from detectors.scan.engine import _triggers_of
from detectors.scan.normalize import normalize

# --- folding ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "folded"), [
    ("４１１１ １１１１", "4111 1111"),  # full-width digits and ideographic space
    ("٤١١١-١١١١", "4111-1111"),  # Arabic-Indic digits
    ("۴۱۱۱", "4111"),  # Extended Arabic-Indic
    ("४१११", "4111"),  # Devanagari
    ("4111\u00a01111\u202f1111", "4111 1111 1111"),  # NBSP, narrow NBSP
    ("4111\u20131111\u20141111\u22121111", "4111-1111-1111-1111"),  # en/em dash, minus
    ("4\u200b1\u200c1\u200d1\u2060\ufeff1\u00ad1", "411111"),  # zero-width and soft hyphen
    ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"),
    ("Élodie Nguyễn", "Élodie Nguyễn"),  # letters keep their accents
])
def test_fold(text: str, folded: str) -> None:
    assert normalize(text).text == folded


@given(st.text(max_size=200))
@example("a\u200bb")
@example("\u200b")
def test_fold_maps_every_kept_character_back(text: str) -> None:
    fold = normalize(text)
    assert len(fold.text) <= len(text)
    for i in range(len(fold.text)):
        start, end = fold.original(i, i + 1)
        assert 0 <= start < end <= len(text)
        assert fold.text[i] == normalize(text[start:end]).text or not text[start:end].isascii()


def test_fold_spans_cover_the_dropped_characters_inside() -> None:
    text = "card 4\u200b111 1111 1111 1111 now"
    fold = normalize(text)
    start = fold.text.index("4")
    assert fold.original(start, start + 19) == (5, 25)
    assert text[5:25] == "4\u200b111 1111 1111 1111"


# --- decoded layers --------------------------------------------------------------------


def test_percent_layer_maps_characters_back() -> None:
    text = "to=john%40example.com&card=4111%201111%201111%201111"
    [layer] = decode_all(text)
    assert layer.text == "to=john@example.com&card=4111 1111 1111 1111"
    i = layer.text.index("john")
    assert text[slice(*layer.source(i, i + len("john@example.com")))] == "john%40example.com"


def test_base64_and_hex_layers_map_to_their_block() -> None:
    inner = "ssn 123-45-6789 for Maria"
    b64 = base64.b64encode(inner.encode()).decode()
    text = f"blob {b64} and {inner.encode().hex()} end"
    found = {(layer.kind, text[layer.start : layer.end], layer.text) for layer in decode_all(text)}
    assert ("base64", b64, inner) in found
    assert ("hex", inner.encode().hex(), inner) in found


def test_two_layers_deep() -> None:
    inner = base64.b64encode(b"q=4111%201111%201111%201111").decode()
    kinds = {layer.kind: layer.text for layer in decode_all(f"x {inner}")}
    assert kinds["base64+percent"] == "q=4111 1111 1111 1111"


@pytest.mark.parametrize("text", [
    "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",  # a SHA-1: binary when decoded
    "123e4567-e89b-12d3-a456-426614174000",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "AAAAAAAAAAAAAAAAAAAAAAAA",  # one letter: not a payload
    "get_patient_record_by_identifier",
])
def test_look_alikes_are_not_decoded(text: str) -> None:
    assert decode_all(text) == []


def test_decoding_is_bounded_on_hostile_input() -> None:
    text = "%41" * 300_000 + " " + base64.b64encode(b"x" * 300_000).decode()
    t = time.process_time()
    layers = decode_all(text)
    assert len(layers) <= 64 and all(len(x.text) <= len(text) for x in layers)
    assert time.process_time() - t < 30  # a generous bound: seconds, not minutes


# --- the automaton is a superset of every recognizer regex ------------------------------

_RECOGNIZERS = builtin_recognizers(DetectorConfig(ner=False))
_PAIRS = [
    (trigger, compiled)
    for rec in _RECOGNIZERS
    for trigger, _pattern, compiled in _triggers_of(rec)
    if compiled is not None
]
_AUTOMATON = Automaton([t for t, _ in _PAIRS])

_pieces = st.sampled_from([
    "4111 1111 1111 1111", "123-45-6789", "Dr. Élodie Nguyễn", "Thanks Mateus,",
    "john@example.com", "password=hunter2!", "AKIAIOSFODNN7EXAMPLE", "DE89370400440532013000",
    "+49 30 5550 2572", "DOB 1980-02-29", "MRN: 4471920", "10.0.0.1", "Bearer eyJhbGciOi.x.y",
    "postgres://u:p!w#d@db/x", " ", "\n", "é", "’", "Ω", "_", ":", "=",
])


@settings(max_examples=150)
@given(st.lists(st.one_of(_pieces, st.text(max_size=12)), max_size=8).map("".join))
@example("Reply from Ángel Ruiz (Support)")
@example("Ωmega 4111 1111 1111 1111")
def test_every_regex_match_fires_its_trigger(text: str) -> None:
    text = normalize(text).text
    [fired] = _AUTOMATON.hits([text])
    for index, (_trigger, compiled) in enumerate(_PAIRS):
        if any(m.end() > m.start() for m in compiled.finditer(text)):
            assert index in fired or index in _AUTOMATON.always, compiled.pattern[:80]


def test_triggers_fire_per_string_not_per_batch() -> None:
    automaton = Automaton([Trigger(r"(?<![0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}")])
    assert automaton.hits(["none", "ssn 123-45-6789", "", "x"]) == [set(), {0}, set(), set()]


@pytest.mark.parametrize("source", [r"\b\p{Lu}\w+", r"[^\s\w]x", r"[\p{L}'’]+", r"[]a]\d"])
def test_bytewise_compiles_and_widens(source: str) -> None:
    out = bytewise(source)
    assert r"\p" not in out and r"\b" not in out
    Automaton([Trigger(source)])  # compiles


def test_an_unparseable_pattern_runs_everywhere() -> None:
    automaton = Automaton([Trigger(r"(?(DEFINE)(?<a>x))(?&a)")])
    assert automaton.always == (0,)
    assert automaton.hits(["abc"]) == [{0}]


def test_scan_time_is_linear() -> None:
    automaton = _AUTOMATON

    def cost(n: int) -> float:
        text = "Dr. Aaaa 4111 1111 " * (n // 19)
        t = time.process_time()
        automaton.hits([text])
        return time.process_time() - t

    small, large = cost(50_000), cost(500_000)
    assert large < 25 * max(small, 0.002)
