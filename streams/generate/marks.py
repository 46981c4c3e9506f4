"""Exact spans for the ground truth, however a value ends up inside a message.

Builders never write a sensitive value directly: they write a marker (two private-use
characters around an index) and compose freely, with f-strings, tables, CSV, or JSON
serialized into a text block. When a message is final, `Marks.resolve` walks it, puts
the real values in, and records for each the JSON path of the string that holds it and
its start/end there (Python string indices, i.e. Unicode code points, of the decoded
JSON string). The ground truth therefore cannot drift from the bytes written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class Mark:
    """One value placed by a builder: a positive (entity type) or a look-alike (kind)."""

    positive: bool
    label: str  # entity type for positives, look-alike kind for negatives
    value: str
    subtype: str = ""  # network, secret kind, phone region, ... ("" when none)


def key_path(parent: str, key: str) -> str:
    """`parent.key` for identifier keys, else `parent['key name']` (quotes escaped)."""
    if _IDENT.match(key):
        return f"{parent}.{key}"
    return parent + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"


class Marks:
    """The markers of one session: hands out markers and resolves them in messages."""

    def __init__(self) -> None:
        self._marks: list[Mark] = []

    def pos(self, entity: str, value: str, subtype: str = "") -> str:
        """A marker for a sensitive value of `entity` type."""
        return self._add(Mark(True, entity, value, subtype))

    def neg(self, kind: str, value: str, resembles: str = "") -> str:
        """A marker for a look-alike of `kind` (resembling entity type `resembles`)."""
        return self._add(Mark(False, kind, value, resembles))

    def _add(self, mark: Mark) -> str:
        self._marks.append(mark)
        return f"{_OPEN}{len(self._marks) - 1}{_CLOSE}"

    def value(self, text: str) -> str:
        """`text` with its markers replaced by their values (for ids and lookups)."""
        return _MARK.sub(lambda m: self._marks[int(m.group(1))].value, text)

    def json_text(self, obj: Any, indent: int | None = None) -> str:
        """`obj` serialized as JSON for a text block, markers kept in place.

        A value that JSON must escape (a PEM block's newlines) is re-marked with its
        escaped form: that is what the serialized string holds, so it is what the
        ground truth records.
        """
        return json.dumps(self._escape_inner(obj), indent=indent, ensure_ascii=False)

    def _escape_inner(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: self._escape_inner(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._escape_inner(v) for v in obj]
        if isinstance(obj, str) and _OPEN in obj:
            return _MARK.sub(self._escaped_marker, obj)
        return obj

    def _escaped_marker(self, m: re.Match[str]) -> str:
        mark = self._marks[int(m.group(1))]
        escaped = json.dumps(mark.value, ensure_ascii=False)[1:-1]
        if escaped == mark.value:
            return m.group(0)
        return self._add(Mark(mark.positive, mark.label, escaped, mark.subtype))

    def resolve(self, message: Any) -> tuple[Any, list[dict[str, Any]]]:
        """The message with real values, and one finding per placed value, in order."""
        found: list[dict[str, Any]] = []
        return self._walk(message, "$", found), found

    def _walk(self, obj: Any, path: str, found: list[dict[str, Any]]) -> Any:
        if isinstance(obj, str):
            return self._resolve_str(obj, path, found) if _OPEN in obj else obj
        if isinstance(obj, dict):
            return {k: self._walk(v, key_path(path, k), found) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._walk(v, f"{path}[{i}]", found) for i, v in enumerate(obj)]
        return obj

    def _resolve_str(self, text: str, path: str, found: list[dict[str, Any]]) -> str:
        out: list[str] = []
        pos = last = 0
        for m in _MARK.finditer(text):
            literal = text[last : m.start()]
            out.append(literal)
            pos += len(literal)
            mark = self._marks[int(m.group(1))]
            out.append(mark.value)
            entry: dict[str, Any] = {
                "entity_type" if mark.positive else "kind": mark.label,
                "value": mark.value,
                "path": path,
                "start": pos,
                "end": pos + len(mark.value),
            }
            if mark.subtype:
                entry["subtype" if mark.positive else "resembles"] = mark.subtype
            entry["positive"] = mark.positive
            found.append(entry)
            pos += len(mark.value)
            last = m.end()
        out.append(text[last:])
        return "".join(out)
