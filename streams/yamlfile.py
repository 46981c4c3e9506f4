"""Read a YAML configuration file and validate it with pydantic, naming what is wrong.

Detectors, sentinel rules, the governance policy and the proxy's config all load
this way; each turns a `YamlProblem` into its own typed error, so a bad file fails
at load with the file, the line or field, and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class YamlProblem(Exception):
    """What is wrong (`message`) and where: `line N`, a field path, or ''."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


def read_mapping(path: Path, expected: str) -> dict[str, Any]:
    """The file's top-level mapping; an empty file is an empty mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise YamlProblem(where, f"not valid YAML: {problem}") from None
    except OSError as exc:
        raise YamlProblem("", f"cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise YamlProblem("", "cannot read (not UTF-8)") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise YamlProblem("", f"expected {expected}")
    return data


def field_path(loc: Sequence[int | str], skip: Iterable[str] = ()) -> str:
    """pydantic's error location as a path into the file: `rules[2].match.tool`."""
    skipped = set(skip)
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in skipped:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def validate(model: type[M], data: Any, skip: Iterable[str] = ()) -> M:
    """`model` built from `data`; the first validation error becomes a YamlProblem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = field_path(first["loc"], skip)
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            where += ".kind"
        raise YamlProblem(where, first["msg"].removeprefix("Value error, ")) from None


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the .yaml/.yml files of folders named, each once, in order."""
    files: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            found = [path]
        else:
            raise YamlProblem(str(path), "no such file or directory")
        for f in found:
            files.setdefault(f.resolve(), f)
    return list(files.values())
