"""Keys inside strings: JSON (even double-encoded), `Key: value` text, CSV, markdown."""

from __future__ import annotations

import json

import pytest

from detectors.embedded import embedded_units, parent_key


def units(text: str) -> list[tuple[str | None, str]]:
    return [(u.key, text[u.start : u.end]) for u in embedded_units(text).units]


def test_json_pairs() -> None:
    text = json.dumps({"ssn": "536-22-1234", "n": 123456789, "x": {"name": "Ana"}})
    assert units(text) == [("ssn", "536-22-1234"), ("n", "123456789"), ("name", "Ana")]


def test_double_encoded_json() -> None:
    inner = json.dumps({"contact": {"name": {"first": "María", "last": "Horváth"}}},
                       ensure_ascii=False)
    text = json.dumps({"ok": True, "payload": inner}, ensure_ascii=False)
    found = units(text)
    assert ("first", "María") in found and ("last", "Horváth") in found


def test_key_value_text() -> None:
    text = (
        "PROGRESS NOTE\nPatient: Maria Garcia   MRN MRN-00001234   DOB: 1980-05-17\n"
        "**Name:** John Smith; **Email**: a@b.com\n- Date of birth: 1980-01-01"
    )
    assert units(text) == [
        ("Patient", "Maria Garcia"),
        ("DOB", "1980-05-17"),
        ("Name", "John Smith"),
        ("Email", "a@b.com"),
        ("Date of birth", "1980-01-01"),
    ]


def test_csv_table_with_a_preface() -> None:
    text = "Encounters for MRN 12345678:\ndate,provider,provider_npi\n2026-01-02,Ana Li,1234567893"
    found = units(text)
    assert ("provider", "Ana Li") in found and ("provider_npi", "1234567893") in found
    [(start, end)] = embedded_units(text).tables
    assert text[start:end].startswith("date,provider") and text[start:end].endswith("1234567893")


def test_markdown_table() -> None:
    text = "| Name | Email |\n|---|---|\n| Chidi Nwosu | c@example.com |\n| Ana Li | a@b.com |"
    assert units(text) == [
        ("Name", "Chidi Nwosu"), ("Email", "c@example.com"),
        ("Name", "Ana Li"), ("Email", "a@b.com"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "parent"), [("first", "name"), ("name", "company"), ("plan", "company")]
)
def test_parent_of_an_embedded_value(key: str, parent: str) -> None:
    text = json.dumps({"contact": {"name": {"first": "Ana"}, "company": {"name": "X", "plan": "T"}}})
    unit = next(u for u in embedded_units(text).units if u.key == key and (
        key != "name" or text[u.start : u.end] == "X"))
    assert parent_key(text, unit.start) == parent


def test_embedded_keys_drive_detection(find) -> None:
    text = json.dumps({"patient": {"name": {"given": "Aroha", "family": "Ngata"},
                                   "ssn": "536221234", "birthDate": "1962-08-17",
                                   "password": "hunter22", "company": {"name": "Orbital Dental"}}})
    found = find(text, key="text", ner=False)
    assert ("PERSON", "Aroha") in found and ("PERSON", "Ngata") in found
    assert ("US_SSN", "536221234") in found and ("DATE_OF_BIRTH", "1962-08-17") in found
    assert ("SECRET", "hunter22") in found
    assert all(v != "Orbital Dental" for _, v in found)


def test_table_headers_drive_detection(find) -> None:
    text = "provider,provider_npi,reason\nAna Li,1234567893,lab review\nBo Chen,1245319599,x"
    found = find(text, key="text", ner=False)
    assert ("US_NPI", "1234567893") in found and ("US_NPI", "1245319599") in found
    assert ("PERSON", "Ana Li") in found and ("PERSON", "Bo Chen") in found
