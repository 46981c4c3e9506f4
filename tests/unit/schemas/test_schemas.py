"""The .avsc files: loader, documentation, the contract's names, and the evolution rule.

Run as a script (`python tests/unit/schemas/test_schemas.py`) to regenerate the field
reference in docs/schemas.md from the schemas.
"""

from __future__ import annotations

import io
import json
import pathlib
from typing import Any

import fastavro
import pytest
from fastavro.schema import expand_schema
from hypothesis import given, settings
from hypothesis import strategies as st

import schemas
from streams import avro

DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "schemas.md"
BEGIN, END = "<!-- field-reference:begin -->", "<!-- field-reference:end -->"
# Released schemas are frozen: their fingerprints are what single-object frames carry.
RELEASED = {
    ("raw_event", 1): "715ed41deecc9b89",
    ("governed_event", 1): "fa5aa2d3f7fa231e",
    ("alert", 1): "77ad7ebb3fcaf8bf",
    ("dead_letter", 1): "1f30c4033dd4c439",
    ("vault_entry", 1): "00ac225044580354",
}
# (name, released version) -> why data written with the current schema may not be
# readable by that release. Empty: every change so far is fully compatible.
FORWARD_EXCEPTIONS: dict[tuple[str, int], str] = {}


# -- loader ----------------------------------------------------------------------------


def test_loader_names_and_fresh_copies():
    assert schemas.NAMES == ("raw_event", "governed_event", "alert", "dead_letter",
                             "vault_entry")
    first = schemas.load("raw_event")
    first["name"] = "changed"
    assert schemas.load("raw_event")["name"] == "RawEvent"
    assert (schemas.folder() / "raw_event.avsc").is_file()


@pytest.mark.parametrize("name", ["../pyproject", "raw_event.avsc", "history/raw_event.v1", ""])
def test_loader_refuses_unknown_names(name):
    with pytest.raises(KeyError, match="unknown schema"):
        schemas.load(name)
    with pytest.raises(KeyError):
        schemas.history(name)


def test_history_lists_released_versions():
    for name in schemas.NAMES:
        assert list(schemas.history(name)) == [1]


# -- documentation and contract names ----------------------------------------------------


def _fields(schema: Any, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(dotted path, field) for every field of every record, nested ones included."""
    out = []
    for field in schema["fields"]:
        path = prefix + field["name"]
        out.append((path, field))
        for branch in field["type"] if isinstance(field["type"], list) else [field["type"]]:
            if isinstance(branch, dict) and branch["type"] == "record":
                out += _fields(branch, path + ".")
            if isinstance(branch, dict) and branch["type"] == "array" and isinstance(
                    branch["items"], dict):
                out += _fields(branch["items"], path + "[].")
    return out


@pytest.mark.parametrize("name", schemas.NAMES)
def test_every_record_and_field_is_documented(name):
    assert schemas.load(name)["namespace"] == "dev.mcpgov.v1"
    schema = expand_schema(schemas.load(name))
    assert schema["doc"]
    for path, field in _fields(schema):
        assert len(field.get("doc", "")) > 10, f"{name}.{path} has no doc"
        for branch in field["type"] if isinstance(field["type"], list) else [field["type"]]:
            if isinstance(branch, dict) and branch["type"] == "record":
                assert branch.get("doc"), f"record of {name}.{path} has no doc"


@pytest.mark.parametrize("name", schemas.NAMES)
def test_schema_version_comes_first_with_default_1(name):
    first = schemas.load(name)["fields"][0]
    assert (first["name"], first["type"], first["default"]) == ("schema_version", "int", 1)


def test_raw_event_has_exactly_the_contracts_field_names(example):
    def names(value: Any, prefix: str = "") -> set[str]:
        out = set()
        for key, inner in value.items():
            out.add(prefix + key)
            if isinstance(inner, dict) and key != "message":
                out |= names(inner, f"{prefix}{key}.")
        return out

    assert {path for path, _ in _fields(expand_schema(schemas.load("raw_event")))} == names(
        example)


@pytest.mark.parametrize(("name", "nullable"), [
    ("raw_event", {"data_subject", "data_subject.region", "purpose", "tool", "latency_ms",
                   "trace", "identity.auth.reason"}),
    ("governed_event", {"data_subject", "data_subject.region", "purpose", "tool", "latency_ms",
                        "trace", "identity.auth.reason", "findings[].start", "findings[].end",
                        "residency.subject_region", "residency.server_region",
                        "residency.gateway_region", "residency.transfer",
                        "residency.transfer.basis", "key_id", "policy"}),
    ("alert", {"session_id", "agent", "user", "runbook"}),
    ("dead_letter", {"source.topic", "source.partition", "source.offset", "source.line",
                     "excerpt", "event_id"}),
])
def test_nullable_fields_are_unions_with_null_first_and_default_null(name, nullable):
    found = set()
    for path, field in _fields(expand_schema(schemas.load(name))):
        if isinstance(field["type"], list):
            assert field["type"][0] == "null" and field["default"] is None, path
            found.add(path)
    assert found == nullable


def test_docs_field_reference_is_up_to_date():
    text = DOC.read_text(encoding="utf-8")
    current = text[text.index(BEGIN) + len(BEGIN): text.index(END)]
    assert current.strip() == reference().strip(), (
        "docs/schemas.md is stale: run python tests/unit/schemas/test_schemas.py")


# -- evolution -------------------------------------------------------------------------


def can_read(writer: dict[str, Any], reader: dict[str, Any],
             records: list[dict[str, Any]]) -> bool:
    """Whether `reader` reads every record written with `writer` (Avro schema resolution)."""
    parsed_writer, parsed_reader = fastavro.parse_schema(writer), fastavro.parse_schema(reader)
    for record in records:
        body = io.BytesIO()
        fastavro.schemaless_writer(body, parsed_writer, record)
        body.seek(0)
        try:
            fastavro.schemaless_reader(body, parsed_writer, parsed_reader)
        except Exception:  # SchemaResolutionError, or a union branch the reader lacks
            return False
    return True


@pytest.mark.parametrize(("name", "version"), sorted(RELEASED))
def test_released_schemas_are_frozen(name, version):
    assert avro.fingerprint(schemas.history(name)[version]).hex() == RELEASED[(name, version)]
    assert schemas.history(name)[version]["fields"][0]["default"] == version


def test_every_released_schema_is_pinned():
    assert {(n, v) for n in schemas.NAMES for v in schemas.history(n)} == set(RELEASED)


@pytest.mark.parametrize(("name", "version"), sorted(RELEASED))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_current_reads_every_release(records, name, version, data):
    """Backward, transitive: mandatory. Old frames on topics and in replays stay readable."""
    old = schemas.history(name)[version]
    written = data.draw(st.lists(records(name, old), min_size=1, max_size=3))
    assert can_read(old, schemas.load(name), written)
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(old), written[0])
    frame = avro.SINGLE_OBJECT_MAGIC + avro.fingerprint(old) + body.getvalue()
    decoded = avro.decode(name, frame)  # the single-object reader knows every release
    assert {k: v for k, v in decoded.items() if k in written[0]} == written[0]


@pytest.mark.parametrize(("name", "version"), sorted(RELEASED))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_release_reads_current(records, name, version, data):
    """Forward: required unless listed in FORWARD_EXCEPTIONS with a reason."""
    written = data.draw(st.lists(records(name), min_size=1, max_size=3))
    readable = can_read(schemas.load(name), schemas.history(name)[version], written)
    assert readable or (name, version) in FORWARD_EXCEPTIONS


def _variant(change: str) -> dict[str, Any]:
    """The released raw_event schema with one change, to prove the checks catch breaks."""
    schema = schemas.history("raw_event")[1]
    fields = schema["fields"]
    at = {f["name"]: i for i, f in enumerate(fields)}
    if change == "add-without-default":
        fields.append({"name": "region_hint", "type": "string"})
    elif change == "add-with-default":
        fields.append({"name": "region_hint", "type": ["null", "string"], "default": None})
    elif change == "remove-required":
        del fields[at["tenant"]]
    elif change == "remove-defaulted":
        del fields[at["purpose"]]
    elif change == "rename-without-alias":
        fields[at["tenant"]]["name"] = "tenant_id"
    elif change == "rename-with-alias":
        fields[at["tenant"]].update(name="tenant_id", aliases=["tenant"])
    elif change == "narrow-double-to-float":
        fields[at["latency_ms"]]["type"] = ["null", "float"]
    elif change == "widen-int-to-long":
        fields[at["schema_version"]]["type"] = "long"
    elif change == "drop-null-from-union":
        fields[at["purpose"]] = {"name": "purpose", "type": "string", "doc": "x"}
    return schema


@pytest.mark.parametrize(("change", "backward", "forward"), [
    ("add-without-default", False, True),
    ("add-with-default", True, True),
    ("remove-required", True, False),
    ("remove-defaulted", True, True),
    ("rename-without-alias", False, False),
    ("rename-with-alias", True, False),
    ("narrow-double-to-float", False, True),
    ("widen-int-to-long", True, False),
    ("drop-null-from-union", False, True),
])
def test_the_checks_catch_incompatible_changes(example, change, backward, forward):
    old, new = schemas.history("raw_event")[1], _variant(change)
    old_records = [avro.envelope_to_avro(example),
                   avro.envelope_to_avro(dict(example, purpose=None, latency_ms=12.5))]
    new_records = [dict(r, region_hint="eu", tenant_id=r["tenant"], purpose=r["purpose"] or "x")
                   for r in old_records]
    assert can_read(old, new, old_records) is backward
    assert can_read(new, old, new_records) is forward


# -- the field reference in docs/schemas.md --------------------------------------------


def _type_name(schema: Any) -> str:
    if isinstance(schema, list):
        inner = [b for b in schema if b != "null"]
        return _type_name(inner[0]) + ("?" if "null" in schema else "")
    if isinstance(schema, str):
        return schema
    if schema["type"] == "array":
        return f"array<{_type_name(schema['items'])}>"
    if schema["type"] == "record":
        return f"record {schema['name'].rsplit('.', 1)[-1]}"
    return str(schema["type"])


def reference() -> str:
    """The field reference, generated from the schemas."""
    out = []
    for name in schemas.NAMES:
        schema: Any = expand_schema(schemas.load(name))
        out += [f"### `{name}` ({schema['name']})", "",
                schema["doc"], "", "| field | type | default | meaning |", "|---|---|---|---|"]
        for path, field in _fields(schema):
            default = json.dumps(field["default"]) if "default" in field else ""
            doc = field["doc"].replace("|", "\\|")
            out.append(f"| `{path}` | {_type_name(field['type'])} | {default} | {doc} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    head, tail = text[: text.index(BEGIN) + len(BEGIN)], text[text.index(END):]
    DOC.write_text(f"{head}\n{reference()}\n{tail}", encoding="utf-8")
    print(f"updated {DOC}")
