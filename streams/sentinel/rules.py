"""Load rule files: every file validated first, ids unique, then the rules in order.

Sources: the shipped `detectors/rules/*.yaml` (unless `builtin=False`) and the given
files or folders. Any problem (YAML syntax, a missing or mistyped field, an unknown
fact or modifier, a bad regex or duration, a duplicate id) raises `RuleConfigError`
naming the file and the field before the stage starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

import detectors
from streams.sentinel.errors import RuleConfigError
from streams.sentinel.grammar import Rule, RuleFile

BUILTIN_DIR = Path(detectors.__file__).parent / "rules"


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A validated rule and the file it came from."""

    source: str
    rule: Rule


def _field_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            continue
        elif part in ("flow", "threshold", "novelty", "definition_change", "markov",
                      "Selector", "list[Selector]"):
            continue  # pydantic's union branch names are not part of the file's path
        else:
            out += f".{part}" if out else str(part)
    return out


def _files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise RuleConfigError(str(path), "", "no such file or directory")
    unique: dict[Path, Path] = {}
    for f in files:  # a shipped file named again is read once
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def load_file(path: Path) -> list[LoadedRule]:
    """Parse and validate one rule file."""
    source = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise RuleConfigError(source, where, f"not valid YAML: {problem}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleConfigError(source, "", f"cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleConfigError(source, "", "expected a mapping with `version: 1` and `rules`")
    try:
        parsed = RuleFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        field = _field_path(first["loc"])
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            field += ".kind"
        raise RuleConfigError(source, field, msg) from exc
    return [LoadedRule(source, r) for r in parsed.rules]


def load_rules(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> list[LoadedRule]:
    """Every enabled rule of the shipped folder and `paths`, validated, ids unique."""
    files = _files(([BUILTIN_DIR] if builtin else []) + list(paths))
    loaded: list[LoadedRule] = []
    seen: dict[str, str] = {}
    for path in files:
        for i, item in enumerate(load_file(path)):
            if item.rule.id in seen:
                raise RuleConfigError(item.source, f"rules[{i}].id",
                                      f"duplicate rule id {item.rule.id!r} "
                                      f"(also in {seen[item.rule.id]})")
            seen[item.rule.id] = item.source
            loaded.append(item)
    return [item for item in loaded if item.rule.enabled]
