"""The key-hint table: normalization, matching, whole values, suppression."""

from __future__ import annotations

import pytest

from detectors.key_hints import (
    KEY_HINTS,
    hints_for_key,
    name_bounds,
    normalize_key,
    suppressed_for_key,
)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [("patientSSN", "patient_ssn"), ("Patient-SSN", "patient_ssn"), ("patient ssn", "patient_ssn"),
     ("DOB", "dob"), ("dateOfBirth", "date_of_birth"), ("e-mail", "e_mail"),
     ("Medicare MBI", "medicare_mbi"), ("__card__", "card")],
)  # fmt: skip
def test_normalize_key(raw: str, norm: str) -> None:
    assert normalize_key(raw) == norm


@pytest.mark.parametrize(
    ("key", "entity"),
    [("ssn", "US_SSN"), ("member_ssn", "US_SSN"), ("card_number", "CREDIT_CARD"),
     ("billing_phone_number", "PHONE_NUMBER"), ("workEmail", "EMAIL_ADDRESS"),
     ("birthDate", "DATE_OF_BIRTH"), ("patient_dob", "DATE_OF_BIRTH"),
     ("mrn", "MEDICAL_RECORD_NUMBER"), ("provider_npi", "US_NPI"), ("iban", "IBAN_CODE"),
     ("routing_number", "US_BANK_NUMBER"), ("client_ip", "IP_ADDRESS"),
     ("db_password", "SECRET"), ("x-api-key", "SECRET"), ("patient_name", "PERSON"),
     ("given", "PERSON")],
)  # fmt: skip
def test_keys_announce_entities(key: str, entity: str) -> None:
    assert entity in {m.hint.entity_type for m in hints_for_key(key)}


@pytest.mark.parametrize(
    "key", ["text", "name_server", "file_name", "token_type", "max_tokens", "account_id",
            "ssn_verified_at", "description", "id", None, ""],
)  # fmt: skip
def test_keys_that_announce_nothing_sensitive(key: str | None) -> None:
    assert hints_for_key(key) == []


def test_the_table_is_data() -> None:
    assert {h.entity_type for h in KEY_HINTS} >= {
        "US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "DATE_OF_BIRTH",
        "MEDICAL_RECORD_NUMBER", "US_NPI", "IBAN_CODE", "US_BANK_NUMBER", "SECRET",
    }  # fmt: skip


@pytest.mark.parametrize("key", ["version", "tracking_number", "order_id", "serverVersion"])
def test_suppressing_keys(key: str) -> None:
    assert "PHONE_NUMBER" in suppressed_for_key(key)
    assert "CREDIT_CARD" not in suppressed_for_key(key)


@pytest.mark.parametrize(
    ("value", "strict", "name"),
    [("Maria Garcia", True, "Maria Garcia"), ("Dr. Wei Zhang", True, "Wei Zhang"),
     ("Wei Zhang, MD", True, "Wei Zhang"), ("José da Silva", True, "José da Silva"),
     ("Ana <ana@x.example>, Acme", False, "Ana"), ("Aroha", False, "Aroha")],
)  # fmt: skip
def test_name_bounds(value: str, strict: bool, name: str) -> None:
    bounds = name_bounds(value, strict)
    assert bounds is not None and value[bounds[0] : bounds[1]] == name


@pytest.mark.parametrize(
    ("value", "strict"),
    [("Aroha", True), ("blood pressure", True), ("Harbor Coffee Co", True),
     ("Orbital Dental", False), ("unknown", False), ("get_patient_record", False),
     ("R2-D2", False), ("MARIA GARCIA", True)],
)  # fmt: skip
def test_not_names(value: str, strict: bool) -> None:
    assert name_bounds(value, strict) is None


def test_a_hint_raises_a_weak_detection(find) -> None:
    assert find("536221234", ner=False) == []
    assert find("536221234", key="ssn", ner=False) == [("US_SSN", "536221234")]


def test_a_hint_inside_a_longer_value(find) -> None:
    assert ("US_SSN", "536221234") in find("on file: 536221234 (verified)", key="ssn", ner=False)


def test_validated_detections_survive_suppression(find) -> None:
    assert find("4111111111111111", key="order_id", ner=False) == [
        ("CREDIT_CARD", "4111111111111111")
    ]
    assert find("415-555-0101", key="tracking_number", ner=False) == []
