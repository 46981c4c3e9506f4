"""EMAIL_ADDRESS, PHONE_NUMBER, IP_ADDRESS: Presidio-based, offline, tuned for look-alikes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from faker import Faker

from detectors.api import Classifier, StringSite
from detectors.config import DEFAULT_PHONE_REGIONS
from detectors.recognizers.email import canonical
from detectors.recognizers.phone import CANDIDATE, ShapedPhoneRecognizer, phone_spans


@pytest.fixture(scope="module")
def find(pattern_find: Callable[..., list]) -> Callable[..., list]:
    """The pattern classifier's `find` (no NER model loaded)."""
    return pattern_find


EMAILS = [
    ("mail dr.jones@clinic.example now", "dr.jones@clinic.example"),
    ("maria.garcia@example.com", "maria.garcia@example.com"),
    ("<dlamini.mateus@corp.example.com>,", "dlamini.mateus@corp.example.com"),
    ("mailto:john@example.org", "john@example.org"),
    ("x_y+tag@mail.example.co.uk.", "x_y+tag@mail.example.co.uk"),
    ("a@b.test", "a@b.test"),
    ("https://host:8080/path?email=a@b.com", "a@b.com"),
    # written to dodge scrapers
    ("email me at john.smith [at] example [dot] com please", "john.smith [at] example [dot] com"),
    ("jane(at)example.org", "jane(at)example.org"),
    ("jane (at) example (dot) org", "jane (at) example (dot) org"),
    (
        "bob {at} mail {dot} example {dot} co {dot} uk",
        "bob {at} mail {dot} example {dot} co {dot} uk",
    ),
    ("ops<at>example.com", "ops<at>example.com"),
    ("x [AT] corp [DOT] example", "x [AT] corp [DOT] example"),
    ("contact: alice at example dot com", "alice at example dot com"),
    ("email me at bob at example dot org", "bob at example dot org"),
    ("john.doe at example dot com", "john.doe at example dot com"),
    ("j_smith99 at mail dot example dot co dot uk", "j_smith99 at mail dot example dot co dot uk"),
    ("email=jane.roe%40example.com&x=1", "jane.roe%40example.com"),
    ("mailto:ops%40example.org", "ops%40example.org"),
    # the suffix list is a hint: a bare public suffix, an unlisted 2-3 letter zone
    ("write to someone@gov.ua today", "someone@gov.ua"),
    ("kyrylo58@okhrimenko.ukr", "kyrylo58@okhrimenko.ukr"),
    ("ops@intranet.loc", "ops@intranet.loc"),
    # spelled out in bare words, no mail word needed
    ("3694,euannugent at yahoo dot com,north", "euannugent at yahoo dot com"),
    ('{"reply_to": "qdmry at gmail dot com"}', "qdmry at gmail dot com"),
    ("royali at hotmail dot co dot uk", "royali at hotmail dot co dot uk"),
    ("John AT Doe DOT net", "John AT Doe DOT net"),
]
NOT_EMAILS = [
    "user@host",
    "a@b.zzzz",
    "@example.com",
    "postgres://admin:s3cret@db.example.com/x",
    "postgres://u:p!w#d@host.example.com/db",  # a password with # and !, not d@host...
    "redis://u:p@ss@cache.example.com:6379",
    "I will be there at home dot com",
    "look at the dot com bubble",
    "meet John (at) the office",
    "see you at noon dot",
    "100%40 of users",
    "v1.2 at api.example.com",
    "file.name@2x.png",  # image variants, gettext catalogues, code: no mail domains
    "icon@3x.webp",
    "sr@latin.po",
    '@app.route("/")',
    "y = x@self.weight",
    "meet at noon dot com",
    "Look at this dot to see it",
    "they stay at home dot com style",
]

PHONES = [
    ("call (415) 555-0101 now", "(415) 555-0101"),
    ("415-555-0101", "415-555-0101"),
    ("415.555.0101", "415.555.0101"),
    ("+1 415 555 0101", "+1 415 555 0101"),
    ("+14155550101", "+14155550101"),
    ("1-415-555-0101", "1-415-555-0101"),
    ("UK 07700 900844", "07700 900844"),
    ("+44 7700 900844.", "+44 7700 900844"),
    ("+(370) 61234567", "+(370) 61234567"),  # the country code in parentheses
    ("tel=+(371) 25309318 took", "+(371) 25309318"),
    ("+54 9 11 3648 5260", "+54 9 11 3648 5260"),  # an Argentine mobile
    ("+54 9 3648 5260", "+54 9 3648 5260"),  # grouped after +CC, shorter than the metadata
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
    # extensions belong to the number
    ("+1-903-140-4508x769", "+1-903-140-4508x769"),
    ("call 415-555-0101 ext. 12 now", "415-555-0101 ext. 12"),
    ("415-555-0101 #12", "415-555-0101 #12"),
    ("(766)217-6031x3721", "(766)217-6031x3721"),
    ("+44 (0)20 7946 0958 ext 123", "+44 (0)20 7946 0958 ext 123"),
    ("962.952.7601x89555", "962.952.7601x89555"),
    ("001-584-514-8525x38885", "001-584-514-8525x38885"),
    # other countries' national and international forms
    ("(37) 788-063", "(37) 788-063"),
    ("0688 843 79 56", "0688 843 79 56"),
    ("+49 (0) 9141 777631", "+49 (0) 9141 777631"),
    ("(03449) 78690", "(03449) 78690"),
    ("+34 948 812 415", "+34 948 812 415"),
    ("+39 0925141776", "+39 0925141776"),
    ("(0406)-812415", "(0406)-812415"),
    ("+55 61 9141-7776", "+55 61 9141-7776"),
    ("(351) 928 063 608", "(351) 928 063 608"),
    ("+61.437.406.812", "+61.437.406.812"),
    ("(08)-8690-7366", "(08)-8690-7366"),
    ("080-9141-7776", "080-9141-7776"),
    ("+48 736 317 066", "+48 736 317 066"),
    ("08-170 669 07", "08-170 669 07"),
    ("+46 (0)24 15 86 83", "+46 (0)24 15 86 83"),
    ("+45 39 15 00 08", "+45 39 15 00 08"),
    ("(+358) 083778353", "(+358) 083778353"),
    ("981 24 158", "981 24 158"),
    ("00420 702 914 177", "00420 702 914 177"),
    ("(06)91/417-7763", "(06)91/417-7763"),
    ("06-3/740 6812", "06-3/740 6812"),
    ("+90(353)374-0681x2415", "+90(353)374-0681x2415"),
    ("0914 177 76 31", "0914 177 76 31"),
    ("+7 (914) 177-76-31", "+7 (914) 177-76-31"),
    ("8 812 415 86 83", "8 812 415 86 83"),
    ("02-0080-6360", "02-0080-6360"),
    ("053 170 6690", "053 170 6690"),
    ("1 (786) 834-4978", "1 (786) 834-4978"),
    ("+80(6)3608377835", "+80(6)3608377835"),  # unassigned country code, written as a phone
    ("+41 (0)72 258 51 78", "+41 (0)72 258 51 78"),
    ("02124/15868344", "02124/15868344"),
    ("+62 (0999) 622-8303", "+62 (0999) 622-8303"),
    ("+66 (0) 7074 3915", "+66 (0) 7074 3915"),
    ("tel:+14155550101", "+14155550101"),
    ("(call 415-555-0101)", "415-555-0101"),
    ("Phones: 415-555-0101, 415-555-0102", "415-555-0102"),
    # bare runs and two groups need a phone word
    ("My phone number is 28194821 now", "28194821"),
    ("mobile 15191417776", "15191417776"),
    ("phone 9487.5749", "9487.5749"),
    ("phone 9603 0824", "9603 0824"),
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
    "28194821",  # eight bare digits: an id until a phone word says otherwise
    "9603 0824",
    "879,193,064.7764541",
    "1 234 567 €",
    "424 539 825,12 €",
    "USD 4155550101",
    "387 59 9107",  # an SSN written with spaces
    "978-1-60468-741-5",  # an ISBN
    "0-306-40615-2",
    "1700000000",  # a Unix time stamp
    "1700000000123",
    "2024 12 31",
    "build 2024.11.22.1234",
    "4a1c8e05-913f-4781-96aa-072041350123",
    "DE89 3704 0044 0532 0130 00",
    "1234567x1234567x1234567",
    "ORD-2026-4155550101",
    "at 16:09:34.4155550",
    "lat 48.8566140, lng 2.3522219",
]

IPS = [
    ("client_ip=192.0.2.226 status=502", "192.0.2.226"),
    ("from 203.0.113.7", "203.0.113.7"),
    ("ip 2001:db8::1", "2001:db8::1"),
    ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3:8d3:1319:8a2e:370:7348"),
    ("10.0.0.1/24", "10.0.0.1/24"),
]
NOT_IPS = [
    "version 10.4.2.1",
    "v10.4.2.1",
    "upgraded to v 1.2.3.4",
    "10.0.0.256",
    "1.2.3",
    "12:30:45",
]


@pytest.mark.parametrize(("text", "value"), EMAILS)
def test_emails(find, text: str, value: str) -> None:
    assert ("EMAIL_ADDRESS", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_not_emails(find, text: str) -> None:
    assert all(t != "EMAIL_ADDRESS" for t, _ in find(text, ner=False))


EMAIL_FORMS = {
    "plain": "{u}@{d}",
    "[at] [dot]": "{u} [at] {h} [dot] {t}",
    "(at)": "{u}(at){d}",
    "(at) (dot)": "{u} (at) {h} (dot) {t}",
    "%40": "{u}%40{d}",
    "spelled, after a mail word": "{u} at {h} dot {t}",
}


@pytest.mark.parametrize("form", list(EMAIL_FORMS))
def test_faker_emails_in_every_form(patterns: Classifier, form: str) -> None:
    """Faker user names and domains, written in each form, found whole (recall 100%)."""
    fake = Faker(["en_US", "de_DE", "fr_FR"])
    fake.seed_instance(5)
    values = []
    for _ in range(100):
        domain = fake.domain_name()
        host, tld = domain.rsplit(".", 1)
        values.append(EMAIL_FORMS[form].format(u=fake.user_name(), d=domain, h=host, t=tld))
    texts = [f"Please e-mail {v} today." for v in values]
    out = patterns.classify([StringSite("$.x", None, t) for t in texts], ner=False)
    missed = [
        v
        for t, v, spans in zip(texts, values, out, strict=True)
        if not any(s.entity_type == "EMAIL_ADDRESS" and t[s.start : s.end] == v for s in spans)
    ]
    assert not missed


def test_spelled_out_addresses_are_validated_in_canonical_form() -> None:
    assert canonical("a.b [at] host [dot] example") == "a.b@host.example"
    assert canonical("a.b at host dot co dot uk") == "a.b@host.co.uk"
    assert canonical("a%40host.com") == "a@host.com"


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


PHONE_LOCALES = (
    "en_US en_GB de_DE fr_FR es_ES it_IT nl_NL pt_BR pt_PT en_IN en_AU ja_JP pl_PL sv_SE da_DK "
    "fi_FI no_NO cs_CZ hu_HU tr_TR ru_RU zh_CN ko_KR he_IL en_CA es_MX fr_CH de_AT id_ID th_TH"
).split()
PHONE_DRAWS = 200
MIN_RECALL = 0.995
_NPI_SHAPED = re.compile(r"1[0-9]{9}")
"""en_IN draws random 10-digit runs; those starting with 1 are NPI-shaped (see NOT_PHONES)."""
_WRITTEN_AS_PHONE = re.compile(r"^[+(]|[0-9][ .\-/][0-9]+[ .\-/][0-9]|x[0-9]")
"""A `+`, a parenthesis, three groups or an extension: found with no phone word at all."""


def _found_whole(patterns: Classifier, texts: list[str], values: list[str]) -> list[bool]:
    out = patterns.classify([StringSite("$.x", None, t) for t in texts], ner=False)
    return [
        any(s.entity_type == "PHONE_NUMBER" and t[s.start : s.end] == v for s in spans)
        for t, v, spans in zip(texts, values, out, strict=True)
    ]


@pytest.mark.parametrize("locale", PHONE_LOCALES)
def test_faker_phone_numbers_of_every_locale(patterns: Classifier, locale: str) -> None:
    """Recall per locale: with a phone word for all, without one for the formatted."""
    fake = Faker(locale)
    fake.seed_instance(7)
    values = [fake.phone_number() for _ in range(PHONE_DRAWS)]
    if locale == "en_IN":
        values = [v for v in values if not _NPI_SHAPED.fullmatch(v)]
    said = _found_whole(patterns, [f"My phone number is {v} now." for v in values], values)
    missed = [v for v, ok in zip(values, said, strict=True) if not ok]
    assert sum(said) / len(values) >= MIN_RECALL, missed
    written = [v for v in values if _WRITTEN_AS_PHONE.search(v)]
    alone = _found_whole(patterns, [f"Ana wrote {v} today." for v in written], written)
    missed = [v for v, ok in zip(written, alone, strict=True) if not ok]
    assert not written or sum(alone) / len(written) >= MIN_RECALL, missed


def test_region_hints_come_first() -> None:
    """A hint from the event reads national forms the configured regions cannot."""
    recognizer = ShapedPhoneRecognizer(("US",))
    assert recognizer.analyze("28194821", ["PHONE_NUMBER"]) == []
    [hit] = recognizer.analyze("28194821", ["PHONE_NUMBER"], regions=("DK",))
    assert (hit.start, hit.end) == (0, 8)


def test_default_regions_cover_the_measured_locales() -> None:
    regions = {loc.split("_")[1] for loc in PHONE_LOCALES}
    assert regions <= set(DEFAULT_PHONE_REGIONS)


def test_phone_candidate_is_linear_on_hostile_input() -> None:
    """Long digit and separator runs cost one bounded scan, not backtracking."""
    assert not re.search(r"\([^)]*[*+]\)[*+]", CANDIDATE)  # no nested quantifier
    for hostile in ("1" * 50_000, "1 " * 25_000, "(+" * 25_000, "1234567x" * 6_000):
        phone_spans(hostile, DEFAULT_PHONE_REGIONS)
