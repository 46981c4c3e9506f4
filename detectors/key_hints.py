"""Key hints: what the name of a JSON key says about the value under it.

Data, not code: `KEY_HINTS` maps key names to an entity type and a whole-value check.
A hint does two things. It raises the score of a detection of that entity inside the
value (a bare 9-digit SSN is too weak alone, not under `ssn`), and, when the whole
value passes the check, it reports the whole value even though no pattern fired
(`"patient_name": "Maria Garcia"`, `"password": "hunter2"`). `SUPPRESS_HINTS` go the
other way: under `version` or `tracking_number`, an unvalidated phone or IP look-alike
is a false positive.

Keys are normalized first (`patientSSN`, `Patient-SSN`, `patient_ssn` are one key);
an entry matches the whole key, or, when listed in `suffixes`, the key's last words
(`billing_phone_number` ends with `phone_number`).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from detectors import validators
from detectors.recognizers.date_of_birth import parse_date
from detectors.wordlists import ORG_WORDS


@dataclass(frozen=True, slots=True)
class KeyHint:
    """Keys that announce `entity_type`, and how to check a whole value under them."""

    entity_type: str
    keys: frozenset[str]
    suffixes: frozenset[str] = frozenset()
    value_check: str | None = None
    score: float = 0.85
    strict_keys: frozenset[str] = field(default_factory=frozenset)
    """Keys too generic to trust alone (`name`): the value check runs in strict mode."""


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


KEY_HINTS: tuple[KeyHint, ...] = (
    KeyHint(
        "US_SSN",
        _f("ssn", "ssns", "social_security_number", "social_security_no", "social_security",
           "ss_number", "ssn_number", "social_security_num", "socialsecuritynumber"),
        _f("ssn", "social_security_number"),
        "ssn",
    ),
    KeyHint(
        "CREDIT_CARD",
        _f("card_number", "credit_card", "credit_card_number", "cc_number", "cc_num", "pan",
           "card", "card_no", "cardnumber", "payment_card", "debit_card", "card_num"),
        _f("card_number", "credit_card", "credit_card_number", "card_no"),
        "card",
    ),
    KeyHint(
        "EMAIL_ADDRESS",
        _f("email", "emails", "email_address", "e_mail", "mail", "email_addr"),
        _f("email", "email_address", "e_mail"),
        "email",
    ),
    KeyHint(
        "PHONE_NUMBER",
        _f("phone", "phones", "phone_number", "phone_no", "telephone", "tel", "mobile",
           "mobile_number", "mobile_phone", "cell", "cell_phone", "cellphone", "fax",
           "phone_num", "msisdn"),
        _f("phone", "phone_number", "telephone", "mobile", "mobile_number", "cell_phone", "fax"),
        "phone",
    ),
    KeyHint(
        "PERSON",
        _f("patient_name", "full_name", "fullname", "first_name", "last_name", "given_name",
           "family_name", "surname", "middle_name", "customer_name", "contact_name",
           "cardholder_name", "cardholder", "card_holder", "account_holder", "holder_name",
           "member_name", "subscriber_name", "guarantor_name", "employee_name",
           "legal_name", "person_name", "patient", "name", "display_name", "physician",
           "doctor", "provider_name", "emergency_contact", "next_of_kin", "beneficiary_name",
           "recipient_name", "sender_name", "author_name", "assignee", "owner_name",
           "firstname", "lastname", "preferred_name", "maiden_name", "spouse_name",
           "given_name", "signed", "display", "creditor_name", "debtor_name", "payee_name",
           "payer_name", "subscriber", "policy_holder", "policyholder", "insured_name",
           "guarantor", "next_of_kin_name", "emergency_contact_name", "signer", "witness",
           "signed_by", "attending", "provider",
           "contact", "requester", "recipient", "sender", "author", "owner", "customer",
           "client", "member", "employee", "guarantor", "cardholder_name", "account_name",
           "beneficiary", "payee", "payer", "referred_by", "referring_physician", "pcp",
           "primary_care_physician", "nurse", "caregiver", "daughter", "son", "spouse",
           "partner", "parent", "guardian", "dear", "attn", "to", "from", "cc", "counterparty"),
        _f("patient_name", "full_name", "first_name", "last_name", "customer_name",
           "contact_name", "holder_name", "member_name", "employee_name", "legal_name",
           "creditor_name", "debtor_name", "payee_name", "payer_name", "recipient_name",
           "sender_name", "beneficiary_name", "owner_name", "subscriber_name"),
        "person",
        strict_keys=_f("name", "display_name", "patient", "physician", "doctor",
                       "provider_name", "assignee", "display", "signed", "signed_by",
                       "attending", "provider", "contact", "requester", "recipient", "sender",
                       "author", "owner", "customer", "client", "member", "employee",
                       "guarantor", "account_name", "beneficiary", "payee", "payer",
                       "referred_by", "pcp", "nurse", "caregiver", "daughter", "son", "spouse",
                       "partner", "parent", "guardian", "dear", "attn", "to", "from", "cc",
                       "counterparty", "subscriber", "signer", "witness"),
    ),
    KeyHint("PERSON", _f("given", "family", "first", "last", "middle"), _f(), "name_part"),
    KeyHint(
        "DATE_OF_BIRTH",
        _f("dob", "date_of_birth", "birth_date", "birthdate", "birthday", "born", "born_on",
           "d_o_b"),
        _f("dob", "date_of_birth", "birth_date", "birthdate"),
        "date",
    ),
    KeyHint(
        "MEDICAL_RECORD_NUMBER",
        _f("mrn", "medical_record_number", "medical_record_no", "medical_record",
           "chart_number", "mrn_number", "medical_record_num", "record_number"),
        _f("mrn", "medical_record_number"),
        "mrn",
    ),
    KeyHint("US_NPI", _f("npi", "npi_number", "national_provider_identifier"), _f("npi"), "npi"),
    KeyHint(
        "US_MBI",
        _f("mbi", "medicare_id", "medicare_number", "medicare_beneficiary_identifier"),
        _f("mbi"),
        "mbi",
    ),
    KeyHint("IBAN_CODE", _f("iban", "iban_code", "iban_number"), _f("iban"), "iban"),
    KeyHint(
        "US_BANK_NUMBER",
        _f("account_number", "bank_account", "bank_account_number", "acct", "acct_no",
           "acct_number", "account_no", "routing_number", "aba", "aba_number", "routing",
           "checking_account", "savings_account", "routing_no", "aba_routing", "account"),
        _f("account_number", "routing_number", "bank_account", "acct_number", "account_no",
           "account", "acct"),
        "bank",
    ),
    KeyHint(
        "IP_ADDRESS",
        _f("ip", "ip_address", "ip_addr", "client_ip", "remote_addr", "remote_ip", "source_ip",
           "src_ip", "dst_ip", "host_ip", "ipv4", "ipv6", "x_forwarded_for", "peer_ip"),
        _f("ip", "ip_address", "ip_addr"),
        "ip",
    ),
    KeyHint(
        "SECRET",
        _f("password", "passwd", "pwd", "passphrase", "secret", "client_secret", "api_key",
           "apikey", "x_api_key", "access_token", "refresh_token", "id_token", "auth_token",
           "session_token", "bearer_token", "token", "private_key", "secret_key",
           "secret_access_key", "aws_secret_access_key", "authorization", "access_key",
           "signing_key", "webhook_secret", "db_password", "connection_string", "api_token",
           "proxy_authorization", "x_auth_token", "personal_access_token"),
        _f("password", "passwd", "secret", "api_key", "access_token", "refresh_token",
           "auth_token", "private_key", "secret_key", "client_secret", "api_token",
           "session_token", "passphrase"),
        "secret",
        score=0.9,
    ),
)

SUPPRESS_HINTS: dict[str, frozenset[str]] = {
    key: _f("PHONE_NUMBER", "IP_ADDRESS", "US_BANK_NUMBER", "MEDICAL_RECORD_NUMBER",
            "DATE_OF_BIRTH", "US_SSN", "US_NPI")
    for key in (
        "version", "app_version", "server_version", "protocol_version", "build", "release",
        "sku", "tracking_number", "tracking", "tracking_id", "order_id", "order_number",
        "invoice_number", "uuid", "guid", "trace_id", "span_id", "request_id", "etag",
        "sha", "hash", "checksum", "digest", "timestamp", "created_at", "updated_at",
        "event_id", "message_id", "correlation_id", "session_id", "zip", "zip_code",
        "postal_code", "isbn", "serial_number", "part_number", "model_number",
        "account_id", "customer_id", "contact_id", "user_id", "ticket_id", "case_id",
        "subscription_id", "transaction_id", "invoice_id", "payment_id", "refund_id",
    )
}  # fmt: skip
"""Keys under which unvalidated numeric look-alikes are dropped."""

SUPPRESS_BELOW = 0.95
"""Checksum-validated detections (score 1.0) survive a suppressing key."""

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


@functools.lru_cache(maxsize=16384)
def normalize_key(key: str) -> str:
    """`patientSSN`, `Patient-SSN`, `patient ssn` all become `patient_ssn`."""
    return _NON_ALNUM.sub("_", _CAMEL.sub("_", key)).strip("_").lower()


def key_words(key: str | None) -> list[str]:
    """The words of a key, as context words for Presidio (`card_number` -> card, number)."""
    return [w for w in normalize_key(key).split("_") if w] if key else []


@dataclass(frozen=True, slots=True)
class HintMatch:
    """A hint that applies to one key, and whether its check must be strict."""

    hint: KeyHint
    strict: bool


def _matches(norm: str, keys: frozenset[str], suffixes: frozenset[str]) -> bool:
    if norm in keys:
        return True
    return any(norm.endswith("_" + s) for s in suffixes)


def hints_for_key(key: str | None, extra: tuple[KeyHint, ...] = ()) -> list[HintMatch]:
    """Every hint whose key list names `key` (normalized); cached, keys repeat a lot."""
    if not key:
        return []
    return list(_hints_for(normalize_key(key), extra))


@functools.lru_cache(maxsize=16384)
def _hints_for(norm: str, extra: tuple[KeyHint, ...]) -> tuple[HintMatch, ...]:
    return tuple(
        HintMatch(hint, norm in hint.strict_keys)
        for hint in (*KEY_HINTS, *extra)
        if _matches(norm, hint.keys, hint.suffixes)
    )


@functools.lru_cache(maxsize=16384)
def suppressed_for_key(key: str | None) -> frozenset[str]:
    """Entity types whose unvalidated detections are dropped under `key`."""
    if not key:
        return frozenset()
    norm = normalize_key(key)
    found = SUPPRESS_HINTS.get(norm)
    if found is None and "_" in norm:
        found = SUPPRESS_HINTS.get(norm.rsplit("_", 1)[-1])
    return found or frozenset()


# --- whole-value checks -------------------------------------------------------------

_SSN_SHAPE = re.compile(r"[0-9]{3}([- .]?)[0-9]{2}\1[0-9]{4}")
_CARD_SHAPE = re.compile(r"[0-9][0-9 \-.]{10,22}[0-9]")
_EMAIL_SHAPE = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")
_PHONE_SHAPE = re.compile(
    r"\+?[0-9()][0-9 ().\-/]{5,22}[0-9](?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?", re.I
)
_MRN_SHAPE = re.compile(r"(?:[A-Za-z]{1,4}[-#: ]?)?[0-9]{4,12}")
_BANK_SHAPE = re.compile(r"[0-9]{4,17}")
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-](?=[^\W\d_])|\.$)*\.?")
_NAME_PARTICLES = frozenset(
    {"da", "de", "del", "della", "der", "di", "du", "la", "le", "van", "von", "bin", "binti",
     "al", "el", "ibn", "dos", "das", "do", "ter", "ten", "y", "e", "st", "zu", "af", "av"}
)  # fmt: skip
_NOT_NAMES = frozenset(
    {"unknown", "n/a", "na", "none", "null", "redacted", "anonymous", "test", "tbd", "user",
     "admin", "patient", "customer", "default", "example", "sample", "guest", "system",
     "true", "false", "yes", "no"}
)  # fmt: skip
_MASKED = re.compile(
    r"[*xX•#.\-_]+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\[?redacted\]?|null|none", re.I
)


_TITLE = re.compile(r"(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Sir|Dame|Rev)\.?\s+)+", re.IGNORECASE)
_CREDENTIALS = re.compile(
    r"(?:,?\s+(?:MD|DO|RN|NP|PA-C|PA|PhD|DDS|DMD|MBBS|FRCP|FACP|LPN|CNM|PharmD|DNP|APRN)\.?)+$"
)


_NAME_END = re.compile(r"\s*[<(,;|/]")


def name_bounds(value: str, strict: bool) -> tuple[int, int] | None:
    """The span of a person's name in `value` (titles and credentials left out), or None.

    `Maria Garcia <maria@example.com>, Acme` yields the name before the address.
    """
    found = _name_bounds(value, strict)
    if found is None:
        cut = _NAME_END.search(value)
        if cut is not None and cut.start() > 0:
            found = _name_bounds(value[: cut.start()], strict)
    return found


def _name_bounds(value: str, strict: bool) -> tuple[int, int] | None:
    title = _TITLE.match(value)
    start = title.end() if title else 0
    cred = _CREDENTIALS.search(value, start)
    end = cred.start() if cred else len(value)
    name = value[start:end]
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 80 or name.lower() in _NOT_NAMES:
        return None
    if not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    if any(w.lower().strip(".") in ORG_WORDS for w in words):
        return None
    if sum(c.isalpha() for c in name) < 2:
        return None
    if strict:
        caps = [w for w in words if w.lower() not in _NAME_PARTICLES]
        if len(words) < 2 and not (title or cred):
            return None
        if not caps or not all(w[0].isupper() for w in caps) or name.isupper():
            return None
    return start, end


def _name_part(value: str) -> tuple[int, int] | None:
    """FHIR `name.given` / `name.family`: one to four capitalized name words."""
    words = value.split()
    if not 1 <= len(words) <= 4 or any(c.isdigit() for c in value):
        return None
    caps = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not caps or not all(w[0].isupper() and _NAME_WORD.fullmatch(w) for w in caps):
        return None
    return None if value.lower() in _NOT_NAMES else (0, len(value))


_NOT_CREDENTIALS = re.compile(
    r"(?:tok|pm|card|src|cus|ch|pi|seti|sub|in|prod|price|txn|evt|req|acct|ba|btok)_[A-Za-z0-9]+"
)
"""Payment-processor object ids (a card token `tok_...` stands in for a card; it is
not a credential and is meant to be shared)."""


def _secret(value: str) -> bool:
    if len(value) < 4 or _MASKED.fullmatch(value) or len(set(value)) <= 2:
        return False
    return not _NOT_CREDENTIALS.fullmatch(value)


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _phone(value: str) -> bool:
    if not _PHONE_SHAPE.fullmatch(value):
        return False
    digits = sum(c.isdigit() for c in value.split("x")[0].split("ext")[0])
    return 7 <= digits <= 15


def _date(value: str) -> bool:
    head = re.split(r"[T ](?=[0-9]{1,2}:)", value, maxsplit=1)[0]
    return parse_date(head) is not None


def _whole(ok: bool, value: str) -> tuple[int, int] | None:
    return (0, len(value)) if ok else None


VALUE_CHECKS: dict[str, Callable[[str, bool], tuple[int, int] | None]] = {
    "ssn": lambda v, _s: _whole(bool(_SSN_SHAPE.fullmatch(v)) and validators.us_ssn(v), v),
    "card": lambda v, _s: _whole(bool(_CARD_SHAPE.fullmatch(v)) and validators.credit_card(v), v),
    "email": lambda v, _s: _whole(bool(_EMAIL_SHAPE.fullmatch(v)), v),
    "phone": lambda v, _s: _whole(_phone(v), v),
    "person": name_bounds,
    "name_part": lambda v, _s: _name_part(v),
    "date": lambda v, _s: _whole(_date(v), v),
    "mrn": lambda v, _s: _whole(
        bool(_MRN_SHAPE.fullmatch(v)) and len(set(filter(str.isdigit, v))) > 1, v
    ),
    "npi": lambda v, _s: _whole(validators.npi(v) and v.isdigit(), v),
    "mbi": lambda v, _s: _whole(validators.us_mbi(v), v),
    "iban": lambda v, _s: _whole(validators.mod97(v), v),
    "bank": lambda v, _s: _whole(bool(_BANK_SHAPE.fullmatch(v)) and len(set(v)) > 1, v),
    "ip": lambda v, _s: _whole(_ip(v), v),
    "secret": lambda v, _s: _whole(_secret(v), v),
}
"""Whole-value checks by name: `check(value, strict)` -> the entity's span in the
(stripped) value, usually all of it, or None when the value is not that entity."""


def whole_value_span(match: HintMatch, value: str) -> tuple[int, int] | None:
    """Where the hinted entity lies in the whole (stripped) `value`, or None."""
    check = match.hint.value_check
    if check is None or not value:
        return None
    return VALUE_CHECKS[check](value, match.strict)
