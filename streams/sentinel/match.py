"""Sigma-like field matching over an event's facts, compiled once at load time.

A match block is a mapping `fact[|modifier]: value`; every entry must hold (AND). A
list of values means any of them (OR), as in Sigma. Modifiers:

- none: equals (on list facts: the list holds the value);
- `any` / `all`: the list fact holds any / all of the values;
- `glob`, `re`, `startswith`, `endswith`, `contains`: string tests (any value);
- `exists`: the fact is set (true) or not set (false).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from typing import Any

from streams.sentinel.facts import FACTS

MODIFIERS = ("eq", "any", "all", "glob", "re", "startswith", "endswith", "contains", "exists")
Test = Callable[[dict[str, Any]], bool]


def _values(raw: Any) -> list[Any]:
    vals = raw if isinstance(raw, list) else [raw]
    for v in vals:
        if not isinstance(v, str | int | float | bool) and v is not None:
            raise ValueError(f"values must be scalars or a list of scalars, got {type(v).__name__}")
    return vals


def _string_test(op: str, vals: list[Any]) -> Callable[[str], bool]:
    texts = [str(v) for v in vals]
    if op == "glob":
        pats = [re.compile(fnmatch.translate(t)) for t in texts]
        return lambda s: any(p.match(s) for p in pats)
    if op == "re":
        try:
            rx = [re.compile(t) for t in texts]
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from exc
        return lambda s: any(r.search(s) for r in rx)
    if op == "startswith":
        return lambda s: any(s.startswith(t) for t in texts)
    if op == "endswith":
        return lambda s: any(s.endswith(t) for t in texts)
    return lambda s: any(t in s for t in texts)


def _one(name: str, op: str, raw: Any) -> Test:
    is_list = FACTS[name] == "list"
    if op == "exists":
        if not isinstance(raw, bool):
            raise ValueError(f"{name}|exists takes true or false")
        return lambda f: (f.get(name) not in (None, "", [])) is raw
    vals = _values(raw)
    if not vals:
        raise ValueError(f"{name}: give at least one value")
    if op in ("any", "all"):
        if not is_list:
            raise ValueError(f"modifier '{op}' needs a list fact; {name!r} is a {FACTS[name]}")
        want = set(vals)
        if op == "any":
            return lambda f: bool(want.intersection(f.get(name) or ()))
        return lambda f: want.issubset(f.get(name) or ())
    if op == "eq":
        if is_list:
            want = set(vals)
            return lambda f: bool(want.intersection(f.get(name) or ()))
        return lambda f: f.get(name) in vals
    test = _string_test(op, vals)
    if is_list:
        return lambda f: any(isinstance(x, str) and test(x) for x in f.get(name) or ())
    return lambda f: isinstance(f.get(name), str) and test(f[name])


def compile_match(block: Mapping[str, Any]) -> list[Test]:
    """Tests for one match block; raises ValueError naming the bad key."""
    if not isinstance(block, Mapping):
        raise ValueError("a match block is a mapping of fact[|modifier] to value(s)")
    tests = []
    for key, raw in block.items():
        name, _, op = str(key).partition("|")
        op = op or "eq"
        if name not in FACTS:
            raise ValueError(f"unknown fact {name!r} in {key!r} (known: {', '.join(FACTS)})")
        if op not in MODIFIERS:
            raise ValueError(f"unknown modifier {op!r} in {key!r} (known: {', '.join(MODIFIERS)})")
        try:
            tests.append(_one(name, op, raw))
        except ValueError as exc:
            raise ValueError(f"{key!r}: {exc}") from exc
    return tests


def holds(tests: list[Test], facts: dict[str, Any]) -> bool:
    """True when every test holds (an empty block always holds)."""
    return all(t(facts) for t in tests)
