"""Walk a JSON-RPC message: every string with its JSON path, and a copy with some replaced.

Both walks use an explicit stack, never recursion: a gateway may send a message nested
ten thousand levels deep and the governor must still classify it (or dead-letter it)
instead of dying with RecursionError.

Paths follow the JSONPath conventions people already read: `$.params.arguments.card`,
`$.result.content[0].text`, and bracket notation for keys that are not identifiers:
`$['odd key']`, `$['it\\'s']`. Each string gets exactly one path, and distinct strings
get distinct paths, so a path is a stable address for `replace_strings`.

Object **keys** are strings a gateway sends too (`{"4111111111111111": "x"}`), so each
key is a site of its own, visited just before its value. A key site's path is the
path of the value it names followed by `KEY_MARK` (`~`, as JSONPath-Plus writes "the
property name"): `$.params.arguments.card~`, `$['ssn 123-45-6789']~`. No value path
ends in `~` (a value path ends in an identifier character, `]` or `']`, and a `~`
inside a key is quoted), so key and value paths never collide. A key site has
`key=None`: the key is the text, not a field name that hints at it. Replacing a key
site renames the key in place (document order kept); when a new name is already
taken (two e-mails that differ only in case tokenize alike, or a key that already
reads like the token) the later one gets `#2`, `#3`, ... so no value is dropped.

Integers with at least `MIN_INT_DIGITS` digits are visited too (their text is
`str(value)`): a card number or SSN sent as a JSON number is still a card number or
SSN. Replacing one turns it into a string (the token). `extra_ints` names shorter
integers worth visiting (by their digits, sign aside): the governor passes the data
subject's id when it is all digits, so a patient id sent as a number is replaced too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

MIN_INT_DIGITS = 9
"""Shortest integer worth scanning: an SSN has 9 digits, ids and counts have fewer."""

KEY_MARK = "~"
"""Appended to a value's path to address the object key that names it."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class StringSite:
    """One string of the message to scan."""

    path: str
    key: str | None
    text: str


def key_path(value_path: str) -> str:
    """The path of the key site of the object member at `value_path`."""
    return value_path + KEY_MARK


def is_key_path(path: str) -> bool:
    """Whether `path` addresses an object key rather than a value."""
    return path.endswith(KEY_MARK)


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


def _scannable_int(value: Any, extra: Collection[str] = ()) -> bool:
    if type(value) is not int:
        return False
    digits = str(abs(value))
    return len(digits) >= MIN_INT_DIGITS or (bool(extra) and digits in extra)


def iter_strings(message: Any, *, extra_ints: Collection[str] = ()) -> list[StringSite]:
    """Every object key, string value (and long integer) of `message`, in document order."""
    sites: list[StringSite] = []
    stack: list[tuple[Any, str, str | None, bool]] = [(message, "$", None, False)]
    while stack:
        node, path, key, is_key = stack.pop()
        if is_key:
            sites.append(StringSite(path, None, node))
        elif isinstance(node, str):
            sites.append(StringSite(path, key, node))
        elif isinstance(node, dict):
            children = []
            for k, v in node.items():
                name = _key(k)
                p = child_path(path, name)
                children += [(name, key_path(p), None, True), (v, p, name, False)]
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            stack.extend(
                (v, child_path(path, i), key, False) for i, v in reversed(list(enumerate(node)))
            )
        elif _scannable_int(node, extra_ints):
            sites.append(StringSite(path, key, str(node)))
    return sites


def _leaf(value: Any, path: str, new_text: Mapping[str, Any], extra: Collection[str]) -> Any:
    if path not in new_text:
        return value
    replacement = new_text[path]
    if isinstance(value, str):
        return replacement
    if _scannable_int(value, extra) and replacement != str(value):
        return replacement
    return value


def _renamed(node: dict[Any, Any], path: str,
             new_text: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    """(value paths, output keys) of `node`'s members, renamed keys made unique."""
    paths = [child_path(path, _key(k)) for k in node]
    names: list[Any] = list(node)
    wanted = {}
    for i, (k, p) in enumerate(zip(node, paths, strict=True)):
        new = new_text.get(key_path(p))
        if isinstance(new, str) and new != _key(k):
            wanted[i] = new
    if not wanted:
        return paths, names
    taken = {_key(k) for i, k in enumerate(node) if i not in wanted}
    counters: dict[str, int] = {}
    for i, new in wanted.items():
        name = new
        if name in taken:
            n = counters.get(new, 1)
            while name in taken:
                n += 1
                name = f"{new}#{n}"
            counters[new] = n
        taken.add(name)
        names[i] = name
    return paths, names


def replace_strings(message: Any, new_text: Mapping[str, Any], *,
                    extra_ints: Collection[str] = (),
                    moved: dict[str, str] | None = None) -> Any:
    """A copy of `message` where the string at each path of `new_text` is replaced.

    Paths that do not name a string (or a visited integer) are ignored, so a stale
    mapping cannot change the shape of the message; a key site's replacement renames
    the key. The input is never mutated. When `moved` is given it receives, for every
    site whose path changed because a key on its way was renamed, old path -> new path
    (the governor reports findings at the paths of the output).
    """
    holder: list[Any] = [None]
    stack: list[tuple[Any, str, str, Any, Any]] = [(message, "$", "$", holder, 0)]
    while stack:
        node, path, new_path, parent, slot = stack.pop()
        if isinstance(node, dict):
            copy: dict[Any, Any] = {}
            parent[slot] = copy
            paths, names = _renamed(node, path, new_text)
            for (k, v), p, name in zip(node.items(), paths, names, strict=True):
                np = p if new_path is path and name is k else child_path(new_path, _key(name))
                if np is not p and moved is not None:
                    moved[key_path(p)] = key_path(np)
                if isinstance(v, dict | list | tuple):
                    copy[name] = None
                    stack.append((v, p, np, copy, name))
                else:
                    copy[name] = _leaf(v, p, new_text, extra_ints)
                    if np is not p and moved is not None:
                        moved[p] = np
        elif isinstance(node, list | tuple):
            items: list[Any] = [None] * len(node)
            parent[slot] = items
            for i, v in enumerate(node):
                p = child_path(path, i)
                np = p if new_path is path else child_path(new_path, i)
                if isinstance(v, dict | list | tuple):
                    stack.append((v, p, np, items, i))
                else:
                    items[i] = _leaf(v, p, new_text, extra_ints)
                    if np is not p and moved is not None:
                        moved[p] = np
        else:
            parent[slot] = _leaf(node, path, new_text, extra_ints)
    return holder[0]
