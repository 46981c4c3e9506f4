"""The contract's Avro schemas (.avsc), shipped as package data.

`load(name)` reads a current schema; `history(name)` the released versions kept in
`history/<name>.v<N>.avsc`, which the evolution tests read data against (see
docs/schemas.md). Names are checked against `NAMES` so a caller can never turn a
name into a path outside this folder.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

NAMES: tuple[str, ...] = ("raw_event", "governed_event", "alert", "dead_letter", "vault_entry")
_HISTORY = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>[1-9][0-9]*)\.avsc$")


def folder() -> Traversable:
    """The folder holding the .avsc files (a real directory for normal installs)."""
    return files(__name__)


def load(name: str) -> dict[str, Any]:
    """The current schema `name` as a fresh dict (callers may mutate it)."""
    _check(name)
    return _read(folder() / f"{name}.avsc")


def history(name: str) -> dict[int, dict[str, Any]]:
    """Released versions of schema `name`, by version number, oldest first."""
    _check(name)
    found: dict[int, dict[str, Any]] = {}
    for entry in (folder() / "history").iterdir():
        match = _HISTORY.match(entry.name)
        if match and match["name"] == name:
            found[int(match["version"])] = _read(entry)
    return dict(sorted(found.items()))


def _check(name: str) -> None:
    if name not in NAMES:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(NAMES)}")


def _read(entry: Traversable) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(entry.read_text(encoding="utf-8"))
    return schema
