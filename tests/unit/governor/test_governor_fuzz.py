"""Fuzzing the governor: whatever arrives, each input yields exactly one outcome.

Arbitrary JSON messages inside valid envelopes are governed (never an exception);
arbitrary bytes become dead letters; and a card number planted anywhere in an
arbitrary message never survives into the governed event.
"""

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.api import Classifier, DetectorConfig
from detectors.validators import luhn_check_digit
from streams.deadletter import Source
from streams.governor import Governor
from streams.keyring import Keyring
from streams.tokens import Tokenizer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)


@pytest.fixture(scope="module")
def governor() -> Governor:
    classifier = Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))
    return Governor(Tokenizer(Keyring.new()), classifier, ner=False)


def envelope(message) -> dict:
    return {
        "schema_version": 1, "event_id": "0b6f3c1e-7d2a-4c55-9a51-2f1f0f3d9a10",
        "time": "2026-11-22T06:30:00.123456Z", "tenant": "acme-health",
        "gateway": {"id": "gw-eu-1", "region": "eu"}, "session_id": "sess-fuzz",
        "identity": {"user": "u", "agent": "a", "client_id": "c", "scopes": [],
                     "auth": {"decision": "allow", "policy": "p", "reason": None}},
        "server": {"name": "ehr", "version": "1", "region": "eu", "transport": "stdio"},
        "data_subject": None, "purpose": None, "direction": "response", "method": "tools/call",
        "tool": "t", "message": message, "latency_ms": None, "trace": None,
    }


def pan(seed: int) -> str:
    rng = random.Random(seed)
    body = "4" + "".join(str(rng.randrange(10)) for _ in range(14))
    return body + luhn_check_digit(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(result=json_values, seed=st.integers(0, 10**6), where=st.sampled_from(["text", "deep", "key"]))
def test_any_message_is_governed_and_a_planted_card_never_survives(governor, result, seed, where) -> None:
    card = pan(seed)
    planted = {"text": {"note": f"card {card} on file", "x": result},
               "deep": {"a": [result, {"b": {"c": card}}]},
               "key": {"card_number": card, "x": result}}[where]
    message = {"jsonrpc": "2.0", "id": 1, "result": {"structuredContent": planted}}
    [out] = governor.process([(json.dumps(envelope(message)), Source(line=1))])
    assert out.dead_letter is None and out.event is not None  # a valid envelope is governed
    assert card not in json.dumps(out.event)
    assert any(f["entity_type"] == "CREDIT_CARD" for f in out.event["findings"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_become_dead_letters_with_a_reason(governor, data) -> None:
    outs = governor.process([(data, Source(line=7)), (data, Source(line=8))])
    assert len(outs) == 2
    for out in outs:
        assert out.dead_letter is not None and out.event is None
        assert out.dead_letter["reason_code"] in {"not_utf8", "not_json", "schema_invalid",
                                                  "too_deep", "oversized", "undecodable"}
        assert out.dead_letter["reason"]
