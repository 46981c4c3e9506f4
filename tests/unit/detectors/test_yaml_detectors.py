"""Declarative YAML detectors: validated before anything is built, errors name file and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from detectors.api import Classifier, DetectorConfig, DetectorConfigError, StringSite
from detectors.yaml_loader import BUILTIN_DIR, load_detectors, load_file

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "field", "reason"),
    [
        ("bad_regex.yaml", "detectors[0].patterns[1].regex", "bad regex"),
        ("unknown_validator.yaml", "detectors[0].validator", "unknown validator 'sha256'"),
        ("missing_field.yaml", "detectors[0].entity_type", "Field required"),
        ("wrong_type.yaml", "detectors[0].patterns[0].score", "valid number"),
        ("unknown_field.yaml", "detectors[0].contexts", "Extra inputs are not permitted"),
        ("not_yaml.yaml", "line", "not valid YAML"),
        ("empty_regex_match.yaml", "detectors[0].patterns[0].regex", "matches the empty string"),
        ("bad_score.yaml", "detectors[0].patterns[0].score", "less than or equal to 1"),
        ("bad_entity.yaml", "detectors[0].entity_type", "should match pattern"),
    ],
)
def test_each_broken_file_names_file_and_field(name: str, field: str, reason: str) -> None:
    path = DATA / name
    with pytest.raises(DetectorConfigError) as info:
        load_file(path)
    err = info.value
    assert err.source == str(path)
    assert err.field.startswith(field)
    assert reason in err.reason
    assert str(path) in str(err) and field in str(err)


def test_duplicate_names_across_files() -> None:
    with pytest.raises(DetectorConfigError, match=re.escape("duplicate detector name 'us_mbi'")):
        load_detectors([DATA / "duplicate_name.yaml"])


def test_missing_path() -> None:
    with pytest.raises(DetectorConfigError, match="no such file"):
        load_detectors([DATA / "nope.yaml"])


def test_a_bad_file_fails_the_classifier_before_anything_is_built(monkeypatch) -> None:
    import detectors.classifier as module

    def no_spacy(*_a: object, **_k: object) -> None:
        raise AssertionError("the NER model must not load before the YAML is valid")

    monkeypatch.setattr(module, "load_spacy", no_spacy)
    with pytest.raises(DetectorConfigError, match="bad_regex.yaml"):
        Classifier(DetectorConfig(paths=(DATA / "bad_regex.yaml",), plugins=False, use_env=False))


def test_builtin_yaml_ships_the_mbi_detector() -> None:
    names = {d.model.name for d in load_detectors([], builtin=True)}
    assert "us_mbi" in names
    assert all(p.suffix == ".yaml" for p in BUILTIN_DIR.iterdir())


def _detect(classifier: Classifier, text: str, key: str | None = None) -> list[tuple[str, str]]:
    [spans] = classifier.classify([StringSite("$.x", key, text)], ner=False)
    return [(s.entity_type, text[s.start : s.end]) for s in spans]


def test_user_file_by_path_and_by_environment(monkeypatch) -> None:
    by_path = Classifier(DetectorConfig(paths=(DATA / "good.yaml",), ner=False, plugins=False,
                                        use_env=False))
    assert _detect(by_path, "badge BDG-12345 issued") == [("BADGE_ID", "BDG-12345")]
    assert _detect(by_path, "bdg-12345") == []  # case-sensitive
    monkeypatch.setenv("MCPGOV_DETECTORS", str(DATA / "good.yaml"))
    by_env = Classifier(DetectorConfig(ner=False, plugins=False))
    assert _detect(by_env, "BDG-54321") == [("BADGE_ID", "BDG-54321")]
    assert by_env.extra_hints and _detect(by_env, "BDG-54321", key="badgeNumber")[0][0] == "BADGE_ID"


def _doc_example() -> str:
    doc = (Path(__file__).parents[3] / "docs" / "detectors.md").read_text(encoding="utf-8")
    block = doc.split("<!-- example: detectors.yaml -->", 1)[1]
    return block.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_documented_example_loads_and_detects(tmp_path) -> None:
    path = tmp_path / "detectors.yaml"
    path.write_text(_doc_example(), encoding="utf-8")
    classifier = Classifier(DetectorConfig(paths=(path,), ner=False, plugins=False, use_env=False))
    assert ("UK_NHS", "943 476 5919") in _detect(classifier, "NHS number 943 476 5919 on file")
    assert _detect(classifier, "9434765919", key="nhs_number") == [("UK_NHS", "9434765919")]
    assert all(t != "UK_NHS" for t, _ in _detect(classifier, "NHS number 943 476 5918"))
    assert _detect(classifier, "badge of EMP-123456 ok") == [("EMPLOYEE_ID", "EMP-123456")]

    from detectors.api import entity_classes

    assert entity_classes("UK_NHS", health_context=False) == {"PHI", "PII"}
