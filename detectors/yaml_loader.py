"""Load declarative YAML detectors: validate every file first, then build recognizers.

Sources, in order: the shipped `detectors/builtin/*.yaml`, the paths given in
`DetectorConfig(paths=...)`, and the paths in `MCPGOV_DETECTORS` (separated by
`os.pathsep`). A path may be a file or a directory of `*.yaml` / `*.yml`. Any problem
(YAML syntax, a missing or mistyped field, a bad regex, an unknown validator, a
duplicate name) raises `DetectorConfigError` naming the file and the field, before a
single recognizer is built.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

from detectors.checks import ALL_VALIDATORS
from detectors.classes import register_entity_classes
from detectors.exceptions import DetectorConfigError
from detectors.key_hints import KeyHint, normalize_key
from detectors.yaml_models import DetectorFile, DetectorModel
from streams.yamlfile import YamlProblem, read_mapping, validate, yaml_files

BUILTIN_DIR = Path(__file__).parent / "builtin"
ENV_VAR = "MCPGOV_DETECTORS"


@dataclass(frozen=True, slots=True)
class LoadedDetector:
    """A validated detector and the file it came from."""

    source: str
    model: DetectorModel


def env_paths() -> list[str]:
    """The detector paths named by `MCPGOV_DETECTORS`."""
    value = os.environ.get(ENV_VAR, "")
    return [p for p in value.split(os.pathsep) if p.strip()]


def load_file(path: Path) -> list[LoadedDetector]:
    """Parse and validate one YAML file; nothing is built yet."""
    try:
        data = read_mapping(path, "a mapping with a `detectors` list")
        parsed = validate(DetectorFile, data)
    except YamlProblem as problem:
        raise DetectorConfigError(str(path), problem.where, problem.message) from None
    return [LoadedDetector(str(path), d) for d in parsed.detectors]


def load_detectors(paths: Iterable[str | Path], *, builtin: bool = True) -> list[LoadedDetector]:
    """Every detector of the builtin directory and `paths`, validated, names unique."""
    try:
        files = yaml_files([*([BUILTIN_DIR] if builtin else []), *paths])
    except YamlProblem as problem:
        raise DetectorConfigError(problem.where, "", problem.message) from None
    loaded: list[LoadedDetector] = []
    seen: dict[str, str] = {}
    for path in files:
        for i, det in enumerate(load_file(path)):
            if det.model.name in seen:
                raise DetectorConfigError(
                    det.source, f"detectors[{i}].name",
                    f"duplicate detector name {det.model.name!r} (also in {seen[det.model.name]})",
                )
            seen[det.model.name] = det.source
            loaded.append(det)
    return loaded


class YamlPatternRecognizer(PatternRecognizer):
    """A recognizer built from a YAML detector; the validator prunes or confirms."""

    def __init__(self, model: DetectorModel) -> None:
        flags = re.DOTALL | re.MULTILINE | (0 if model.case_sensitive else re.IGNORECASE)
        super().__init__(
            supported_entity=model.entity_type,
            name=f"yaml:{model.name}",
            patterns=[Pattern(p.name, p.regex, p.score) for p in model.patterns],
            context=list(model.context),
            global_regex_flags=flags,
        )
        self.regexes: list[str] = [p.regex for p in model.patterns]
        self._check = ALL_VALIDATORS[model.validator] if model.validator else None
        self._confirm = model.validator_mode == "confirm"

    def validate_result(self, pattern_text: str) -> bool | None:
        """`confirm` mode: a passing value is certain (1.0), a failing one dropped."""
        if self._check is None or not self._confirm:
            return None
        return self._check(pattern_text)

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """`filter` mode: a failing value is dropped, a passing one keeps its score."""
        if self._check is None or self._confirm:
            return None
        return not self._check(pattern_text)


def build(loaded: Iterable[LoadedDetector]) -> tuple[list[PatternRecognizer], list[KeyHint]]:
    """Recognizers and key hints of the enabled detectors; registers their data classes."""
    recognizers: list[PatternRecognizer] = []
    hints: list[KeyHint] = []
    for det in loaded:
        model = det.model
        if not model.enabled:
            continue
        recognizers.append(YamlPatternRecognizer(model))
        if model.key_hints:
            keys = frozenset(normalize_key(k) for k in model.key_hints)
            hints.append(KeyHint(model.entity_type, keys, keys, None))
        if model.data_classes is not None:
            register_entity_classes(model.entity_type, set(model.data_classes))
    return recognizers, hints
