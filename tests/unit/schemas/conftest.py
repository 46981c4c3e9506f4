"""Shared data for the schema tests: the contract's example envelope and hypothesis strategies.

Strategies are served by session-scoped fixtures (drawn with `st.data()`), because test
modules here cannot import each other under pytest's importlib mode.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastavro.schema import expand_schema
from hypothesis import strategies as st

import schemas
from streams.avro import JSON_FIELDS

# CONTRACT.md section 1, verbatim.
EXAMPLE: dict[str, Any] = {
    "schema_version": 1,
    "event_id": "0b6f3c1e-7d2a-4c55-9a51-2f1f0f3d9a10",
    "time": "2026-11-22T06:30:00.123456Z",
    "tenant": "acme-health",
    "gateway": {"id": "gw-eu-1", "region": "eu"},
    "session_id": "sess-5f2c",
    "identity": {
        "user": "dr.jones@clinic.example",
        "agent": "chart-summarizer",
        "client_id": "desktop-client",
        "scopes": ["ehr.read"],
        "auth": {"decision": "allow", "policy": "ehr-readers", "reason": None},
    },
    "server": {"name": "ehr", "version": "1.4.2", "region": "us", "transport": "stdio"},
    "data_subject": {"id": "patient-8812", "region": "eu"},
    "purpose": "treatment",
    "direction": "request",
    "method": "tools/call",
    "tool": "get_patient_record",
    "message": {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": {"name": "get_patient_record", "arguments": {"patient_id": "8812"}}},
    "latency_ms": None,
    "trace": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"},
}


@pytest.fixture()
def example() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


# -- JSON values -------------------------------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=25,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


def _nullable(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


_times = st.builds(
    lambda dt, digits, zone: f"{dt:%Y}".zfill(4) + f"-{dt:%m-%dT%H:%M:%S}"
    + (("." + f"{dt.microsecond:06d}{dt.microsecond % 1000:03d}"[:digits]) if digits else "")
    + zone,
    st.datetimes(),
    st.integers(0, 9),
    st.sampled_from(["Z", "+00:00"]),
)
_regions = st.from_regex(r"[a-z][a-z0-9]{1,15}(-[a-z0-9]{1,15}){0,2}", fullmatch=True)
_text = st.text(max_size=30)
_nonempty = st.text(min_size=1, max_size=30)
_messages = st.builds(lambda extra: {**extra, "jsonrpc": "2.0"}, json_objects)

envelope_strategy = st.fixed_dictionaries({
    "schema_version": st.integers(1, 2**31 - 1),
    "event_id": st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper()),
    "time": _times,
    "tenant": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True),
    "gateway": st.fixed_dictionaries({"id": _nonempty, "region": _regions}),
    "session_id": _nonempty,
    "identity": st.fixed_dictionaries({
        "user": _text, "agent": _text, "client_id": _text,
        "scopes": st.lists(_text, max_size=3),
        "auth": st.fixed_dictionaries({"decision": st.sampled_from(["allow", "deny"]),
                                       "policy": _text, "reason": _nullable(_text)}),
    }),
    "server": st.fixed_dictionaries({"name": _nonempty, "version": _text, "region": _regions,
                                     "transport": _nonempty}),
    "data_subject": _nullable(st.fixed_dictionaries({"id": _nonempty,
                                                     "region": _nullable(_regions)})),
    "purpose": _nullable(_text),
    "direction": st.sampled_from(["request", "response", "notification"]),
    "method": _nonempty,
    "tool": _nullable(_text),
    "message": _messages,
    "latency_ms": _nullable(st.floats(min_value=0, allow_nan=False, allow_infinity=False)),
    "trace": _nullable(st.fixed_dictionaries({"trace_id": _nonempty, "span_id": _nonempty})),
})


@pytest.fixture(scope="session")
def envelopes() -> st.SearchStrategy[dict[str, Any]]:
    """Valid envelopes: arbitrary Unicode, nested JSON messages, nulls."""
    return envelope_strategy


# -- any record of an Avro schema ------------------------------------------------------

_PRIMITIVES: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "int": st.integers(-(2**31), 2**31 - 1),
    "long": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(allow_nan=False, width=32),
    "double": st.floats(allow_nan=False),
    "string": st.text(max_size=20),
    "bytes": st.binary(max_size=20),
}


def from_avro_schema(schema: Any, json_field: str | None = None) -> st.SearchStrategy[Any]:
    """Records of an (expanded) Avro schema; `json_field` holds a JSON text of an object."""
    if isinstance(schema, list):
        return st.one_of([from_avro_schema(branch) for branch in schema])
    kind = schema if isinstance(schema, str) else schema["type"]
    if kind in _PRIMITIVES:
        return _PRIMITIVES[kind]
    if kind == "record":
        return st.fixed_dictionaries({
            f["name"]: (json_objects.map(json.dumps) if f["name"] == json_field
                        else from_avro_schema(f["type"]))
            for f in schema["fields"]})
    if kind == "array":
        return st.lists(from_avro_schema(schema["items"]), max_size=3)
    if kind == "map":
        return st.dictionaries(st.text(max_size=5), from_avro_schema(schema["values"]),
                               max_size=3)
    if kind == "enum":
        return st.sampled_from(schema["symbols"])
    raise AssertionError(f"no strategy for {kind}")


@pytest.fixture(scope="session")
def records() -> Callable[..., st.SearchStrategy[dict[str, Any]]]:
    """records(name, schema=None): records of a schema (the current one by default)."""

    def make(name: str, schema: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
        return from_avro_schema(expand_schema(schema or schemas.load(name)),
                                JSON_FIELDS.get(name))

    return make
