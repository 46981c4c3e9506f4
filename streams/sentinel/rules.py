"""Load rule files: every file validated first, ids unique, then the rules in order.

Sources: the shipped `detectors/rules/*.yaml` (unless `builtin=False`) and the given
files or folders. Any problem (YAML syntax, a missing or mistyped field, an unknown
fact or modifier, a bad regex or duration, a duplicate id) raises `RuleConfigError`
naming the file and the field before the stage starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import detectors
from streams.sentinel.errors import RuleConfigError
from streams.sentinel.grammar import Rule, RuleFile
from streams.yamlfile import YamlProblem, read_mapping, validate, yaml_files

BUILTIN_DIR = Path(detectors.__file__).parent / "rules"


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A validated rule and the file it came from."""

    source: str
    rule: Rule


_NOT_IN_PATH = ("[key]", "flow", "threshold", "novelty", "definition_change", "markov",
                "Selector", "list[Selector]")
"""pydantic's union branch names and dict-key markers, which are no part of a file's path."""


def load_file(path: Path) -> list[LoadedRule]:
    """Parse and validate one rule file."""
    try:
        data = read_mapping(path, "a mapping with `version: 1` and `rules`")
        parsed = validate(RuleFile, data, skip=_NOT_IN_PATH)
    except YamlProblem as problem:
        raise RuleConfigError(str(path), problem.where, problem.message) from None
    return [LoadedRule(str(path), r) for r in parsed.rules]


def load_rules(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> list[LoadedRule]:
    """Every enabled rule of the shipped folder and `paths`, validated, ids unique."""
    try:
        files = yaml_files([*([BUILTIN_DIR] if builtin else []), *paths])
    except YamlProblem as problem:
        raise RuleConfigError(problem.where, "", problem.message) from None
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
