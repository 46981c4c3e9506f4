"""MEDICAL_RECORD_NUMBER, US_MBI, DATE_OF_BIRTH: health identifiers that need context."""

from __future__ import annotations

import pytest

MRN = [
    ("MRN: 00123456", "00123456"),
    ("MRN MRN-00001234 seen", "MRN-00001234"),
    ("Encounters for MRN 4471920:", "4471920"),
    ("medical record number E5823141,", "E5823141"),
    ("chart # 7788123", "7788123"),
    ('{"mrn": "H1234567"}', "H1234567"),
]
NOT_MRN = ["order 4471920", "12345678", "MRN: 000000", "invoice INV-2026-50519"]

MBI = [
    ("Medicare MBI 1EG4TE5MK73", "1EG4TE5MK73"),
    ("MBI: 1EG4-TE5-MK73", "1EG4-TE5-MK73"),
    ("beneficiary 9AA0A00AA00", "9AA0A00AA00"),
]
NOT_MBI = ["1EG4TE5MK7", "0EG4TE5MK73", "1SG4TE5MK73", "1eg4te5mk73", "ABCDEFGHIJK"]

DOB = [
    ("DOB: 1980-05-17", "1980-05-17"),
    ("Date of birth 05/17/1980.", "05/17/1980"),
    ("born on March 3, 1985 in", "March 3, 1985"),
    ("d.o.b. 17.05.1980", "17.05.1980"),
    ("birthday: 3 March 1985", "3 March 1985"),
    ("date of birth confirmed as April 8, 2001 at check-in", "April 8, 2001"),
    ('{"birthDate": "1962-08-17"}', "1962-08-17"),
]
NOT_DOB = [
    "2026-11-22T06:30:00Z",  # a time stamp
    "updated 2026-11-22T06:30:00.123456+00:00",
    "visit on 1980-05-17",  # a date, but not said to be a birth date
    "DOB 1880-01-01",  # too old
    "DOB 2099-01-01",  # in the future
    "DOB 1980-02-30",  # no such day
    "version 1.2.2019",
]


@pytest.mark.parametrize(("text", "value"), MRN)
def test_mrn(find, text: str, value: str) -> None:
    assert ("MEDICAL_RECORD_NUMBER", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_MRN)
def test_not_mrn(find, text: str) -> None:
    assert all(t != "MEDICAL_RECORD_NUMBER" for t, _ in find(text, ner=False))


@pytest.mark.parametrize(("text", "value"), MBI)
def test_mbi(find, text: str, value: str) -> None:
    assert ("US_MBI", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_MBI)
def test_not_mbi(find, text: str) -> None:
    assert all(t != "US_MBI" for t, _ in find(f"MBI {text}", ner=False))


@pytest.mark.parametrize(("text", "value"), DOB)
def test_dob(find, text: str, value: str) -> None:
    assert ("DATE_OF_BIRTH", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_DOB)
def test_not_dob(find, text: str) -> None:
    assert all(t != "DATE_OF_BIRTH" for t, _ in find(text, ner=False))


@pytest.mark.parametrize(
    ("key", "value", "entity"),
    [
        ("dob", "1980-05-17", "DATE_OF_BIRTH"),
        ("date_of_birth", "17 May 1980", "DATE_OF_BIRTH"),
        ("birthDate", "1980-05-17T00:00:00Z", "DATE_OF_BIRTH"),
        ("mrn", "4471920", "MEDICAL_RECORD_NUMBER"),
        ("medical_record_number", "MRN-00001234", "MEDICAL_RECORD_NUMBER"),
        ("Medicare MBI", "1EG4TE5MK73", "US_MBI"),
    ],
)
def test_health_key_hints(find, key: str, value: str, entity: str) -> None:
    assert find(value, key=key, ner=False) == [(entity, value)]


@pytest.mark.parametrize(("key", "value"), [("created_at", "1980-05-17"), ("date", "1980-05-17")])
def test_plain_dates_are_not_birth_dates(find, key: str, value: str) -> None:
    assert find(value, key=key, ner=False) == []
