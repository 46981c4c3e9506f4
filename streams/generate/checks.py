"""Is a ground-truth value what it claims to be? Checks per entity type and subtype.

Used by the tests and by anyone auditing a truth file: identifiers by their checksum
(`detectors.validators`), contact data by the reserved ranges they come from, names
by the name lists, secrets by their issuers' formats. A look-alike must fail every
identifier check.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import zlib
from collections.abc import Callable
from datetime import datetime

from detectors import validators as v
from streams.generate.credentials import base62
from streams.generate.names import FIRST_NAMES, LAST_NAMES
from streams.generate.values import ambiguous

_MAIL = re.compile(r"[a-z0-9._]+@([a-z0-9.-]+)")
_RESERVED_MAIL = ("example.com", "example.org", "example.net", ".example")
_PHONES = (
    re.compile(r"1?\d{3}55501\d\d"),  # US 555-0100..0199
    re.compile(r"(?:44|0)(?:2079460|1614960|1134960|1214960|7700900)\d{3}"),  # Ofcom drama
    re.compile(r"(?:61|0)[2378](?:5550|7010)\d{4}"),  # ACMA fictitious
    re.compile(r"(?:49|0)0?(?:30|89)5550\d{4}"),  # invented DE block
)
_DOC_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d %B %Y", "%B %d, %Y")
_SECRETS: dict[str, re.Pattern[str]] = {
    "aws_access_key_id": re.compile(r"(?:AKIA|ASIA)[A-Z2-7]{16}"),
    "aws_secret_access_key": re.compile(r"[A-Za-z0-9+/]{40}"),
    "github_token": re.compile(r"gh[pos]_[A-Za-z0-9]{36}"),
    "slack_token": re.compile(r"xox[bp]-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}"),
    "stripe_secret_key": re.compile(r"[sr]k_live_[A-Za-z0-9]{24,99}"),
    "jwt": re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"),
    "pem_private_key": re.compile(
        r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+"
        r"-----END \1PRIVATE KEY-----"
    ),
    "password": re.compile(r"\S{8,}"),
}


def _email(value: str, _: str) -> bool:
    m = _MAIL.fullmatch(value)
    return m is not None and m.group(1).endswith(_RESERVED_MAIL)


def _phone(value: str, _: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return any(p.fullmatch(digits) for p in _PHONES)


def _person(value: str, subtype: str) -> bool:
    if subtype == "given":
        return value in FIRST_NAMES
    if subtype == "family":
        return value in LAST_NAMES
    first, _, last = value.partition(" ")
    return first in FIRST_NAMES and last in LAST_NAMES


def _dob(value: str, _: str) -> bool:
    for fmt in _DATE_FORMATS:
        try:
            return 1900 <= datetime.strptime(value, fmt).year <= 2010
        except ValueError:
            continue
    return False


def _ip(value: str, _: str) -> bool:
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return False
    return any(addr in net for net in _DOC_NETS)


def _secret(value: str, subtype: str) -> bool:
    value = value.replace("\\n", "\n")  # a PEM block as JSON-serialized text holds it
    if not _SECRETS[subtype].fullmatch(value):
        return False
    if subtype == "github_token":
        return value[-6:] == base62(zlib.crc32(value[4:34].encode()), 6)
    if subtype == "jwt":
        head = value.split(".")[0]
        return "alg" in json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    return True


def _bank(value: str, subtype: str) -> bool:
    if subtype == "aba_routing":
        return v.aba_routing(value)
    return subtype == "account" and bool(re.fullmatch(r"[1-9]\d{7,16}", value))


CHECKS: dict[str, Callable[[str, str], bool]] = {
    "CREDIT_CARD": lambda x, _: v.credit_card(x) and bool(re.fullmatch(r"[\d -]+", x)),
    "US_SSN": lambda x, _: v.us_ssn(x) and bool(re.fullmatch(r"\d{3}([- ]?)\d{2}\1\d{4}", x)),
    "IBAN_CODE": lambda x, _: v.mod97(x),
    "US_NPI": lambda x, _: v.npi(x),
    "US_MBI": lambda x, _: v.us_mbi(x),
    "MEDICAL_RECORD_NUMBER": lambda x, _: bool(re.fullmatch(r"MRN-\d{8}|\d{8}|[EKMT]\d{7}", x)),
    "US_BANK_NUMBER": _bank,
    "EMAIL_ADDRESS": _email,
    "PHONE_NUMBER": _phone,
    "PERSON": _person,
    "DATE_OF_BIRTH": _dob,
    "IP_ADDRESS": _ip,
    "SECRET": _secret,
}
"""Entity type -> check(value, subtype)."""


def valid(entity_type: str, value: str, subtype: str = "") -> bool:
    """True when a truth value is a valid instance of its entity type."""
    return CHECKS[entity_type](value, subtype)


def harmless(value: str) -> bool:
    """True when a look-alike fails every identifier check (card, SSN, NPI, IBAN, ABA, MBI)."""
    return not ambiguous(value)
