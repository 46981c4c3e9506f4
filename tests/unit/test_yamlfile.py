"""The shared YAML loader: problems name the line or the field, folders expand once."""

import pytest
from pydantic import BaseModel, ConfigDict

from streams.yamlfile import YamlProblem, read_mapping, validate, yaml_files


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 1


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Item]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("items: [\n  {name: a,\n", "line 3", "not valid YAML"),
        ("- a\n- b\n", "", "expected a mapping"),
        ("items: [{name: a}, {size: 2}]\n", "items[1].name", "Field required"),
        ("items: [{name: a, size: big}]\n", "items[0].size", "valid integer"),
        ("items: []\nextra: 1\n", "extra", "Extra inputs are not permitted"),
    ],
)
def test_problems_name_where_and_what(tmp_path, text, where, message) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    with pytest.raises(YamlProblem) as err:
        validate(Doc, read_mapping(path, "a mapping"))
    assert err.value.where == where and message in err.value.message


def test_empty_file_is_an_empty_mapping_and_unreadable_file_is_a_problem(tmp_path) -> None:
    (tmp_path / "e.yaml").write_text("")
    assert read_mapping(tmp_path / "e.yaml", "x") == {}
    (tmp_path / "b.yaml").write_bytes(b"\xff\xfe")
    with pytest.raises(YamlProblem, match="cannot read"):
        read_mapping(tmp_path / "b.yaml", "x")


def test_yaml_files_expand_folders_once_in_order(tmp_path) -> None:
    for name in ("b.yaml", "a.yml", "c.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in yaml_files([tmp_path, tmp_path / "b.yaml"])] == ["a.yml", "b.yaml"]
    with pytest.raises(YamlProblem, match="no such file"):
        yaml_files([tmp_path / "missing.yaml"])
