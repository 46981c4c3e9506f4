"""Validate raw envelopes (CONTRACT.md section 1) with precise reasons that never quote values.

Anything a gateway sends may be wrong, so every field is checked and the first problem
becomes an `InvalidEnvelope(code, reason)` for the dead-letter topic. The order of
checks is fixed (size, framing, UTF-8, JSON, then fields in contract order), so one
input always gets the same reason. Unknown fields are dropped: a newer gateway is not
rejected for adding one, and nothing ungoverned rides along (see docs/schemas.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from streams import avro
from streams.schema_errors import InvalidEnvelope, RegistryError, SchemaError

__all__ = ["DIRECTIONS", "DECISIONS", "MAX_BYTES", "MAX_DEPTH", "InvalidEnvelope",
           "parse_envelope"]

MAX_BYTES = 1_048_576
MAX_DEPTH = 64
# json.loads recurses in C; past ~900 levels it raises RecursionError. Capping the
# configurable depth well below that keeps "deeper than N levels" true when it does.
_DEPTH_CEILING = 256
DIRECTIONS = ("request", "response", "notification")
DECISIONS = ("allow", "deny")
_MISSING = object()
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{1,9})?(?:Z|\+00:00)")
_REGION = re.compile(r"[a-z][a-z0-9]{1,15}(?:-[a-z0-9]{1,15}){0,2}")
_TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_ID_IN_TEXT = re.compile(rb'"event_id"\s*:\s*"([0-9a-fA-F-]{36})"')


class _Rule(NamedTuple):
    """How one string field is checked, and what its error says is expected."""

    check: Callable[[str], bool]
    expected: str
    optional: bool = False  # may be null or absent

    def nullable(self) -> _Rule:
        return self._replace(optional=True)


def _is_time(value: str) -> bool:
    match = _TIME.fullmatch(value)
    try:  # the regex checks the form, datetime the calendar (no 2026-02-29, no 24:00)
        if match is not None:
            year, month, day, hour, minute, second = (int(part) for part in match.groups())
            datetime(year, month, day, hour, minute, second)
        return match is not None
    except ValueError:
        return False


_ANY = _Rule(lambda v: True, "a string")
_NONEMPTY = _Rule(bool, "a non-empty string")
_UUID_RULE = _Rule(lambda v: _UUID.fullmatch(v) is not None, "a UUID")
_TIME_RULE = _Rule(_is_time, "an RFC 3339 UTC timestamp")
_REGION_RULE = _Rule(lambda v: _REGION.fullmatch(v) is not None,
                     "a lower-case region code (e.g. eu, us, apac)")
_TENANT_RULE = _Rule(lambda v: _TENANT.fullmatch(v) is not None,
                     "a tenant id of letters, digits, '.', '_' and '-'")
_DIRECTION = _Rule(DIRECTIONS.__contains__, "one of " + "|".join(DIRECTIONS))
_DECISION = _Rule(DECISIONS.__contains__, "one of " + "|".join(DECISIONS))


def parse_envelope(data: bytes | bytearray | memoryview | str | Mapping[str, Any], *,
                   max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
                   registry: avro.SchemaRegistry | None = None) -> dict[str, Any]:
    """The validated envelope (`message` as a dict), or `InvalidEnvelope` saying why not.

    Accepts JSON bytes or text, Avro bytes framed by `streams.avro`, or a parsed dict.
    Only a registry outage (`RegistryError`) escapes: that is not the input's fault.
    """
    if not 1 <= max_depth <= _DEPTH_CEILING:
        raise ValueError(f"max_depth must be between 1 and {_DEPTH_CEILING}")
    if isinstance(data, Mapping):
        return _checked(data, max_depth, max_bytes=max_bytes)
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        raise TypeError("parse_envelope takes bytes, str or a mapping")
    try:
        if len(raw) > max_bytes:
            raise InvalidEnvelope("oversized",
                                  f"event is {len(raw)} bytes, over the {max_bytes}-byte cap")
        if avro.is_avro_frame(raw):
            return _checked(_from_avro(raw, registry), max_depth)
        text = data if isinstance(data, str) else _utf8(raw)
        obj = _loads(text.removeprefix("\ufeff"), "event", max_depth)
    except InvalidEnvelope as exc:
        match = _ID_IN_TEXT.search(raw, 0, 65536)
        event_id = match.group(1).decode() if match else None
        raise InvalidEnvelope(exc.code, exc.reason, exc.event_id or event_id) from None
    return _checked(obj, max_depth, escapes=_has_surrogate_escape(text))


def _has_surrogate_escape(text: str) -> bool:
    """Whether JSON text may decode to a lone surrogate (only a \\uD800-\\uDFFF escape can)."""
    return "\\ud" in text or "\\uD" in text


def _checked(obj: Any, max_depth: int, *, max_bytes: int | None = None,
             escapes: bool = False) -> dict[str, Any]:
    """Validate a parsed event; a mapping given directly (max_bytes set) is also sized."""
    if not isinstance(obj, Mapping):
        raise InvalidEnvelope("schema_invalid", f"event must be a JSON object, not {_kind(obj)}")
    raw_id = obj.get("event_id")
    event_id = raw_id if isinstance(raw_id, str) and _UUID.fullmatch(raw_id) else None
    try:
        env = _validate(obj, max_depth, escapes)
        if max_bytes is not None:  # also copies, so the caller's dict is never shared
            text = _dump(env)
            size = len(text.encode("utf-8"))
            if size > max_bytes:
                raise InvalidEnvelope("oversized",
                                      f"event is {size} bytes, over the {max_bytes}-byte cap")
            env = json.loads(text)
    except InvalidEnvelope as exc:
        raise InvalidEnvelope(exc.code, exc.reason, event_id) from None
    return env


def _dump(value: Any) -> str:
    """`value` as JSON text, proving it JSON and valid Unicode; metadata strings are already
    checked by then, so only the message can fail here."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidEnvelope("not_utf8", "field 'message' holds an unpaired surrogate, "
                              "which is not valid Unicode") from None
    except (TypeError, ValueError):
        raise InvalidEnvelope("schema_invalid", "field 'message' must hold only JSON values "
                              "(no NaN, Infinity or non-JSON types)") from None
    return text


def _from_avro(raw: bytes, registry: avro.SchemaRegistry | None) -> dict[str, Any]:
    try:
        return avro.decode("raw_event", raw, registry=registry)
    except RegistryError:
        raise
    except SchemaError as exc:
        reason = f"not a decodable Avro raw event: {exc.reason}"
        raise InvalidEnvelope("undecodable", reason) from None


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEnvelope("not_utf8", f"not valid UTF-8 at byte {exc.start}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str, what: str, max_depth: int) -> Any:
    prefix = "not JSON" if what == "event" else f"field '{what}' is not JSON"
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidEnvelope("too_deep", f"{what} nested deeper than {max_depth} levels") from None
    except json.JSONDecodeError as exc:
        raise InvalidEnvelope(
            "not_json", f"{prefix}: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:  # NaN/Infinity, or an integer over Python's digit limit
        detail = str(exc) if str(exc).endswith("is not JSON") else "integer too long"
        raise InvalidEnvelope("not_json", f"{prefix}: {detail}") from None


def _too_deep(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit`; iterative, so no stack to blow."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list | tuple):
                stack.append((child, depth + 1))
    return False


# -- fields, in contract order -----------------------------------------------------------


def _validate(obj: Mapping[str, Any], max_depth: int, escapes: bool) -> dict[str, Any]:
    return {
        "schema_version": _version(obj),
        "event_id": _text(obj, "event_id", _UUID_RULE),
        "time": _text(obj, "time", _TIME_RULE),
        "tenant": _text(obj, "tenant", _TENANT_RULE),
        "gateway": _record(obj, "gateway", {"id": _NONEMPTY, "region": _REGION_RULE}),
        "session_id": _text(obj, "session_id", _NONEMPTY),
        "identity": _identity(obj),
        "server": _record(obj, "server", {"name": _NONEMPTY, "version": _ANY,
                                          "region": _REGION_RULE, "transport": _NONEMPTY}),
        "data_subject": _record(obj, "data_subject", {"id": _NONEMPTY,
                                                      "region": _REGION_RULE.nullable()},
                                nullable=True),
        "purpose": _text(obj, "purpose", _ANY.nullable()),
        "direction": _text(obj, "direction", _DIRECTION),
        "method": _text(obj, "method", _NONEMPTY),
        "tool": _text(obj, "tool", _ANY.nullable()),
        "message": _message(obj, max_depth, escapes),
        "latency_ms": _latency(obj),
        "trace": _record(obj, "trace", {"trace_id": _NONEMPTY, "span_id": _NONEMPTY},
                         nullable=True),
    }


def _identity(obj: Mapping[str, Any]) -> dict[str, Any]:
    identity = _object(obj, "identity", "")
    out: dict[str, Any] = {key: _text(identity, key, _ANY, "identity.")
                           for key in ("user", "agent", "client_id")}
    out["scopes"] = _strings(identity, "scopes", "identity.")
    out["auth"] = _record(identity, "auth", {"decision": _DECISION, "policy": _ANY,
                                             "reason": _ANY.nullable()}, "identity.")
    return out


def _schema(reason: str) -> InvalidEnvelope:
    return InvalidEnvelope("schema_invalid", reason)


def _get(obj: Mapping[str, Any], key: str, prefix: str, nullable: bool) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING and not nullable:
        raise _schema(f"missing field '{prefix}{key}'")
    return None if value is _MISSING else value


def _text(obj: Mapping[str, Any], key: str, rule: _Rule, prefix: str = "") -> Any:
    value = _get(obj, key, prefix, rule.optional)
    if value is None and rule.optional:
        return None
    if not isinstance(value, str):
        raise _schema(f"field '{prefix}{key}' must be {rule.expected}")
    if not (value.isascii() or _valid_unicode(value)):
        raise InvalidEnvelope("not_utf8", f"field '{prefix}{key}' holds an unpaired surrogate, "
                              "which is not valid Unicode")
    if not rule.check(value):
        raise _schema(f"field '{prefix}{key}' must be {rule.expected}")
    return value


def _valid_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _object(obj: Mapping[str, Any], key: str, prefix: str, nullable: bool = False) -> Any:
    value = _get(obj, key, prefix, nullable)
    if value is not None and not isinstance(value, Mapping) or value is None and not nullable:
        raise _schema(f"field '{prefix}{key}' must be an object")
    return value


def _record(obj: Mapping[str, Any], key: str, fields: dict[str, _Rule], prefix: str = "", *,
            nullable: bool = False) -> dict[str, Any] | None:
    """A nested record of string fields, each checked by its rule; unknown fields dropped."""
    value = _object(obj, key, prefix, nullable)
    if value is None:
        return None
    return {name: _text(value, name, rule, f"{prefix}{key}.") for name, rule in fields.items()}


def _strings(obj: Mapping[str, Any], key: str, prefix: str) -> list[str]:
    value = _get(obj, key, prefix, False)
    if not isinstance(value, list | tuple):
        raise _schema(f"field '{prefix}{key}' must be an array of strings")
    return [_text({"": item}, "", _ANY, f"{prefix}{key}[{i}]") for i, item in enumerate(value)]


def _version(obj: Mapping[str, Any]) -> int:
    value = obj.get("schema_version", 1)  # absent means 1, as the Avro default says
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        raise _schema("field 'schema_version' must be a positive integer")
    return value


def _latency(obj: Mapping[str, Any]) -> float | None:
    value = obj.get("latency_ms")
    if value is None:
        return None
    try:
        ms = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else -1
    except OverflowError:
        ms = math.inf
    if not (math.isfinite(ms) and ms >= 0):
        raise _schema("field 'latency_ms' must be a non-negative number")
    return ms


def _message(obj: Mapping[str, Any], max_depth: int, escapes: bool) -> dict[str, Any]:
    value = _get(obj, "message", "", False)
    if isinstance(value, str):  # the message may travel as a JSON text
        escapes = escapes or _has_surrogate_escape(value)
        value = _loads(value, "message", max_depth)
    if not isinstance(value, Mapping):
        raise _schema(f"field 'message' must be a JSON object, not {_kind(value)}")
    value = value if isinstance(value, dict) else dict(value)
    if _too_deep(value, max_depth):
        raise InvalidEnvelope("too_deep", f"message nested deeper than {max_depth} levels")
    if "jsonrpc" not in value:
        raise _schema("missing field 'message.jsonrpc'")
    if value["jsonrpc"] != "2.0":
        raise _schema("field 'message.jsonrpc' must be \"2.0\"")
    if escapes:
        _dump(value)
    return value


def _kind(value: Any) -> str:
    for kinds, name in ((type(None), "null"), (bool, "a boolean"), (int | float, "a number"),
                        (str, "a string"), (list | tuple, "an array"), (Mapping, "an object")):
        if isinstance(value, kinds):
            return name
    return "a non-JSON value"
