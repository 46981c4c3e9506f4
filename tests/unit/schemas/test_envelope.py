"""parse_envelope: valid input in every form, and each kind of bad input with its exact reason."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemas
from streams import avro
from streams.envelope import InvalidEnvelope, parse_envelope
from streams.schema_errors import REASON_CODES, RegistryError, UnknownSchema

EXAMPLE_ID = "0b6f3c1e-7d2a-4c55-9a51-2f1f0f3d9a10"
DROP = object()
CAP = "over the 1048576-byte cap"


def mutated(env: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    node = env
    for part in parents:
        node = node[part]
    if value is DROP:
        del node[last]
    else:
        node[last] = value
    return env


def rejected(data: Any, **kwargs: Any) -> InvalidEnvelope:
    with pytest.raises(InvalidEnvelope) as info:
        parse_envelope(data, **kwargs)
    assert info.value.code in REASON_CODES
    return info.value


# -- valid input -----------------------------------------------------------------------


def test_contract_example_in_every_form(example):
    as_json = json.dumps(example)
    for form in (example, as_json, as_json.encode(), bytearray(as_json.encode()),
                 memoryview(as_json.encode()), avro.encode("raw_event", example),
                 json.dumps(example, ensure_ascii=False).encode(),
                 ("\ufeff" + as_json).encode()):
        assert parse_envelope(form) == example


def test_message_may_travel_as_a_json_string(example):
    text = dict(example, message=json.dumps(example["message"]))
    assert parse_envelope(text) == example
    assert parse_envelope(json.dumps(text)) == example


def test_nullable_fields_may_be_omitted_and_schema_version_defaults_to_1(example):
    for key in ("data_subject", "purpose", "tool", "latency_ms", "trace", "schema_version"):
        del example[key]
    del example["identity"]["auth"]["reason"]
    parsed = parse_envelope(json.dumps(example))
    assert parsed["schema_version"] == 1
    assert [parsed[k] for k in ("data_subject", "purpose", "tool", "latency_ms", "trace")] == [
        None] * 5
    assert parsed["identity"]["auth"]["reason"] is None


def test_unknown_fields_are_dropped_at_every_level(example):
    example["x_vendor"] = {"secret": "4111 1111 1111 1111"}
    example["identity"]["x_extra"] = 1
    parsed = parse_envelope(json.dumps(example))
    assert "x_vendor" not in parsed and "x_extra" not in parsed["identity"]


def test_a_newer_schema_version_is_accepted(example):
    assert parse_envelope(dict(example, schema_version=2))["schema_version"] == 2


def test_integer_latency_becomes_a_float(example):
    assert parse_envelope(dict(example, latency_ms=12))["latency_ms"] == 12.0


@pytest.mark.parametrize("time", ["2024-02-29T00:00:00Z", "2026-11-22T06:30:00+00:00",
                                  "2026-11-22T06:30:00.123456789Z", "0001-01-01T00:00:00Z"])
def test_accepted_times(example, time):
    assert parse_envelope(dict(example, time=time))["time"] == time


@pytest.mark.parametrize("region", ["eu", "us", "uk", "apac", "eu-west", "us-east-1"])
def test_accepted_regions(example, region):
    assert parse_envelope(mutated(example, "gateway.region", region))["gateway"]["region"] == region


def test_message_at_the_depth_cap_is_accepted(example):
    inner: Any = {}
    for _ in range(62):
        inner = {"a": inner}
    example["message"] = {"jsonrpc": "2.0", "params": inner}  # 64 levels
    for data in (example, json.dumps(example)):
        assert parse_envelope(data)["message"]["jsonrpc"] == "2.0"
    example["message"]["params"] = {"a": inner}  # 65 levels
    assert rejected(example).code == "too_deep"


def test_the_callers_dict_is_not_shared(example):
    parsed = parse_envelope(example)
    parsed["message"]["params"]["name"] = "changed"
    assert example["message"]["params"]["name"] == "get_patient_record"


def test_max_depth_must_be_sane(example):
    with pytest.raises(ValueError, match="max_depth"):
        parse_envelope(example, max_depth=10_000)


# -- bad fields: exact reasons ---------------------------------------------------------

REQUIRED = [
    "event_id", "time", "tenant", "gateway", "gateway.id", "gateway.region", "session_id",
    "identity", "identity.user", "identity.agent", "identity.client_id", "identity.scopes",
    "identity.auth", "identity.auth.decision", "identity.auth.policy", "server", "server.name",
    "server.version", "server.region", "server.transport", "data_subject.id", "direction",
    "method", "message", "message.jsonrpc", "trace.trace_id", "trace.span_id",
]
REGION = "a lower-case region code (e.g. eu, us, apac)"
TENANT = "a tenant id of letters, digits, '.', '_' and '-'"
WRONG = [  # (path, value, expected)
    ("schema_version", "1", "a positive integer"),
    ("schema_version", True, "a positive integer"),
    ("schema_version", 0, "a positive integer"),
    ("schema_version", 2**31, "a positive integer"),
    ("event_id", 42, "a UUID"),
    ("event_id", "not-a-uuid", "a UUID"),
    ("event_id", "0b6f3c1e7d2a4c559a512f1f0f3d9a10", "a UUID"),
    ("event_id", "{0b6f3c1e-7d2a-4c55-9a51-2f1f0f3d9a10}", "a UUID"),
    ("event_id", EXAMPLE_ID + "\n", "a UUID"),
    ("event_id", None, "a UUID"),
    ("time", 1764000000, "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22 06:30:00Z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22T06:30:00", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22T06:30:00+01:00", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22t06:30:00z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-13-01T00:00:00Z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-02-29T00:00:00Z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22T24:00:00Z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22T06:30:60Z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22T06:30:00.1234567890Z", "an RFC 3339 UTC timestamp"),
    ("time", "2026-11-22T06:30:00Z\n", "an RFC 3339 UTC timestamp"),
    ("time", "yesterday", "an RFC 3339 UTC timestamp"),
    ("tenant", "", TENANT),
    ("tenant", "../etc", TENANT),
    ("tenant", "acme/health", TENANT),
    ("tenant", ["acme"], TENANT),
    ("gateway", "gw-eu-1", "an object"),
    ("gateway", None, "an object"),
    ("gateway.id", "", "a non-empty string"),
    ("gateway.id", 1, "a non-empty string"),
    ("gateway.region", "EU", REGION),
    ("gateway.region", "e", REGION),
    ("gateway.region", "eu west", REGION),
    ("gateway.region", "eu/../x", REGION),
    ("gateway.region", "", REGION),
    ("gateway.region", None, REGION),
    ("session_id", "", "a non-empty string"),
    ("session_id", 5, "a non-empty string"),
    ("identity", [], "an object"),
    ("identity.user", 7, "a string"),
    ("identity.user", None, "a string"),
    ("identity.agent", {"name": "x"}, "a string"),
    ("identity.client_id", False, "a string"),
    ("identity.scopes", "ehr.read", "an array of strings"),
    ("identity.scopes", None, "an array of strings"),
    ("identity.auth", "allow", "an object"),
    ("identity.auth.decision", "maybe", "one of allow|deny"),
    ("identity.auth.decision", "ALLOW", "one of allow|deny"),
    ("identity.auth.decision", True, "one of allow|deny"),
    ("identity.auth.policy", None, "a string"),
    ("identity.auth.reason", 3, "a string"),
    ("server", "ehr", "an object"),
    ("server.name", "", "a non-empty string"),
    ("server.version", 1.4, "a string"),
    ("server.region", "US", REGION),
    ("server.transport", "", "a non-empty string"),
    ("data_subject", "patient-8812", "an object"),
    ("data_subject.id", 8812, "a non-empty string"),
    ("data_subject.region", "Europe", REGION),
    ("purpose", 1, "a string"),
    ("direction", "reply", "one of request|response|notification"),
    ("direction", "Request", "one of request|response|notification"),
    ("direction", None, "one of request|response|notification"),
    ("method", "", "a non-empty string"),
    ("method", ["tools/call"], "a non-empty string"),
    ("tool", 5, "a string"),
    ("latency_ms", "12", "a non-negative number"),
    ("latency_ms", -1, "a non-negative number"),
    ("latency_ms", True, "a non-negative number"),
    ("latency_ms", 10**400, "a non-negative number"),
    ("trace", "4bf92f35", "an object"),
    ("trace.trace_id", 1, "a non-empty string"),
    ("trace.span_id", None, "a non-empty string"),
    ("message", 42, "a JSON object, not a number"),
    ("message", [], "a JSON object, not an array"),
    ("message", None, "a JSON object, not null"),
    ("message", "[1, 2]", "a JSON object, not an array"),
    ("message", "\"text\"", "a JSON object, not a string"),
    ("message.jsonrpc", "1.0", "\"2.0\""),
    ("message.jsonrpc", 2.0, "\"2.0\""),
    ("message.jsonrpc", None, "\"2.0\""),
]
SCHEMA_ROWS = (
    [(path, DROP, f"missing field '{path}'") for path in REQUIRED]
    + [(path, value, f"field '{path}' must be {expected}") for path, value, expected in WRONG]
    + [("identity.scopes", ["ehr.read", 7], "field 'identity.scopes[1]' must be a string")]
)


@pytest.mark.parametrize(("path", "value", "reason"), SCHEMA_ROWS,
                         ids=[f"{p}={'missing' if v is DROP else repr(v)[:20]}"
                              for p, v, _ in SCHEMA_ROWS])
@pytest.mark.parametrize("form", ["bytes", "dict", "message-as-text"])
def test_schema_invalid_reasons(example, path, value, reason, form):
    env = mutated(example, path, value)
    if form == "bytes":
        data: Any = json.dumps(env).encode()
    elif form == "dict":
        data = env
    else:  # the message as a JSON text, the way Avro carries it
        if isinstance(env.get("message"), dict):
            env["message"] = json.dumps(env["message"])
        data = json.dumps(env)
    error = rejected(data)
    assert (error.code, error.reason) == ("schema_invalid", reason)
    assert error.event_id == (EXAMPLE_ID if path != "event_id" else None)


# (data, kwargs, code, reason, recovered event_id)
DEEP = b"[" * 100_000
RAW_ROWS = [
    (b"\xff{}", {}, "not_utf8", "not valid UTF-8 at byte 0"),
    (b'{"tenant": "ac\xc3me"}', {}, "not_utf8", "not valid UTF-8 at byte 14"),
    (b'{"a": "\xed\xa0\x80"}', {}, "not_utf8", "not valid UTF-8 at byte 7"),
    (b"", {}, "not_json", "not JSON: Expecting value at line 1 column 1"),
    (b"   ", {}, "not_json", "not JSON: Expecting value at line 1 column 4"),
    (b"{", {}, "not_json",
     "not JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    (b"{}\n{}", {}, "not_json", "not JSON: Extra data at line 2 column 1"),
    (b"hello", {}, "not_json", "not JSON: Expecting value at line 1 column 1"),
    (b'{"a": NaN}', {}, "not_json", "not JSON: NaN is not JSON"),
    (b'{"a": -Infinity}', {}, "not_json", "not JSON: -Infinity is not JSON"),
    (b'{"a": ' + b"9" * 5000 + b"}", {}, "not_json", "not JSON: integer too long"),
    (b"[]", {}, "schema_invalid", "event must be a JSON object, not an array"),
    (b'"event"', {}, "schema_invalid", "event must be a JSON object, not a string"),
    (b"null", {}, "schema_invalid", "event must be a JSON object, not null"),
    (b"3", {}, "schema_invalid", "event must be a JSON object, not a number"),
    (b"x" * 2_097_152, {}, "oversized", f"event is 2097152 bytes, {CAP}"),
    (b"{}", {"max_bytes": 1}, "oversized", "event is 2 bytes, over the 1-byte cap"),
    (DEEP, {}, "too_deep", "event nested deeper than 64 levels"),
    (b'{"a":' * 100_000, {}, "too_deep", "event nested deeper than 64 levels"),
    (b"\x00\x00\x00\x00\x01", {}, "undecodable", "not a decodable Avro raw event: "
     "Confluent-framed Avro but no schema registry is configured"),
    (b"\xc3\x01\x00", {}, "undecodable",
     "not a decodable Avro raw event: truncated single-object header"),
    (b"\xc3\x01" + bytes(8), {}, "undecodable",
     "not a decodable Avro raw event: unknown writer schema fingerprint 0000000000000000"),
]


@pytest.mark.parametrize(("data", "kwargs", "code", "reason"), RAW_ROWS,
                         ids=[f"{r[2]}-{i}" for i, r in enumerate(RAW_ROWS)])
def test_raw_input_reasons(data, kwargs, code, reason):
    error = rejected(data, **kwargs)
    assert (error.code, error.reason) == (code, reason)


def test_avro_frames_of_another_record_or_with_a_corrupt_body(example):
    frame = avro.encode("raw_event", example)
    assert rejected(frame[:-3]).reason == (
        "not a decodable Avro raw event: body is not a valid raw_event record")
    assert rejected(frame + b"\x00").reason == (
        "not a decodable Avro raw event: 1 trailing bytes after the raw_event record")
    other = avro.encode("dead_letter", {
        "dlq_id": EXAMPLE_ID, "time": example["time"], "reason_code": "not_json", "reason": "r",
        "source": {}, "size_bytes": 1, "sha256": "0" * 64})
    assert rejected(other).reason == (
        "not a decodable Avro raw event: frame holds a record of schema dead_letter, not raw_event")


def test_avro_encoded_bad_fields_are_still_validated(example):
    example["gateway"]["region"] = "EU"
    error = rejected(avro.encode("raw_event", example))
    assert (error.code, error.reason) == (
        "schema_invalid", f"field 'gateway.region' must be {REGION}")
    assert error.event_id == EXAMPLE_ID


@pytest.mark.parametrize("size", [1_048_577, 2_097_152])
def test_oversized_envelopes_keep_their_event_id(example, size):
    example["message"]["params"]["arguments"]["blob"] = ""
    base = len(json.dumps(example).encode())
    example["message"]["params"]["arguments"]["blob"] = "x" * (size - base)
    data = json.dumps(example).encode()
    assert len(data) == size
    error = rejected(data)
    assert (error.code, error.reason, error.event_id) == (
        "oversized", f"event is {size} bytes, {CAP}", EXAMPLE_ID)
    # the same envelope as a dict is measured as compact JSON
    compact = len(json.dumps(example, separators=(",", ":"), ensure_ascii=False).encode())
    if compact <= 1_048_576:
        assert parse_envelope(example)["event_id"] == EXAMPLE_ID
    else:
        error = rejected(example)
        assert (error.code, error.reason, error.event_id) == (
            "oversized", f"event is {compact} bytes, {CAP}", EXAMPLE_ID)


def test_not_json_keeps_an_event_id_it_can_find(example):
    data = json.dumps(example).encode()[:-1]
    error = rejected(data)
    assert error.code == "not_json" and error.event_id == EXAMPLE_ID


def deep(levels: int) -> Any:
    node: Any = {"jsonrpc": "2.0"}
    for _ in range(levels - 1):
        node = {"a": node}
    return node


@pytest.mark.parametrize(("levels", "form"), [(65, "dict"), (65, "bytes"), (65, "text"),
                                              (100_000, "dict"), (100_000, "text")])
def test_deep_messages(example, levels, form):
    message = deep(levels)
    if form == "dict":
        data: Any = dict(example, message=message)
    elif form == "bytes":
        data = json.dumps(dict(example, message=message)).encode()
    else:  # message as a JSON text, built without recursion
        text = '{"a":' * (levels - 1) + '{"jsonrpc":"2.0"}' + "}" * (levels - 1)
        data = json.dumps(dict(example, message=text)).encode()
    error = rejected(data)
    assert (error.code, error.reason, error.event_id) == (
        "too_deep", "message nested deeper than 64 levels", EXAMPLE_ID)


def test_max_depth_is_configurable(example):
    example["message"]["params"]["arguments"]["x"] = [[[]]]
    error = rejected(example, max_depth=4)
    assert error.reason == "message nested deeper than 4 levels"


@pytest.mark.parametrize("path", ["tenant", "identity.user", "message.params.name"])
def test_lone_surrogates_are_not_utf8(example, path):
    bad = "x\ud800y"
    if path.startswith("message."):
        example["message"]["params"]["name"] = bad
    else:
        mutated(example, path, bad)
    where = "message" if path.startswith("message.") else path
    reason = f"field '{where}' holds an unpaired surrogate, which is not valid Unicode"
    for data in (example, json.dumps(example), json.dumps(example).encode()):
        error = rejected(data)
        assert (error.code, error.reason) == ("not_utf8", reason)


def test_non_json_values_in_a_dict_message(example):
    example["message"]["params"]["x"] = {1, 2}
    error = rejected(example)
    assert error.code == "schema_invalid"
    assert error.reason.startswith("field 'message' must hold only JSON values")
    example["message"]["params"]["x"] = float("nan")
    assert rejected(example).code == "schema_invalid"


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -0.5])
def test_latency_must_be_finite_and_non_negative(example, value):
    error = rejected(dict(example, latency_ms=value))
    assert error.reason == "field 'latency_ms' must be a non-negative number"


def test_reasons_never_echo_input_values(example):
    secret = "4111 1111 1111 1111"
    for path in ("event_id", "time", "tenant", "gateway.region", "direction", "latency_ms",
                 "identity.auth.decision", "message"):
        error = rejected(mutated(copy.deepcopy(example), path, secret))
        assert secret not in str(error) and "4111" not in error.reason


# -- fuzz ------------------------------------------------------------------------------


def _outcome(data: Any) -> None:
    try:
        assert isinstance(parse_envelope(data), dict)
    except InvalidEnvelope as exc:
        assert exc.code in REASON_CODES and exc.reason


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_fuzz_arbitrary_bytes(data):
    _outcome(data)


@settings(max_examples=300)
@given(st.sampled_from([b"\xc3\x01", b"\x00", b"{", b"[", b'{"message":']), st.binary(max_size=200))
def test_fuzz_framed_prefixes(prefix, data):
    _outcome(prefix + data)


@settings(max_examples=200)
@given(st.data())
def test_fuzz_mutated_valid_envelopes(envelopes, data):
    raw = bytearray(json.dumps(data.draw(envelopes)).encode())
    for _ in range(data.draw(st.integers(1, 5))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _outcome(bytes(raw))


@settings(max_examples=200)
@given(st.data())
def test_fuzz_mutated_avro_frames(envelopes, data):
    raw = bytearray(avro.encode("raw_event", data.draw(envelopes)))
    for _ in range(data.draw(st.integers(1, 5))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _outcome(bytes(raw))


@settings(max_examples=200)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda c: st.lists(c) | st.dictionaries(st.text(), c), max_leaves=30))
def test_fuzz_arbitrary_json(value):
    _outcome(json.dumps(value))
    if isinstance(value, dict):
        _outcome(value)


# -- with a schema registry ------------------------------------------------------------


class OneSchemaRegistry:
    """Knows raw_event as id 5; anything else is unknown, or an outage when `down`."""

    def __init__(self, down: bool = False) -> None:
        self.down = down

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        return 5

    def schema(self, schema_id: int) -> dict[str, Any]:
        if self.down:
            raise RegistryError("schema registry GET /schemas/ids/5: URLError")
        if schema_id != 5:
            raise UnknownSchema(f"schema registry GET /schemas/ids/{schema_id}: HTTP 404")
        return schemas.load("raw_event")


def test_confluent_frames_with_a_registry(example):
    registry = OneSchemaRegistry()
    frame = avro.encode("raw_event", example, registry=registry)
    assert parse_envelope(frame, registry=registry) == example
    unknown = b"\x00\x00\x00\x00\x09" + frame[5:]
    error = rejected(unknown, registry=registry)
    assert (error.code, error.reason) == (
        "undecodable", "not a decodable Avro raw event: schema registry GET /schemas/ids/9: "
        "HTTP 404")
    with pytest.raises(RegistryError):  # an outage is not the input's fault: no dead letter
        parse_envelope(frame, registry=OneSchemaRegistry(down=True))
