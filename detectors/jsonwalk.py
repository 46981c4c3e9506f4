"""Walk a JSON-RPC message: every string with its JSON path, and a copy with some replaced.

Both walks use an explicit stack, never recursion: a gateway may send a message nested
ten thousand levels deep and the governor must still classify it (or dead-letter it)
instead of dying with RecursionError.

Paths follow the JSONPath conventions people already read: `$.params.arguments.card`,
`$.result.content[0].text`, and bracket notation for keys that are not identifiers:
`$['odd key']`, `$['it\\'s']`. Each string gets exactly one path, and distinct strings
get distinct paths, so a path is a stable address for `replace_strings`.

Integers with at least `MIN_INT_DIGITS` digits are visited too (their text is
`str(value)`): a card number or SSN sent as a JSON number is still a card number or
SSN. Replacing one turns it into a string (the token).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIN_INT_DIGITS = 9
"""Shortest integer worth scanning: an SSN has 9 digits, ids and counts have fewer."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class StringSite:
    """One string of the message to scan."""

    path: str
    key: str | None
    text: str


def child_path(path: str, key: str | int) -> str:
    """The path of `key` (an object key or an array index) under `path`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENT.fullmatch(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['((?:[^'\\]|\\.)*)'\]|\[([0-9]+)\]")


def parent_key(path: str) -> str | None:
    """The key of the object that holds the value at `path` (`company` for
    `$.contact.company.name`, `tools` for `$.result.tools[0].name`), or None."""
    segments = _SEGMENT.findall(path)
    for ident, quoted, index in reversed(segments[:-1]):
        if not index:
            return ident or re.sub(r"\\(.)", r"\1", quoted)
    return None


def _key(key: Any) -> str:
    return key if isinstance(key, str) else str(key)


def _scannable_int(value: Any) -> bool:
    return type(value) is int and len(str(abs(value))) >= MIN_INT_DIGITS


def iter_strings(message: Any) -> list[StringSite]:
    """Every string value of `message` (and long integers), in document order."""
    sites: list[StringSite] = []
    stack: list[tuple[Any, str, str | None]] = [(message, "$", None)]
    while stack:
        node, path, key = stack.pop()
        if isinstance(node, str):
            sites.append(StringSite(path, key, node))
        elif isinstance(node, dict):
            children = [(v, child_path(path, _key(k)), _key(k)) for k, v in node.items()]
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            stack.extend(
                (v, child_path(path, i), key) for i, v in reversed(list(enumerate(node)))
            )
        elif _scannable_int(node):
            sites.append(StringSite(path, key, str(node)))
    return sites


def _leaf(value: Any, path: str, new_text: Mapping[str, str]) -> Any:
    if path not in new_text:
        return value
    replacement = new_text[path]
    if isinstance(value, str):
        return replacement
    if _scannable_int(value) and replacement != str(value):
        return replacement
    return value


def replace_strings(message: Any, new_text: Mapping[str, str]) -> Any:
    """A copy of `message` where the string at each path of `new_text` is replaced.

    Paths that do not name a string (or a scanned integer) are ignored, so a stale
    mapping cannot change the shape of the message. The input is never mutated.
    """
    holder: list[Any] = [None]
    stack: list[tuple[Any, str, Any, Any]] = [(message, "$", holder, 0)]
    while stack:
        node, path, parent, slot = stack.pop()
        if isinstance(node, dict):
            copy: dict[Any, Any] = {}
            parent[slot] = copy
            for k, v in node.items():
                p = child_path(path, _key(k))
                if isinstance(v, dict | list | tuple):
                    copy[k] = None
                    stack.append((v, p, copy, k))
                else:
                    copy[k] = _leaf(v, p, new_text)
        elif isinstance(node, list | tuple):
            items: list[Any] = [None] * len(node)
            parent[slot] = items
            for i, v in enumerate(node):
                p = child_path(path, i)
                if isinstance(v, dict | list | tuple):
                    stack.append((v, p, items, i))
                else:
                    items[i] = _leaf(v, p, new_text)
        else:
            parent[slot] = _leaf(node, path, new_text)
    return holder[0]
