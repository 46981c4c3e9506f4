"""Avro for the contract records, framed so every reader knows which schema wrote the bytes.

Two framings, told apart by the first byte (neither can start a JSON text):

- Avro single-object encoding (default, no registry): ``C3 01``, the 8-byte
  little-endian CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical
  Form, then the Avro binary body. The fingerprint names the schema version: readers
  know the current schemas and every released one in ``schemas/history`` and resolve
  the writer's to the current one.
- Confluent wire format (when a registry is given): ``00``, the 4-byte big-endian
  registry schema id, then the body. Readers fetch the writer schema by id, so even
  an old reader can read data written with a newer schema.

Records are type-checked before writing because fastavro's writer silently truncates
1.5 to 1 or writes 2**40 into an ``int``. Errors name the field path and the expected
type, never the value.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any, Protocol, cast

import fastavro
from fastavro.read import SchemaResolutionError
from fastavro.schema import expand_schema, to_parsing_canonical_form
from fastavro.schema import fingerprint as _fingerprint_hex

import schemas
from streams.schema_errors import (
    FrameError,
    RegistryError,
    SchemaError,
    UnknownSchema,
    mismatch,
)

__all__ = [
    "CONFLUENT_MAGIC", "DEFAULT_TOPICS", "JSON_FIELDS", "SINGLE_OBJECT_MAGIC",
    "HttpSchemaRegistry", "SchemaRegistry", "avro_to_envelope", "decode", "encode",
    "envelope_to_avro", "fingerprint", "is_avro_frame", "to_avro",
]

SINGLE_OBJECT_MAGIC = b"\xc3\x01"
CONFLUENT_MAGIC = b"\x00"
# Fields that hold free-form JSON: a JSON text in Avro (and in the lake).
JSON_FIELDS = {"raw_event": "message", "governed_event": "payload", "alert": "ocsf"}
# Registry subjects are "<topic>-value" (TopicNameStrategy); governed events should
# pass their regional topic, this is only the fallback.
DEFAULT_TOPICS = {"raw_event": "mcp.events.raw", "governed_event": "mcp.events.governed",
                  "alert": "mcp.alerts", "dead_letter": "mcp.events.dlq",
                  "vault_entry": "mcp.vault"}


def fingerprint(schema: Mapping[str, Any]) -> bytes:
    """The 8-byte CRC-64-AVRO fingerprint used in single-object framing."""
    canonical = to_parsing_canonical_form(dict(schema))
    return bytes.fromhex(_fingerprint_hex(canonical, "CRC-64-AVRO"))


def is_avro_frame(data: bytes) -> bool:
    """Whether `data` starts with one of the two Avro framings (JSON never does)."""
    return data[:2] == SINGLE_OBJECT_MAGIC or data[:1] == CONFLUENT_MAGIC


def to_avro(name: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `record` with its free-form JSON field (if not yet text) as a JSON text."""
    out = dict(record)
    field = JSON_FIELDS.get(name)
    if field is not None and field in out and not isinstance(out[field], str):
        try:
            out[field] = json.dumps(out[field], ensure_ascii=False, allow_nan=False,
                                    separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            raise SchemaError(f"field '{field}' must hold only JSON values",
                              path=field, expected="JSON") from None
    return out


def envelope_to_avro(envelope: Mapping[str, Any]) -> dict[str, Any]:
    """The raw-event record for a JSON envelope (`message` becomes a JSON text)."""
    return to_avro("raw_event", envelope)


def avro_to_envelope(record: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON envelope for a raw-event record (`message` parsed back to an object)."""
    out = dict(record)
    try:
        out["message"] = json.loads(out["message"])
    except (KeyError, TypeError, ValueError, RecursionError):
        raise SchemaError("field 'message' must be a JSON text",
                          path="message", expected="JSON text") from None
    return out


def encode(name: str, record: Mapping[str, Any], *, registry: SchemaRegistry | None = None,
           topic: str | None = None) -> bytes:
    """Avro bytes for `record`: single-object framed, or Confluent framed with a registry."""
    parsed = _parsed(name)
    datum = to_avro(name, record)
    problem = mismatch(_expanded(name), datum)
    if problem is not None:
        raise problem
    buf = io.BytesIO()
    try:
        fastavro.schemaless_writer(buf, parsed, datum)
    except Exception:  # noqa: BLE001 - fastavro's messages quote values; ours must not
        raise SchemaError(f"record does not fit the {name} schema") from None
    if registry is None:
        return SINGLE_OBJECT_MAGIC + _own_fingerprint(name) + buf.getvalue()
    schema_id = registry.register(f"{topic or DEFAULT_TOPICS[name]}-value", _source(name))
    if not 0 <= schema_id < 2**32:
        raise RegistryError(f"schema registry returned an id out of range for {name}")
    return CONFLUENT_MAGIC + schema_id.to_bytes(4, "big") + buf.getvalue()


def decode(name: str, data: bytes, *, registry: SchemaRegistry | None = None) -> dict[str, Any]:
    """The record in `data` (either framing), resolved to the current schema `name`."""
    reader = _parsed(name)
    data = bytes(data)
    if data[:2] == SINGLE_OBJECT_MAGIC:
        if len(data) < 10:
            raise FrameError("truncated single-object header")
        known = _writers().get(data[2:10])
        if known is None:
            raise UnknownSchema(f"unknown writer schema fingerprint {data[2:10].hex()}")
        if known[0] != name:
            raise FrameError(f"frame holds a record of schema {known[0]}, not {name}")
        writer, start = known[1], 10
    elif data[:1] == CONFLUENT_MAGIC:
        if registry is None:
            raise FrameError("Confluent-framed Avro but no schema registry is configured")
        if len(data) < 5:
            raise FrameError("truncated Confluent header")
        text = json.dumps(registry.schema(int.from_bytes(data[1:5], "big")), sort_keys=True)
        writer, start = _parse_text(text), 5
    else:
        raise FrameError("not an Avro frame: no single-object or Confluent magic")
    buf = io.BytesIO(data)
    buf.seek(start)
    try:
        record = fastavro.schemaless_reader(buf, writer, None if writer is reader else reader)
    except SchemaResolutionError:
        raise FrameError(f"writer schema does not resolve to the current {name} schema") from None
    except Exception:  # noqa: BLE001 - corrupt bodies raise anything from EOFError to IndexError
        raise FrameError(f"body is not a valid {name} record") from None
    if buf.tell() != len(data):
        raise FrameError(f"{len(data) - buf.tell()} trailing bytes after the {name} record")
    if not isinstance(record, dict):
        raise FrameError(f"body is not a valid {name} record")
    return record


# -- schema caches ---------------------------------------------------------------------


@cache
def _source(name: str) -> dict[str, Any]:
    try:
        return schemas.load(name)
    except KeyError:
        raise UnknownSchema(f"unknown schema {name!r}; known: {', '.join(schemas.NAMES)}") from None


@cache
def _parsed(name: str) -> dict[str, Any]:
    return _parse(_source(name))


@cache
def _expanded(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], expand_schema(_source(name)))


def _parse(schema: dict[str, Any]) -> dict[str, Any]:
    return cast(dict[str, Any], fastavro.parse_schema(schema))


@cache
def _own_fingerprint(name: str) -> bytes:
    return fingerprint(_source(name))


@cache
def _writers() -> dict[bytes, tuple[str, dict[str, Any]]]:
    """Fingerprint -> (name, parsed schema) for every schema this build can read."""
    known: dict[bytes, tuple[str, dict[str, Any]]] = {}
    for name in schemas.NAMES:
        for old in schemas.history(name).values():
            known[fingerprint(old)] = (name, _parse(old))
        known[_own_fingerprint(name)] = (name, _parsed(name))
    return known


@lru_cache(maxsize=256)
def _parse_text(text: str) -> dict[str, Any]:
    try:
        return _parse(json.loads(text))
    except Exception:  # noqa: BLE001 - fastavro raises several types for a bad schema
        raise RegistryError("schema registry returned an unusable schema") from None


# -- schema registry -------------------------------------------------------------------


class SchemaRegistry(Protocol):
    """What `encode`/`decode` need from a Confluent-compatible schema registry."""

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        """The id of `schema` under `subject`, registering it if new."""
        ...

    def schema(self, schema_id: int) -> dict[str, Any]:
        """The Avro schema with id `schema_id`.

        Raises `UnknownSchema` for an id the registry lacks (the input's fault: it goes
        to the dead-letter topic) and `RegistryError` when it cannot answer (an outage:
        the caller retries; the input is not to blame).
        """
        ...


class HttpSchemaRegistry:
    """A Confluent Schema Registry over plain HTTP(S) with urllib; ids and schemas cached.

    Register is idempotent in the registry, and ids never change, so caching both ways
    for the life of the process is safe. Messages name the operation, never the URL
    (it may embed credentials).
    """

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise RegistryError("schema registry URL must start with http:// or https://")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._ids: dict[tuple[str, str], int] = {}
        self._schemas: dict[int, dict[str, Any]] = {}

    def register(self, subject: str, schema: dict[str, Any]) -> int:
        text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
        if (subject, text) not in self._ids:
            path = f"/subjects/{urllib.parse.quote(subject, safe='')}/versions"
            schema_id = self._call(path, {"schema": text}).get("id")
            if not isinstance(schema_id, int) or isinstance(schema_id, bool):
                raise RegistryError(f"schema registry gave no id for subject {subject}")
            self._ids[(subject, text)] = schema_id
            self._schemas.setdefault(schema_id, json.loads(text))
        return self._ids[(subject, text)]

    def schema(self, schema_id: int) -> dict[str, Any]:
        if schema_id not in self._schemas:
            answer = self._call(f"/schemas/ids/{int(schema_id)}", None)
            if answer.get("schemaType", "AVRO") != "AVRO" or not isinstance(answer.get("schema"),
                                                                             str):
                raise RegistryError(f"schema registry id {schema_id} is not an Avro schema")
            try:
                schema = json.loads(answer["schema"])
            except ValueError:
                raise RegistryError(f"schema registry id {schema_id} is not JSON") from None
            if not isinstance(schema, dict):
                raise RegistryError(f"schema registry id {schema_id} is not a record schema")
            self._schemas[schema_id] = schema
        return self._schemas[schema_id]

    def _call(self, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        method = "GET" if body is None else "POST"
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url + path, method=method,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/vnd.schemaregistry.v1+json",
                     "Accept": "application/vnd.schemaregistry.v1+json, application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            kind = UnknownSchema if exc.code == 404 else RegistryError
            raise kind(f"schema registry {method} {path}: HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise RegistryError(f"schema registry {method} {path}: {type(exc).__name__}") from None
        if not isinstance(answer, dict):
            raise RegistryError(f"schema registry {method} {path}: answer is not an object")
        return answer
