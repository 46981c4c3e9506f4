"""Errors of the schema layer: Avro encoding/decoding and envelope validation.

Messages name the field path and what was expected, never the value found: values
may be card numbers or patient ids, and these messages end up in logs and in the
dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from streams.errors import MCPGovError

ReasonCode = Literal[
    "undecodable",  # bytes that are neither JSON nor an Avro frame we can decode
    "not_utf8",  # JSON bytes that are not valid UTF-8 (or strings with lone surrogates)
    "not_json",  # UTF-8 text that does not parse as JSON
    "schema_invalid",  # JSON that does not fit the envelope contract
    "oversized",  # over the byte cap
    "too_deep",  # nested deeper than the depth cap
    "processing_error",  # valid input on which a later stage failed
]
REASON_CODES: tuple[ReasonCode, ...] = get_args(ReasonCode)


class SchemaError(MCPGovError):
    """A record does not fit its Avro schema, or bytes are not a frame we can decode."""

    def __init__(self, reason: str, *, path: str | None = None,
                 expected: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.expected = expected


class UnknownSchema(SchemaError):
    """A schema name, fingerprint or registry id this build does not know."""


class FrameError(SchemaError):
    """Bytes that are not a well-formed Avro frame of the expected record."""


class RegistryError(SchemaError):
    """The schema registry could not be reached or answered something unusable."""


class InvalidEnvelope(MCPGovError):
    """Input that must go to the dead-letter topic: a reason code and a precise reason."""

    def __init__(self, code: ReasonCode, reason: str, event_id: str | None = None) -> None:
        if code not in REASON_CODES:
            raise ValueError(f"unknown reason code {code!r}")
        super().__init__(f"{code}: {reason}")
        self.code: ReasonCode = code
        self.reason = reason
        self.event_id = event_id


# -- value-free type checking ----------------------------------------------------------

_INT_LIMITS = {"int": 2**31, "long": 2**63}
_EXPECTED = {"null": "null", "boolean": "a boolean", "int": "a 32-bit integer",
             "long": "a 64-bit integer", "float": "a number", "double": "a number",
             "string": "a string of valid Unicode", "bytes": "bytes", "record": "a record",
             "array": "an array", "map": "a map", "enum": "an enum symbol"}


def mismatch(schema: Any, datum: Any) -> SchemaError | None:
    """Why `datum` does not fit the (expanded) Avro `schema`, without quoting any value.

    Stricter than fastavro's writer, which truncates 1.5 to 1 in an `int` field and
    writes True as 1: here those are errors.
    """
    problem = _explain(schema, datum, "")
    if problem is None:
        return None
    path, expected = problem
    if expected == "present":
        return SchemaError(f"missing field '{path}'", path=path, expected="present")
    where = f"field '{path}'" if path else "record"
    return SchemaError(f"{where} must be {expected}", path=path, expected=expected)
def _explain(schema: Any, datum: Any, path: str) -> tuple[str, str] | None:
    """(path, expected) of the first place `datum` does not fit `schema`, else None."""
    if isinstance(schema, list):  # union
        if any(_explain(branch, datum, path) is None for branch in schema):
            return None
        others = [b for b in schema if b != "null"]
        if datum is not None and len(others) == 1:
            return _explain(others[0], datum, path)
        return path, " or ".join(_EXPECTED[_kind(b)] for b in schema)
    kind = _kind(schema)
    if kind == "record":
        if not isinstance(datum, Mapping):
            return path, "a record"
        for field in schema["fields"]:
            sub = f"{path}.{field['name']}" if path else field["name"]
            if field["name"] not in datum:
                if "default" in field or (isinstance(field["type"], list)
                                          and "null" in field["type"]):
                    continue
                return sub, "present"
            problem = _explain(field["type"], datum[field["name"]], sub)
            if problem is not None:
                return problem
        return None
    if kind in ("array", "map"):
        if kind == "array" and not isinstance(datum, list | tuple):
            return path, "an array"
        if kind == "map" and not (isinstance(datum, Mapping)
                                  and all(isinstance(k, str) for k in datum)):
            return path, "a map"
        items = enumerate(datum) if kind == "array" else datum.items()
        for key, item in items:
            problem = _explain(schema[{"array": "items", "map": "values"}[kind]], item,
                               f"{path}[{key}]" if kind == "array" else f"{path}.{key}")
            if problem is not None:
                return problem
        return None
    if kind == "enum":
        ok = isinstance(datum, str) and datum in schema["symbols"]
        return None if ok else (path, "one of " + "|".join(schema["symbols"]))
    return None if _primitive_ok(kind, datum) else (path, _EXPECTED.get(kind, kind))


def _kind(schema: Any) -> str:
    return schema if isinstance(schema, str) else str(schema["type"])


def _primitive_ok(kind: str, datum: Any) -> bool:
    if kind == "null":
        return datum is None
    if kind == "boolean":
        return isinstance(datum, bool)
    if kind in _INT_LIMITS:
        limit = _INT_LIMITS[kind]
        return isinstance(datum, int) and not isinstance(datum, bool) and -limit <= datum < limit
    if kind in ("float", "double"):
        return isinstance(datum, int | float) and not isinstance(datum, bool)
    if kind == "string":
        return isinstance(datum, str) and (datum.isascii() or _utf8_ok(datum))
    if kind == "bytes":
        return isinstance(datum, bytes | bytearray)
    return False


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
