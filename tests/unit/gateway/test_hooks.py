"""Data-subject hooks: argument names, dotted paths, Python `module:function` hooks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from streams.gateway.errors import HookError
from streams.gateway.hooks import load_subject_hook


@pytest.mark.parametrize("spec,args,expected", [
    ("patient_id", {"patient_id": "8812"}, "8812"),
    ("patient_id", {"patient_id": 8812}, 8812),
    ("patient_id", {"other": "x"}, None),
    ("patient_id", {"patient_id": True}, None),
    ("patient_id", {"patient_id": {"nested": 1}}, None),
    ("patient.id", {"patient": {"id": "p-1"}}, "p-1"),
    ("patient.id", {"patient": "p-1"}, None),
    ("member-id", {"member-id": "m-9"}, "m-9"),
])
def test_argument_hooks(spec: str, args: dict[str, object], expected: object) -> None:
    hook = load_subject_hook(spec)
    assert hook is not None
    assert hook("any_tool", args) == expected


def test_python_hook_is_imported_and_called(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "acme_subjects.py").write_text(
        "def subject(tool, arguments):\n"
        "    if tool == 'get_chart':\n"
        "        return (arguments['mrn'], 'eu')\n"
        "    return None\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    hook = load_subject_hook("acme_subjects:subject")
    assert hook is not None
    assert hook("get_chart", {"mrn": "MRN-1"}) == ("MRN-1", "eu")
    assert hook("other", {}) is None
    sys.modules.pop("acme_subjects", None)


@pytest.mark.parametrize("spec,message", [
    ("no_such_module_abc:f", "cannot import"),
    ("json:no_such_function", "has no function"),
    ("json:__doc__", "has no function"),
    ("bad spec!", "give an argument name"),
])
def test_bad_hooks_fail_at_startup(spec: str, message: str) -> None:
    with pytest.raises(HookError, match=message):
        load_subject_hook(spec)


def test_no_hook() -> None:
    assert load_subject_hook(None) is None and load_subject_hook("") is None
