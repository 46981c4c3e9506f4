"""A detector evaluation corpus from data this project did not write.

Values come from Faker (every card type of its credit-card provider, phone numbers,
IBANs and names of every locale with its own provider, e-mails) and, for identifiers
Faker lacks, from public rules (NPI check digit, CMS MBI layout, SSA rules for SSNs,
SWIFT registry BBAN layouts for the other IBAN countries, vendor token layouts). Each
value is written into MCP-shaped text the way tools emit it (JSON tool output, prose,
CSV, log lines, `key: value` lines, markdown tables), chosen at random, so a recognizer
tuned to one layout does not look good by accident. Evasions (`evasion_cases`) are the
same values written to slip past a detector; look-alikes (`lookalike_cases`) are what
tools print all day that must stay untouched.

Everything is seeded: the same corpus on every run and machine. `kind` names the
sub-population (card type, phone locale, evasion form...) that recall is reported by.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import random
import string
import unicodedata
import uuid
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from faker import Faker
from faker.config import AVAILABLE_LOCALES
from faker.providers.credit_card import Provider as CardProvider

from detectors.validators import iban_check_digits, luhn_check_digit, npi_check_digit, us_ssn

SEED = 10
"""The corpus seed (issue 10); change it only on purpose: known gaps are keyed to it."""


IBAN_COUNTRIES = frozenset(
    "AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE "
    "GI GL GR GT HR HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU "
    "NI NL NO OM PK PL PS PT QA RO RS RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK "
    "YE".split()
)
"""Countries of the SWIFT IBAN registry. Faker also invents IBAN-shaped strings for
countries without IBANs (TH, PH, AR, BD...); those are not IBANs and are left out."""


@dataclass(frozen=True, slots=True)
class Case:
    """One planted value: `value` occurs in `text` once, exactly as written there."""

    entity_type: str
    value: str
    text: str
    key: str | None
    kind: str

    @property
    def start(self) -> int:
        return self.text.index(self.value)


# --- layouts -----------------------------------------------------------------------

Layout = Callable[[random.Random, str, str, str], tuple[str, str | None]]
"""(rng, field key, field words, value as written) -> (text, StringSite key)."""

_SITE_KEYS = ("text", "content", "output", "result", None)
"""Keys MCP tool results put free text under; none of them hints an entity."""


def _json(rng: random.Random, key: str, words: str, shown: str) -> tuple[str, str | None]:
    rid = rng.randrange(10_000, 99_999)
    return (f'{{"id": {rid}, "{key}": "{shown}", "status": "active"}}', rng.choice(_SITE_KEYS))


def _prose(rng: random.Random, key: str, words: str, shown: str) -> tuple[str, str | None]:
    form = rng.choice([
        "Please update the {w} to {v} before the end of the week.",
        "The customer confirmed their {w} is {v} over the phone.",
        "Found {w} {v} in the uploaded file; flagging for review.",
        "For reference, the {w} on file: {v}. Let me know if it changed.",
    ])
    return form.format(w=words, v=shown), rng.choice(_SITE_KEYS)


def _csv(rng: random.Random, key: str, words: str, shown: str) -> tuple[str, str | None]:
    rid = rng.randrange(1000, 9999)
    return f"row_id,{key},region\n{rid},{shown},north\n", rng.choice(_SITE_KEYS)


def _log(rng: random.Random, key: str, words: str, shown: str) -> tuple[str, str | None]:
    level = rng.choice(["INFO", "WARN", "DEBUG"])
    return f"{level} worker-{rng.randrange(1, 9)} sync: {key}={shown} took=12ms", "output"


def _kv(rng: random.Random, key: str, words: str, shown: str) -> tuple[str, str | None]:
    return f"status: ok\n{key}: {shown}\nretries: 0", rng.choice(_SITE_KEYS)


def _markdown(rng: random.Random, key: str, words: str, shown: str) -> tuple[str, str | None]:
    return f"| field | value |\n|---|---|\n| {words} | {shown} |\n| state | open |", "text"


LAYOUTS: tuple[Layout, ...] = (_json, _prose, _csv, _log, _kv, _markdown)

# the fields each entity is found under: (key as a program writes it, words as people do)
LABELS: dict[str, tuple[tuple[str, str], ...]] = {
    "CREDIT_CARD": (("card_number", "card number"), ("card", "card"), ("pan", "card")),
    "PHONE_NUMBER": (("phone", "phone number"), ("mobile", "mobile number"), ("tel", "phone")),
    "IBAN_CODE": (("iban", "IBAN"), ("bank_account", "bank account (IBAN)")),
    "EMAIL_ADDRESS": (("email", "email"), ("contact", "contact address"), ("reply_to", "email")),
    "US_SSN": (("ssn", "SSN"), ("social_security_number", "social security number")),
    "US_NPI": (("npi", "NPI"), ("provider_npi", "provider NPI")),
    "US_MBI": (("mbi", "Medicare MBI"), ("medicare_id", "Medicare beneficiary id")),
    "SECRET": (("secret", "secret"), ("credential", "credential")),
}


def _place(rng: random.Random, entity: str, shown: str,
           labels: tuple[tuple[str, str], ...] | None = None) -> tuple[str, str | None]:
    key, words = rng.choice(labels or LABELS[entity])
    return rng.choice(LAYOUTS)(rng, key, words, shown)


def _case(rng: random.Random, entity: str, kind: str, value: str, shown: str | None = None,
          labels: tuple[tuple[str, str], ...] | None = None) -> Case:
    """`value` written as `shown` (value plus glue, say) in a random layout."""
    text, key = _place(rng, entity, shown or value, labels)
    return Case(entity, value, text, key, kind)


# --- Faker -------------------------------------------------------------------------


@cache
def _faker(locale: str) -> Faker:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated locales (fr_QC) warn once on load
        return Faker(locale)


class _Fakes:
    """Faker per locale, each seeded on first use by this generator: a generator's values
    do not depend on which generators ran before it (Faker instances are shared)."""

    def __init__(self, seed: int) -> None:
        self.seed, self.seeded = seed, set[str]()

    def __call__(self, locale: str) -> Faker:
        fake = _faker(locale)
        if locale not in self.seeded:
            fake.seed_instance(self.seed)
            self.seeded.add(locale)
        return fake


@cache
def own_locales(provider: str, method: str) -> tuple[str, ...]:
    """Locales whose own module of a Faker provider (`phone_number`, `bank`, `person`) has
    `method`, not the en_US fallback; found without building a Faker per locale (slow).
    (The en_PH phone provider, say, has only mobile_number and landline_number.)"""
    out = []
    for loc in AVAILABLE_LOCALES:
        name = f"faker.providers.{provider}.{loc}"
        if importlib.util.find_spec(name) is not None:
            if hasattr(importlib.import_module(name).Provider, method):
                out.append(loc)
    return tuple(out)


@cache
def iban_locales() -> dict[str, str]:
    """Country code -> the first locale whose bank provider makes IBANs of that country."""
    out: dict[str, str] = {}
    for loc in own_locales("bank", "country_code"):
        module = importlib.import_module(f"faker.providers.bank.{loc}")
        country = getattr(module.Provider, "country_code", None)
        if country in IBAN_COUNTRIES and country not in out:
            out[country] = loc
    return out


CARD_TYPES: tuple[str, ...] = tuple(CardProvider.credit_card_types)


_CARD_GROUPS = {12: (4, 4, 4), 13: (4, 3, 3, 3), 14: (4, 6, 4), 15: (4, 6, 5), 16: (4, 4, 4, 4),
                19: (4, 4, 4, 4, 3)}
"""How numbers of each length are printed on cards and receipts."""


def _grouped(digits: str, rng: random.Random) -> str:
    return rng.choice([" ", "-"]).join(card_groups(digits))


def card_cases(per_type: int = 150) -> list[Case]:
    """Every card type Faker knows; half written plain, half grouped."""
    rng = random.Random(SEED + 1)
    fakes = _Fakes(SEED + 1)
    fake = fakes("en_US")
    out = []
    for kind in CARD_TYPES:
        for i in range(per_type):
            number = fake.credit_card_number(card_type=kind)
            shown = number if i % 2 else _grouped(number, rng)
            out.append(_case(rng, "CREDIT_CARD", kind, shown))
    return out


PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15
"""E.164 bounds: Faker also emits 3-digit service numbers (ar_JO), which are not kept."""


def phone_cases(per_locale: int = 30) -> list[Case]:
    """`phone_number()` of every locale with its own phone provider, as Faker writes them
    (extensions, trunk prefixes, national digits included)."""
    rng = random.Random(SEED + 2)
    fakes = _Fakes(SEED + 2)
    out = []
    for loc in own_locales("phone_number", "phone_number"):
        fake, kept, tries = fakes(loc), 0, 0
        while kept < per_locale and tries < per_locale * 5:
            tries += 1
            number = fake.phone_number()
            digits = sum(unicodedata.digit(c, -1) >= 0 for c in number)
            if PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS + 6:  # + an extension
                out.append(_case(rng, "PHONE_NUMBER", loc, number))
                kept += 1
    return out


# BBAN layouts of the SWIFT IBAN registry for countries Faker has no bank provider for:
# counts of n (digits), a (upper-case letters), c (letters or digits), in order.
IBAN_BBANS: dict[str, str] = {
    "AD": "8n12c", "AE": "19n", "AL": "8n16c", "BA": "16n", "BG": "4a6n8c", "BH": "4a14c",
    "CR": "18n", "CY": "8n16c", "DO": "4c20n", "EE": "16n", "EG": "25n", "FO": "14n",
    "GE": "2a16n", "GI": "4a15c", "GL": "14n", "GT": "4c20c", "HR": "17n", "HU": "24n",
    "IL": "19n", "IQ": "4a15n", "IS": "22n", "JO": "4a4n18c", "KW": "4a22c", "KZ": "3n13c",
    "LB": "4n20c", "LC": "4a24c", "LI": "5n12c", "LT": "16n", "LU": "3n13c", "LV": "4a13c",
    "MC": "10n11c2n", "MD": "20c", "ME": "18n", "MR": "23n", "MT": "4a5n18c", "MU": "4a19n3a",
    "PS": "4a21c", "QA": "4a21c", "RS": "18n", "SA": "2n18c", "SC": "4a20n3a", "SE": "20n",
    "SI": "15n", "SM": "1a10n12c", "TN": "20n", "XK": "16n",
}  # fmt: skip
_BBAN_CHARS = {"n": string.digits, "a": string.ascii_uppercase,
               "c": string.ascii_uppercase + string.digits}


def rule_iban(country: str, rng: random.Random) -> str:
    """An IBAN of the registry layout, check digits by ISO 7064 mod 97-10."""
    spec, bban, count = IBAN_BBANS[country], "", ""
    for ch in spec:
        if ch.isdigit():
            count += ch
        else:
            bban += "".join(rng.choice(_BBAN_CHARS[ch]) for _ in range(int(count)))
            count = ""
    return country + iban_check_digits(country, bban) + bban


def iban_kinds() -> list[str]:
    """Faker's countries, then the registry countries made by rule."""
    faker_made = list(iban_locales())
    return faker_made + sorted(c for c in IBAN_BBANS if c not in faker_made)


def iban_cases(per_country: int = 50) -> list[Case]:
    """`iban()` of every Faker locale that has its own, one kind per country; IBANs made
    by the registry layout for the other registry countries."""
    rng = random.Random(SEED + 3)
    fakes = _Fakes(SEED + 3)
    out = []
    by_faker = iban_locales()
    for country in iban_kinds():
        make = fakes(by_faker[country]).iban if country in by_faker else None
        for _ in range(per_country):
            iban = make() if make else rule_iban(country, rng)
            out.append(_case(rng, "IBAN_CODE", country, iban))
    return out


EMAIL_METHODS = ("email", "free_email", "company_email", "safe_email", "ascii_company_email")


def email_cases(per_method: int = 150) -> list[Case]:
    """E-mails of Faker's e-mail methods, from many locales' name and domain providers."""
    rng = random.Random(SEED + 4)
    fakes = _Fakes(SEED + 4)
    locales = own_locales("person", "first_name")
    out = []
    for method in EMAIL_METHODS:
        for i in range(per_method):
            fake = fakes(locales[i % len(locales)])
            out.append(_case(rng, "EMAIL_ADDRESS", method, getattr(fake, method)()))
    return out


PERSON_LOCALES = (
    "en_US", "en_GB", "en_IN", "en_AU", "en_NZ", "en_IE", "en_NG", "de_DE", "de_AT", "fr_FR",
    "fr_CA", "es_ES", "es_MX", "it_IT", "nl_NL", "pt_BR", "pt_PT", "pl_PL", "sv_SE", "da_DK",
    "no_NO", "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "id_ID", "vi_VN", "ja_JP", "zh_CN",
    "ru_RU", "el_GR", "ar_AA", "he_IL", "ko_KR", "hi_IN",
)

_PERSON_PROSE = (
    "{n} joined the platform team in March and owns the billing service.",
    "Please forward the signed contract to {n} before Friday.",
    "Meeting notes: {n} will present the roadmap; questions go to the channel.",
    "The ticket was reopened by {n} after the deploy failed again.",
    "Thanks again to {n} for reviewing the migration plan.",
    "Escalated to {n}, who is on call this week.",
)


@cache
def person_cases(per_locale: int = 40) -> tuple[Case, ...]:
    """First and last names (no titles) of many locales inside English prose."""
    rng = random.Random(SEED + 5)
    fakes = _Fakes(SEED + 5)
    out = []
    for loc in PERSON_LOCALES:
        fake = fakes(loc)
        for _ in range(per_locale):
            name = f"{fake.first_name()} {fake.last_name()}"
            text = rng.choice(_PERSON_PROSE).format(n=name)
            out.append(Case("PERSON", name, text, rng.choice(_SITE_KEYS), loc))
    return tuple(out)


# --- values made by rule -------------------------------------------------------------


def ssn_value(rng: random.Random) -> str:
    """Nine digits that pass SSA rules (area not 000/666/9xx, group and serial not 0)."""
    while True:
        area = rng.randrange(1, 900)
        d = f"{area:03d}{rng.randrange(1, 100):02d}{rng.randrange(1, 10000):04d}"
        if us_ssn(d):
            return d


def npi_value(rng: random.Random) -> str:
    first9 = rng.choice("12") + "".join(rng.choice(string.digits) for _ in range(8))
    return first9 + npi_check_digit(first9)


_MBI_LETTER = "ACDEFGHJKMNPQRTUVWXY"


def mbi_value(rng: random.Random) -> str:
    """CMS MBI layout: C A AN N A AN N A A N N (no S L O I B Z)."""
    an = _MBI_LETTER + string.digits
    pick = {"C": "123456789", "A": _MBI_LETTER, "N": string.digits, "M": an}
    return "".join(rng.choice(pick[c]) for c in "CAMNAMNAANN")


def health_id_cases(per_kind: int = 200) -> list[Case]:
    rng = random.Random(SEED + 6)
    out = []
    for _ in range(per_kind):
        d = ssn_value(rng)
        out.append(_case(rng, "US_SSN", "dashed", f"{d[:3]}-{d[3:5]}-{d[5:]}"))
        out.append(_case(rng, "US_SSN", "spaced", f"{d[:3]} {d[3:5]} {d[5:]}"))
        out.append(_case(rng, "US_SSN", "bare_labelled", ssn_value(rng)))
        out.append(_case(rng, "US_NPI", "npi", npi_value(rng)))
        m = mbi_value(rng)
        out.append(_case(rng, "US_MBI", "plain", m))
        out.append(_case(rng, "US_MBI", "dashed", f"{m[:4]}-{m[4:7]}-{m[7:]}"))
    return out


_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_ALNUM = string.ascii_letters + string.digits


def _b62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _B62[r] + out
    return out.rjust(width, "0")


def github_token(rng: random.Random, prefix: str) -> str:
    """`ghp_` + 30 random + 6 base62 CRC32 characters, GitHub's published layout."""
    body = "".join(rng.choice(_ALNUM) for _ in range(30))
    return f"{prefix}{body}{_b62(zlib.crc32(body.encode()), 6)}"


def github_pat(rng: random.Random) -> str:
    """A fine-grained token: `github_pat_` + 22 + `_` + 59 characters."""
    return ("github_pat_" + "".join(rng.choice(_ALNUM) for _ in range(22)) + "_"
            + "".join(rng.choice(_ALNUM) for _ in range(59)))


def aws_key_id(rng: random.Random) -> str:
    return rng.choice(["AKIA", "ASIA"]) + "".join(
        rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


def aws_secret(rng: random.Random) -> str:
    return "".join(rng.choice(_ALNUM + "/+") for _ in range(40))


_PW_PUNCT = "!#$%^&*()-_=+[]{}~?:;,."


def password(rng: random.Random) -> str:
    """10-20 characters with at least two punctuation marks a URL parser trips on."""
    chars = [rng.choice(_ALNUM) for _ in range(rng.randrange(8, 18))]
    for _ in range(2):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(_PW_PUNCT))
    return "".join(chars)


_AWS_LABELS = (("aws_secret_access_key", "AWS secret access key"),
               ("AWS_SECRET_ACCESS_KEY", "aws secret key"))
_AWS_ID_LABELS = (("aws_access_key_id", "AWS access key id"), ("AccessKeyId", "access key"))
_TOKEN_LABELS = (("github_token", "GitHub token"), ("GH_TOKEN", "token"))
_DSN_LABELS = (("database_url", "database URL"), ("DSN", "connection string"),
               ("dsn", "DSN"))


def secret_cases(per_kind: int = 200) -> list[Case]:
    """Vendor tokens, a bare AWS secret key next to its name, URL passwords."""
    rng = random.Random(SEED + 7)
    out = []
    for _ in range(per_kind):
        out.append(_case(rng, "SECRET", "aws_access_key_id", aws_key_id(rng),
                         labels=_AWS_ID_LABELS))
        out.append(_case(rng, "SECRET", "aws_secret_key", aws_secret(rng), labels=_AWS_LABELS))
        prefix = rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
        out.append(_case(rng, "SECRET", "github_token", github_token(rng, prefix),
                         labels=_TOKEN_LABELS))
        out.append(_case(rng, "SECRET", "github_pat", github_pat(rng), labels=_TOKEN_LABELS))
        pw = password(rng)
        scheme = rng.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp"])
        user = rng.choice(["app", "svc_reader", "admin", "etl"])
        host = rng.choice(["db.internal", "10.0.4.17:5432", "cluster0.example.net"])
        dsn = f"{scheme}://{user}:{pw}@{host}/prod"
        text, key = _place(rng, "SECRET", dsn, _DSN_LABELS)
        out.append(Case("SECRET", pw, text, key, "url_password"))
    return out


SSN_KINDS = ("dashed", "spaced", "bare_labelled")
NPI_KINDS = ("npi",)
MBI_KINDS = ("plain", "dashed")
SECRET_KINDS = ("aws_access_key_id", "aws_secret_key", "github_token", "github_pat",
                "url_password")


def structured_kinds() -> list[tuple[str, str]]:
    """(entity, kind) of every structured sub-population, known without generating it."""
    return [
        *(("CREDIT_CARD", k) for k in CARD_TYPES),
        *(("PHONE_NUMBER", k) for k in own_locales("phone_number", "phone_number")),
        *(("IBAN_CODE", k) for k in iban_kinds()),
        *(("EMAIL_ADDRESS", k) for k in EMAIL_METHODS),
        *(("US_SSN", k) for k in SSN_KINDS),
        *(("US_NPI", k) for k in NPI_KINDS),
        *(("US_MBI", k) for k in MBI_KINDS),
        *(("SECRET", k) for k in SECRET_KINDS),
    ]


@cache
def structured_cases() -> tuple[Case, ...]:
    """Every value that must be found as its own type, by (entity, kind)."""
    return (*card_cases(), *phone_cases(), *iban_cases(), *email_cases(),
            *health_id_cases(), *secret_cases())


# --- evasions ------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def card_groups(digits: str) -> list[str]:
    """The digits in their printed groups (4-3-3-3 for 13 digits, 4-6-5 for 15...)."""
    out, at = [], 0
    for n in _CARD_GROUPS.get(len(digits), (len(digits),)):
        out.append(digits[at : at + n])
        at += n
    return out


def split_by(digits: str, sep: str) -> str:
    """Fours, as long numbers (cards, IBANs) are printed."""
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def mixed_separators(digits: str, rng: random.Random) -> str:
    groups = card_groups(digits)
    out = groups[0]
    for g in groups[1:]:
        out += rng.choice([" ", "-", ".", " - ", "/"]) + g
    return out


def one_space_per_digit(value: str) -> str:
    return " ".join(value)


def fullwidth(value: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isascii() and c.isdigit() else c for c in value)


def arabic_indic(value: str) -> str:
    return "".join(chr(0x0660 + int(c)) if c.isascii() and c.isdigit() else c for c in value)


def zero_width(value: str, rng: random.Random) -> str:
    chars = list(value)
    for _ in range(rng.randrange(1, 4)):
        chars.insert(rng.randrange(1, len(chars)), rng.choice(ZERO_WIDTH))
    return "".join(chars)


def percent_all(value: str) -> str:
    """Every byte percent-encoded, `%34%31%31...`, as an evasive URL writes it."""
    return "".join(f"%{b:02X}" for b in value.encode())


def email_at_dot(email: str, rng: random.Random) -> str:
    local, host = email.split("@")
    at, dot = rng.choice([(" [at] ", " [dot] "), (" (at) ", " (dot) "), (" at ", " dot ")])
    return local + at + host.replace(".", dot)


def email_pct40(email: str) -> str:
    return email.replace("@", "%40")


def iban_grouped(iban: str) -> str:
    return split_by(iban, " ")


def _encoded_cases(rng: random.Random, entity: str, inner_value: str) -> list[Case]:
    """base64 and hex of a whole text holding the value, and the value percent-encoded."""
    inner, _ = _place(rng, entity, inner_value)
    b64 = base64.b64encode(inner.encode()).decode()
    hexed = inner.encode().hex()
    pct = quote(inner_value, safe="") if rng.random() < 0.5 else percent_all(inner_value)
    return [
        Case(entity, b64, f'{{"payload": "{b64}", "encoding": "base64"}}', "text", "base64"),
        Case(entity, hexed, f"blob={hexed} len={len(inner)}", "output", "hex"),
        Case(entity, pct, f"GET /api/v2/checkout?note={pct}&lang=en HTTP/1.1", "text",
             "percent"),
    ]


_ENCODED = ("base64", "hex", "percent")
EVASION_KINDS: dict[str, tuple[str, ...]] = {
    "CREDIT_CARD": ("slash", "underscore", "mixed_separators", "nbsp", "space_per_digit",
                    "fullwidth", "arabic_indic", "zero_width", "glued_to_letters", *_ENCODED),
    "US_SSN": ("fullwidth", "arabic_indic", "zero_width", "nbsp", *_ENCODED),
    "EMAIL_ADDRESS": ("at_dot_words", "pct40", "zero_width", *_ENCODED),
    "IBAN_CODE": ("lower_case", "grouped", "grouped_lower_case", "zero_width"),
    "PHONE_NUMBER": ("fullwidth", "zero_width"),
}


def evasion_kinds() -> list[tuple[str, str]]:
    return [(e, k) for e, kinds in EVASION_KINDS.items() for k in kinds]


@cache
def evasion_cases(per_form: int = 120) -> tuple[Case, ...]:
    """Values written to slip past a detector; each must still be masked."""
    rng = random.Random(SEED + 8)
    fakes = _Fakes(SEED + 8)
    fake = fakes("en_US")
    out = []
    for i in range(per_form):
        card = fake.credit_card_number(card_type=CARD_TYPES[i % len(CARD_TYPES)])
        groups = card_groups(card)
        grouped = " ".join(groups)
        forms = {
            "slash": "/".join(groups),
            "underscore": "_".join(groups),
            "mixed_separators": mixed_separators(card, rng),
            "nbsp": "\u00a0".join(groups),
            "space_per_digit": one_space_per_digit(card),
            "fullwidth": fullwidth(rng.choice([card, grouped])),
            "arabic_indic": arabic_indic(rng.choice([card, grouped])),
            "zero_width": zero_width(card, rng),
        }
        for kind, shown in forms.items():
            out.append(_case(rng, "CREDIT_CARD", kind, shown))
        glue = rng.choice(["PAN", "card_", "cc#", "CARD:", "ccnum"])
        out.append(_case(rng, "CREDIT_CARD", "glued_to_letters", card, glue + card))
        out.extend(_encoded_cases(rng, "CREDIT_CARD", grouped))

        d = ssn_value(rng)
        ssn = f"{d[:3]}-{d[3:5]}-{d[5:]}"
        out.append(_case(rng, "US_SSN", "fullwidth", fullwidth(ssn)))
        out.append(_case(rng, "US_SSN", "arabic_indic", arabic_indic(ssn)))
        out.append(_case(rng, "US_SSN", "zero_width", zero_width(ssn, rng)))
        out.append(_case(rng, "US_SSN", "nbsp", ssn.replace("-", "\u00a0")))
        out.extend(_encoded_cases(rng, "US_SSN", ssn))

        email = fakes(PERSON_LOCALES[i % len(PERSON_LOCALES)]).free_email()
        out.append(_case(rng, "EMAIL_ADDRESS", "at_dot_words", email_at_dot(email, rng)))
        out.append(_case(rng, "EMAIL_ADDRESS", "pct40", email_pct40(email)))
        out.append(_case(rng, "EMAIL_ADDRESS", "zero_width", zero_width(email, rng)))
        out.extend(_encoded_cases(rng, "EMAIL_ADDRESS", email))

        loc = ("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB", "pl_PL")[i % 7]
        iban = fakes(loc).iban()
        out.append(_case(rng, "IBAN_CODE", "lower_case", iban.lower()))
        out.append(_case(rng, "IBAN_CODE", "grouped", iban_grouped(iban)))
        out.append(_case(rng, "IBAN_CODE", "grouped_lower_case", iban_grouped(iban).lower()))
        out.append(_case(rng, "IBAN_CODE", "zero_width", zero_width(iban, rng)))

        phone = f"+1 {rng.randrange(201, 990)} {rng.randrange(200, 999)} {rng.randrange(10000):04d}"
        out.append(_case(rng, "PHONE_NUMBER", "fullwidth", fullwidth(phone)))
        out.append(_case(rng, "PHONE_NUMBER", "zero_width", zero_width(phone, rng)))
    return tuple(out)


# --- look-alikes ---------------------------------------------------------------------

_LOOKALIKE_LABELS: dict[str, tuple[str, str]] = {
    "luhn_invalid_16": ("tracking", "tracking number"),
    "order_id": ("order_id", "order"),
    "iso_timestamp": ("created_at", "creation time"),
    "epoch_millis": ("ts", "timestamp"),
    "epoch_seconds": ("expires", "expiry"),
    "sha1": ("commit", "commit"),
    "sha256": ("digest", "digest"),
    "uuid": ("request_id", "request id"),
    "version": ("version", "version"),
    "amount": ("total", "total"),
}
"""The field each look-alike is printed under: what it is, not a sensitive name."""


def luhn_invalid_16(rng: random.Random) -> str:
    """A 16-digit number with a card-like first digit and a wrong check digit."""
    body = rng.choice("3456") + "".join(rng.choice(string.digits) for _ in range(14))
    good = int(luhn_check_digit(body))
    return body + str((good + rng.randrange(1, 10)) % 10)


LOOKALIKE_KINDS = tuple(_LOOKALIKE_LABELS)


@cache
def lookalike_cases(per_kind: int = 150) -> tuple[Case, ...]:
    """Numbers and hex strings tools emit all day that are not personal data."""
    rng = random.Random(SEED + 9)
    out = []
    hexd = "0123456789abcdef"
    r = rng.randrange
    for _ in range(per_kind):
        epoch_s = rng.randrange(1_500_000_000, 1_800_000_000)
        bad16 = luhn_invalid_16(rng)
        makers: dict[str, str] = {
            "luhn_invalid_16": rng.choice([split_by(bad16, " "), bad16]),
            "order_id": rng.choice([
                f"ORD-{rng.randrange(2019, 2027)}-{rng.randrange(0, 999999):06d}",
                f"#{rng.randrange(100000000, 999999999)}",
                f"PO-{rng.randrange(10**7, 10**8)}",
                f"{rng.randrange(10**11, 10**12)}",
            ]),
            "iso_timestamp": (
                f"20{r(15, 30)}-{r(1, 13):02d}-{r(1, 29):02d}"
                f"T{r(0, 24):02d}:{r(0, 60):02d}:{r(0, 60):02d}"
                + rng.choice(["Z", ".123Z", "+02:00", "-05:00", ".000001"])
            ),
            "epoch_millis": str(epoch_s * 1000 + rng.randrange(1000)),
            "epoch_seconds": str(epoch_s),
            "sha1": "".join(rng.choice(hexd) for _ in range(40)),
            "sha256": "".join(rng.choice(hexd) for _ in range(64)),
            "uuid": _uuid4(rng),
            "version": rng.choice([
                f"{r(0, 20)}.{r(0, 40)}.{r(0, 200)}",
                f"v{r(1, 5)}.{r(0, 30)}.{r(0, 9)}-rc.{r(1, 5)}",
                f"{r(1, 12)}.{r(0, 9)}.{r(10000, 30000)}.{r(100, 5000)}",  # a Windows build
            ]),
            "amount": rng.choice([
                f"${r(1, 99)},{r(0, 999):03d}.{r(0, 100):02d}",
                f"EUR {r(1, 999)} {r(0, 999):03d},{r(0, 100):02d}",
                f"{r(1, 9)}.{r(0, 999):03d}.{r(0, 999):03d},{r(0, 100):02d} €",
                f"USD {r(1000, 99999)}.{r(0, 100):02d}",
            ]),
        }
        for kind, value in makers.items():
            text, key = rng.choice(LAYOUTS)(rng, *_LOOKALIKE_LABELS[kind], value)
            out.append(Case("NONE", value, text, key, kind))
    return tuple(out)


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
