"""EMAIL_ADDRESS, PHONE_NUMBER, IP_ADDRESS: Presidio-based, offline, tuned for look-alikes."""

from __future__ import annotations

import pytest

EMAILS = [
    ("mail dr.jones@clinic.example now", "dr.jones@clinic.example"),
    ("maria.garcia@example.com", "maria.garcia@example.com"),
    ("<dlamini.mateus@corp.example.com>,", "dlamini.mateus@corp.example.com"),
    ("mailto:john@example.org", "john@example.org"),
    ("x_y+tag@mail.example.co.uk.", "x_y+tag@mail.example.co.uk"),
    ("a@b.test", "a@b.test"),
]
NOT_EMAILS = ["user@host", "a@b.zzzz", "@example.com", "postgres://admin:s3cret@db.example.com/x"]

PHONES = [
    ("call (415) 555-0101 now", "(415) 555-0101"),
    ("415-555-0101", "415-555-0101"),
    ("415.555.0101", "415.555.0101"),
    ("+1 415 555 0101", "+1 415 555 0101"),
    ("+14155550101", "+14155550101"),
    ("1-415-555-0101", "1-415-555-0101"),
    ("UK 07700 900844", "07700 900844"),
    ("+44 7700 900844.", "+44 7700 900844"),
    ("(020) 7946 0123", "(020) 7946 0123"),
    ("+44 20 7946 0123", "+44 20 7946 0123"),
    ("(02) 5550 1234", "(02) 5550 1234"),
    ("+61 2 7010 1234", "+61 2 7010 1234"),
    ("+49 30 5550 1234", "+49 30 5550 1234"),
    ("030 55501234", "030 55501234"),
    ("+49 (0)89 5550-1234", "+49 (0)89 5550-1234"),
    ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
    ("tel. 01.23.45.67.89", "01.23.45.67.89"),
    ("phone: 4155550101", "4155550101"),  # bare, but said to be a phone
]
NOT_PHONES = [
    "4111 1111 1111 1111",  # a card
    "4937 6381 4068 0290",  # sixteen grouped digits
    "123-45-6788",  # an SSN
    "2026-11-22T06:30:00Z",
    "2025-12-29 16:09:34",
    "at 12:04.663087Z",
    "4a1c8e05-913f-4781-96aa-0720413e5f0b",
    "SO-2026-531046",
    "ORD-4852791",
    "4512345678",  # bare digits without a phone word
    "amount 3974.37",
    "version 5.6.22.8749",
    "0.24.2.5721",
    "192.0.2.44",
    "354381,#471984",
    "on the fax 1809087959 is",  # NPI-shaped: NANP numbers do not start with 1
    "9400 1118 9922 3100 0123 45",
]

IPS = [
    ("client_ip=192.0.2.226 status=502", "192.0.2.226"),
    ("from 203.0.113.7", "203.0.113.7"),
    ("ip 2001:db8::1", "2001:db8::1"),
    ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3:8d3:1319:8a2e:370:7348"),
    ("10.0.0.1/24", "10.0.0.1/24"),
]
NOT_IPS = ["version 10.4.2.1", "v10.4.2.1", "upgraded to v 1.2.3.4", "10.0.0.256", "1.2.3", "12:30:45"]


@pytest.mark.parametrize(("text", "value"), EMAILS)
def test_emails(find, text: str, value: str) -> None:
    assert ("EMAIL_ADDRESS", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_not_emails(find, text: str) -> None:
    assert all(t != "EMAIL_ADDRESS" for t, _ in find(text, ner=False))


@pytest.mark.parametrize(("text", "value"), PHONES)
def test_phones(find, text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_not_phones(find, text: str) -> None:
    assert all(t != "PHONE_NUMBER" for t, _ in find(text, ner=False))


@pytest.mark.parametrize(("text", "value"), IPS)
def test_ips(find, text: str, value: str) -> None:
    assert ("IP_ADDRESS", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_IPS)
def test_not_ips(find, text: str) -> None:
    assert all(t != "IP_ADDRESS" for t, _ in find(text, ner=False))


@pytest.mark.parametrize(
    ("key", "value", "entity"),
    [
        ("email", "someone@example.com", "EMAIL_ADDRESS"),
        ("phone", "4155550101", "PHONE_NUMBER"),
        ("mobile_number", "07700900844", "PHONE_NUMBER"),
        ("client_ip", "203.0.113.9", "IP_ADDRESS"),
    ],
)
def test_contact_key_hints(find, key: str, value: str, entity: str) -> None:
    assert find(value, key=key, ner=False) == [(entity, value)]


@pytest.mark.parametrize(("key", "value"), [("version", "10.4.2.1"), ("server_version", "1.4.2.7")])
def test_versions_under_version_keys(find, key: str, value: str) -> None:
    assert find(value, key=key, ner=False) == []
