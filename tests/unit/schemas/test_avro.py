"""streams.avro: JSON <-> Avro round trips, both framings, the registry, value-free errors."""

from __future__ import annotations

import io
import json
import urllib.error
from typing import Any

import fastavro
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schemas
from streams import avro
from streams.schema_errors import FrameError, RegistryError, SchemaError, UnknownSchema


class FakeRegistry:
    """In-process stand-in for a Confluent Schema Registry (the SchemaRegistry Protocol)."""

    def __init__(self, first_id: int = 100_001) -> None:
        self.next_id = first_id
        self.ids: dict[str, int] = {}
        self.by_id: dict[int, dict[str, Any]] = {}
        self.subjects: dict[str, list[int]] = {}

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        text = json.dumps(schema, sort_keys=True)
        if text not in self.ids:
            self.ids[text], self.next_id = self.next_id, self.next_id + 1
            self.by_id[self.ids[text]] = json.loads(text)
        self.subjects.setdefault(subject, [])
        if self.ids[text] not in self.subjects[subject]:
            self.subjects[subject].append(self.ids[text])
        return self.ids[text]

    def schema(self, schema_id: int) -> dict[str, Any]:
        if schema_id not in self.by_id:
            raise UnknownSchema(f"no schema id {schema_id}")
        return self.by_id[schema_id]


# -- round trips -----------------------------------------------------------------------


@settings(max_examples=150)
@given(st.data())
def test_envelope_json_avro_round_trip(envelopes, data):
    env = data.draw(envelopes)
    record = avro.envelope_to_avro(env)
    assert isinstance(record["message"], str)
    assert avro.avro_to_envelope(record) == env
    frame = avro.encode("raw_event", record)
    assert frame == avro.encode("raw_event", env)  # encode converts the message itself
    assert avro.avro_to_envelope(avro.decode("raw_event", frame)) == env
    assert json.loads(json.dumps(env)) == env  # and the JSON form is plain JSON


@pytest.mark.parametrize("name", schemas.NAMES)
@settings(max_examples=100)
@given(data=st.data())
def test_every_schema_round_trips_any_record(records, name, data):
    record = data.draw(records(name))
    assert avro.decode(name, avro.encode(name, record)) == record
    registry = FakeRegistry()
    assert avro.decode(name, avro.encode(name, record, registry=registry),
                       registry=registry) == record


@settings(max_examples=50)
@given(data=st.data())
def test_governed_and_alert_json_fields_accept_objects(records, data):
    for name, field in (("governed_event", "payload"), ("alert", "ocsf")):
        record = data.draw(records(name))
        as_object = dict(record, **{field: json.loads(record[field])})
        decoded = avro.decode(name, avro.encode(name, as_object))
        assert json.loads(decoded.pop(field)) == as_object.pop(field)
        assert decoded == as_object


# -- framing ---------------------------------------------------------------------------


def test_single_object_frame_layout(example):
    frame = avro.encode("raw_event", example)
    assert frame[:2] == b"\xc3\x01"
    assert frame[2:10] == avro.fingerprint(schemas.load("raw_event"))
    body = io.BytesIO(frame[10:])
    plain = fastavro.schemaless_reader(body, fastavro.parse_schema(schemas.load("raw_event")))
    assert plain == avro.envelope_to_avro(example)


def test_fingerprint_is_the_spec_crc64_avro():
    # CRC-64-AVRO from the Avro spec, computed here independently of fastavro.
    empty = 0xC15D213AA4D7A795
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (empty & -(fp & 1))
        table.append(fp)
    canonical = fastavro.schema.to_parsing_canonical_form(schemas.load("alert")).encode()
    fp = empty
    for byte in canonical:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    assert avro.fingerprint(schemas.load("alert")) == fp.to_bytes(8, "little")


def test_confluent_frame_layout_and_subjects(example):
    registry = FakeRegistry()
    frame = avro.encode("raw_event", example, registry=registry)
    assert frame[0] == 0 and int.from_bytes(frame[1:5], "big") == 100_001
    assert registry.subjects == {"mcp.events.raw-value": [100_001]}
    avro.encode("raw_event", example, registry=registry, topic="gw.raw")
    assert registry.subjects["gw.raw-value"] == [100_001]
    assert avro.avro_to_envelope(avro.decode("raw_event", frame, registry=registry)) == example


def test_decode_tells_framings_apart_by_the_first_byte(example):
    registry = FakeRegistry()
    single = avro.encode("raw_event", example)
    confluent = avro.encode("raw_event", example, registry=registry)
    assert avro.is_avro_frame(single) and avro.is_avro_frame(confluent)
    assert not avro.is_avro_frame(json.dumps(example).encode())
    for frame in (single, confluent):
        assert avro.decode("raw_event", frame, registry=registry) == avro.envelope_to_avro(example)


def test_confluent_writer_schema_comes_from_the_registry(example):
    """A reader resolves whatever (compatible) schema the id names, even one it never saw."""
    registry = FakeRegistry()
    old = schemas.load("raw_event")
    old["fields"] = [f for f in old["fields"] if f["name"] not in ("trace", "latency_ms")]
    old_id = registry.register("mcp.events.raw-value", old)
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(old), avro.envelope_to_avro(example))
    frame = b"\x00" + old_id.to_bytes(4, "big") + body.getvalue()
    decoded = avro.decode("raw_event", frame, registry=registry)
    assert decoded["trace"] is None and decoded["latency_ms"] is None  # the new defaults
    assert decoded["tenant"] == example["tenant"]


@pytest.mark.parametrize(("data", "error", "reason"), [
    (b"", FrameError, "not an Avro frame: no single-object or Confluent magic"),
    (b"{}", FrameError, "not an Avro frame: no single-object or Confluent magic"),
    (b"\xc3\x01\x01", FrameError, "truncated single-object header"),
    (b"\xc3\x01" + b"\xff" * 8, UnknownSchema,
     "unknown writer schema fingerprint ffffffffffffffff"),
    (b"\x00\x00\x00", FrameError, "truncated Confluent header"),
    (b"\x00\x00\x00\x00\x07", UnknownSchema, "no schema id 7"),
])
def test_bad_frames(data, error, reason):
    with pytest.raises(error) as info:
        avro.decode("raw_event", data, registry=FakeRegistry())
    assert info.value.reason == reason


def test_confluent_frames_need_a_registry(example):
    frame = avro.encode("raw_event", example, registry=FakeRegistry())
    with pytest.raises(FrameError, match="no schema registry is configured"):
        avro.decode("raw_event", frame)


def test_a_frame_of_another_schema_is_refused():
    frame = avro.encode("alert", {
        "alert_id": "a", "time": "t", "severity": "low", "rule_id": "r", "title": "t",
        "description": "d", "tenant": "t", "event_ids": [], "ocsf": "{}"})
    with pytest.raises(FrameError, match="frame holds a record of schema alert, not raw_event"):
        avro.decode("raw_event", frame)
    with pytest.raises(FrameError, match="does not resolve to the current raw_event schema"):
        registry = FakeRegistry()
        avro.decode("raw_event", avro.encode("alert", {
            "alert_id": "a", "time": "t", "severity": "low", "rule_id": "r", "title": "t",
            "description": "d", "tenant": "t", "event_ids": [], "ocsf": "{}"},
            registry=registry), registry=registry)


def test_corrupt_and_trailing_bodies(example):
    frame = avro.encode("raw_event", example)
    with pytest.raises(FrameError, match="body is not a valid raw_event record"):
        avro.decode("raw_event", frame[:-5])
    with pytest.raises(FrameError, match="2 trailing bytes after the raw_event record"):
        avro.decode("raw_event", frame + b"\x00\x00")


def test_registry_ids_must_fit_four_bytes(example):
    class Huge(FakeRegistry):
        def register(self, subject: str, schema: dict[str, Any]) -> int:
            return 2**32

    with pytest.raises(RegistryError, match="out of range"):
        avro.encode("raw_event", example, registry=Huge())


def test_unknown_schema_name(example):
    with pytest.raises(UnknownSchema, match="unknown schema 'raw'"):
        avro.encode("raw", example)


# -- value-free errors -----------------------------------------------------------------

SECRET = "4111111111111111"


@pytest.mark.parametrize(("path", "value", "reason"), [
    ("tenant", None, "field 'tenant' must be a string of valid Unicode"),
    ("tenant", 4111111111111111, "field 'tenant' must be a string of valid Unicode"),
    ("tenant", "x\ud800" + SECRET, "field 'tenant' must be a string of valid Unicode"),
    ("schema_version", 2**31 + 4111, "field 'schema_version' must be a 32-bit integer"),
    ("schema_version", True, "field 'schema_version' must be a 32-bit integer"),
    ("schema_version", 1.5, "field 'schema_version' must be a 32-bit integer"),
    ("latency_ms", SECRET, "field 'latency_ms' must be a number"),
    ("latency_ms", [SECRET], "field 'latency_ms' must be a number"),
    ("identity.scopes", SECRET, "field 'identity.scopes' must be an array"),
    ("identity.scopes", ["ok", {SECRET: 1}], "field 'identity.scopes[1]' must be a string of "
                                             "valid Unicode"),
    ("identity.auth.reason", 4111,
     "field 'identity.auth.reason' must be a string of valid Unicode"),
    ("data_subject", SECRET, "field 'data_subject' must be a record"),
    ("data_subject.id", None, "field 'data_subject.id' must be a string of valid Unicode"),
    ("gateway", [SECRET], "field 'gateway' must be a record"),
    ("message", {"jsonrpc": "2.0", "x": float("nan"), "card": SECRET},
     "field 'message' must hold only JSON values"),
])
def test_encode_errors_name_the_path_and_type_never_the_value(example, path, value, reason):
    *parents, last = path.split(".")
    node = example
    for part in parents:
        node = node[part]
    node[last] = value
    with pytest.raises(SchemaError) as info:
        avro.encode("raw_event", example)
    assert info.value.reason == reason
    assert info.value.path == reason.split("'")[1]
    assert SECRET not in str(info.value) and "4111" not in str(info.value)


def test_missing_fields_and_defaults(example):
    del example["tenant"]
    with pytest.raises(SchemaError, match="^missing field 'tenant'$"):
        avro.encode("raw_event", example)
    example["tenant"] = "t"
    del example["trace"], example["schema_version"]  # nullable / defaulted: may be absent
    record = avro.decode("raw_event", avro.encode("raw_event", example))
    assert record["trace"] is None and record["schema_version"] == 1


def test_avro_to_envelope_needs_a_json_message():
    with pytest.raises(SchemaError, match="field 'message' must be a JSON text"):
        avro.avro_to_envelope({"message": "{" + SECRET})


# -- the HTTP registry client ----------------------------------------------------------


class FakeHTTP:
    """Stands in for urllib.request.urlopen: records requests, answers from a script."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.requests: list[Any] = []

    def __call__(self, request: Any, timeout: float) -> Any:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(json.dumps(answer).encode())


@pytest.fixture()
def http(monkeypatch):
    def install(answers: list[Any]) -> FakeHTTP:
        fake = FakeHTTP(answers)
        monkeypatch.setattr(avro.urllib.request, "urlopen", fake)
        return fake

    return install


def test_http_registry_registers_once_and_caches(http, example):
    fake = http([{"id": 42}])
    registry = avro.HttpSchemaRegistry("http://user:pw@registry.test:8081/")
    frame = avro.encode("raw_event", example, registry=registry)
    avro.encode("raw_event", example, registry=registry)
    assert frame[:5] == b"\x00\x00\x00\x00\x2a"
    [request] = fake.requests
    assert request.get_method() == "POST"
    assert request.full_url == "http://user:pw@registry.test:8081/subjects/mcp.events.raw-value/versions"
    assert request.get_header("Content-type") == "application/vnd.schemaregistry.v1+json"
    sent = json.loads(json.loads(request.data)["schema"])
    assert sent == schemas.load("raw_event")
    assert avro.decode("raw_event", frame, registry=registry) == avro.envelope_to_avro(example)
    assert len(fake.requests) == 1  # the id's schema was cached when registering


def test_http_registry_fetches_schemas_by_id(http, example):
    fake = http([{"schema": json.dumps(schemas.load("raw_event"))}])
    frame = avro.encode("raw_event", example, registry=FakeRegistry(first_id=7))
    registry = avro.HttpSchemaRegistry("https://registry.test")
    assert avro.decode("raw_event", frame, registry=registry) == avro.envelope_to_avro(example)
    assert avro.decode("raw_event", frame, registry=registry)  # cached: one request
    assert [r.full_url for r in fake.requests] == ["https://registry.test/schemas/ids/7"]
    assert fake.requests[0].get_method() == "GET"


@pytest.mark.parametrize(("answer", "error", "reason"), [
    (urllib.error.HTTPError("u", 404, "nf", {}, None), UnknownSchema,  # type: ignore[arg-type]
     "schema registry GET /schemas/ids/9: HTTP 404"),
    (urllib.error.HTTPError("u", 503, "down", {}, None), RegistryError,  # type: ignore[arg-type]
     "schema registry GET /schemas/ids/9: HTTP 503"),
    (urllib.error.URLError("refused"), RegistryError,
     "schema registry GET /schemas/ids/9: URLError"),
    (TimeoutError(), RegistryError, "schema registry GET /schemas/ids/9: TimeoutError"),
    ({"schema": "{", "x": 1}, RegistryError, "schema registry id 9 is not JSON"),
    ({"schemaType": "PROTOBUF", "schema": "x"}, RegistryError,
     "schema registry id 9 is not an Avro schema"),
    (["not", "an", "object"], RegistryError,
     "schema registry GET /schemas/ids/9: answer is not an object"),
])
def test_http_registry_failures_never_name_the_url(http, answer, error, reason):
    http([answer])
    registry = avro.HttpSchemaRegistry("http://user:secret@registry.test")
    with pytest.raises(error) as info:
        registry.schema(9)
    assert info.value.reason == reason and "secret" not in str(info.value)
    assert type(info.value) is error


def test_http_registry_needs_an_http_url():
    with pytest.raises(RegistryError, match="must start with http"):
        avro.HttpSchemaRegistry("file:///etc/passwd")


def test_http_registry_without_an_id(http, example):
    http([{"version": 1}])
    with pytest.raises(RegistryError, match="gave no id for subject mcp.events.raw-value"):
        avro.encode("raw_event", example, registry=avro.HttpSchemaRegistry("http://r.test"))
