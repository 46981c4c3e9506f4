"""SECRET: vendor tokens, JWTs, PEM blocks, Authorization headers, password fields."""

from __future__ import annotations

import base64
import json
import string
import time
from collections.abc import Callable

import pytest
import regex
from faker import Faker

from detectors.api import Classifier, StringSite
from detectors.recognizers.aws_secret_key import AwsSecretKeyRecognizer, looks_like_key
from detectors.recognizers.credential_assignment import CredentialAssignmentRecognizer
from detectors.recognizers.email import OfflineEmailRecognizer
from detectors.recognizers.jwt import JwtRecognizer
from detectors.recognizers.private_key import PrivateKeyRecognizer
from detectors.recognizers.secret_tokens import SecretTokenRecognizer

MINE = (
    SecretTokenRecognizer,
    AwsSecretKeyRecognizer,
    CredentialAssignmentRecognizer,
    PrivateKeyRecognizer,
    JwtRecognizer,
    OfflineEmailRecognizer,
)


@pytest.fixture(scope="module")
def find(pattern_find: Callable[..., list]) -> Callable[..., list]:
    """The pattern classifier's `find` (no NER model loaded)."""
    return pattern_find


def _b64url(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


JWT = (
    f"{_b64url({'alg': 'HS256', 'typ': 'JWT'})}.{_b64url({'sub': '1', 'aud': 'mcp'})}.c2lnbmF0dXJl"
)
JWT_NONE = f"{_b64url({'alg': 'none'})}.{_b64url({'sub': '1'})}."
NOT_JWT = f"{_b64url({'typ': 'JWT'})}.{_b64url({'sub': '1'})}.c2ln"  # no alg
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234567890abcdefABCDEF\n"
    "abcdefabcdefabcdef0123456789==\n-----END RSA PRIVATE KEY-----"
)
PEM_ESCAPED = PEM.replace("\n", "\\n")
PEM_TRUNCATED = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
GITHUB = "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF2hJ4"
GITHUB_PAT = "github_pat_" + "11ABCDEFG0" * 8
SLACK = "xoxb-123456789012-987654321098-AbCdEfGhIjKlMnOpQrStUvWx"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GOOGLE = "AIza" + "SyA-1234567890abcdefghijklmnopqrstu"
AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

VALID = [
    (f"key {AWS_ID} ok", AWS_ID),
    ("ASIA" + "Y3FLSNKGIBBLE6UX", "ASIA" + "Y3FLSNKGIBBLE6UX"),
    (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
    (f"token {GITHUB}", GITHUB),
    (GITHUB_PAT, GITHUB_PAT),
    (f"slack {SLACK}.", SLACK),
    (STRIPE, STRIPE),
    ("rk_live_" + "51HbXyZaBcDeFgHiJkLmNoP", "rk_live_" + "51HbXyZaBcDeFgHiJkLmNoP"),
    (f"maps key {GOOGLE}", GOOGLE),
    (f"jwt {JWT}", JWT),
    (JWT_NONE, JWT_NONE),
    (f"Authorization: Bearer {JWT}", JWT),
    ("Authorization: Bearer abc123def456ghi789", "abc123def456ghi789"),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    (f"This is the key:\n{PEM}\nthanks", PEM),
    (f'{{"key": "{PEM_ESCAPED}"}}', PEM_ESCAPED),
    ("password=hunter22; x", "hunter22"),
    ('{"api_key": "abcd1234efgh"}', "abcd1234efgh"),
    ("client_secret: 9f8e7d6c5b4a", "9f8e7d6c5b4a"),
    ("postgres://admin:s3cretpw@db.example.com/x", "s3cretpw"),
    ("my password is Battery2007* (I know)", "Battery2007*"),
    ("my password is correct-horse-battery-staple.", "correct-horse-battery-staple"),
    # AWS secret access keys by cue, not by prefix
    (f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET),
    (f"the AWS secret is {AWS_SECRET} ok", AWS_SECRET),
    (f"SecretAccessKey: {AWS_SECRET}", AWS_SECRET),
    (f"{AWS_ID},{AWS_SECRET}", AWS_SECRET),  # the two columns of a credentials CSV
    (f"aws configure set aws_secret_access_key {AWS_SECRET}", AWS_SECRET),
    # connection strings: passwords with any punctuation, even @
    ("postgres://u:p!w#d@host.example.com/db", "p!w#d"),
    ("postgres://admin:p@ss:w0rd?x=1@db.example.com:5432/app", "p@ss:w0rd?x=1"),
    ("mysql://root:a$b%c^d&e*f(g)h+i=j;k,l@10.0.0.5/x", "a$b%c^d&e*f(g)h+i=j;k,l"),
    ("redis://:s3cr3t!@cache.internal:6379", "s3cr3t!"),
    ('{"url": "postgresql://svc:Xy7!#pa$$@db.example.com/main"}', "Xy7!#pa$$"),
    ("Server=tcp:db.example.net,1433;User ID=sa;Password=p@ss!w0rd#x;Encrypt=True;", "p@ss!w0rd#x"),
    ("Server=db;Database=app;User Id=sa;Password={a;b}c!};", "a;b"),
    ("jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=Str0ng!Pass,x;", "Str0ng!Pass,x"),
]

NOT_SECRETS = [
    "the bearer of this letter",
    "password: ****",
    "password: <redacted>",
    "password=${DB_PASSWORD}",
    "the password is incorrect.",
    "Password is Wrong.",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b",  # a git SHA-1, 40 hex
    "secret " + "a" * 40,
    NOT_JWT,
    "eyJhbGciOiJIUzI1NiJ9",  # a header alone
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
    "akiaiosfodnn7example",
    "task-1234567890abcdefghijklmnopqrstuvwxyz",
    "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",  # publishable, not secret
    AWS_SECRET,  # 40 base64 characters with no cue at all
    "aws commit 3f786850e387550fdab836ed7e6dc881de23001b",
    "secret " + base64.b64encode(b"The quick brown fox jumps over").decode(),  # text, encoded
    "aws path ProjectsLocationsInstancesDatabasesListV",
    "https://host:8080/path?q=1",
    "postgres://db.example.com:5432/app",
    "postgres://u:${DB_PASSWORD}@db.example.com/x",
    "SG.not-a-key",
    "hf_short",
    "key-value store",
    "AC" + "1" * 32,
]


@pytest.mark.parametrize(("text", "value"), VALID)
def test_secrets(find, text: str, value: str) -> None:
    assert ("SECRET", value) in find(text, ner=False)


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_not_secrets(find, text: str) -> None:
    assert all(t != "SECRET" for t, _ in find(text, ner=False))


def test_truncated_pem_block_is_still_a_secret(find) -> None:
    [(entity, value)] = find(f"key:\n{PEM_TRUNCATED}", ner=False)
    assert entity == "SECRET" and value.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ" in value


@pytest.mark.parametrize(
    "key", ["password", "passwd", "db_password", "client_secret", "api_key", "apiKey",
            "access_token", "refresh_token", "secret", "private_key", "Authorization"],
)  # fmt: skip
def test_credential_keys_make_the_whole_value_secret(find, key: str) -> None:
    assert find("hunter22", key=key, ner=False) == [("SECRET", "hunter22")]


@pytest.mark.parametrize(
    ("key", "value"),
    [("password", "********"), ("password", "<redacted>"), ("token", "tok_ed7e5a5115e30db0"),
     ("token_type", "Bearer"), ("max_tokens", "1024"), ("next_page_token", "abc"),
     ("password", "")],
)  # fmt: skip
def test_not_every_credential_key_value_is_a_secret(find, key: str, value: str) -> None:
    assert find(value, key=key, ner=False) == []


def test_an_ssn_after_a_credential_name_is_no_credential() -> None:
    rec = CredentialAssignmentRecognizer()
    assert rec.analyze("token: 001-01-0001", ["SECRET"]) == []
    assert rec.analyze("password=001-01-0001", ["SECRET"]) == []
    [found] = rec.analyze("token: 001-01-0001x9", ["SECRET"])
    assert (found.start, found.end) == (7, 20)


def _draw(fake: Faker, alphabet: str, n: int) -> str:
    return "".join(fake.random_element(alphabet) for _ in range(n))


_HEX, _ALNUM = "0123456789abcdef", string.ascii_letters + string.digits
_B64 = _ALNUM + "+/"
SETTINGS = {
    "azure storage": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};"
    "EndpointSuffix=core.windows.net",
    "azure service bus": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;"
    "SharedAccessKey={}",
    "twilio": "sid {}",
}
"""Where a provider's key is not bare, the setting it comes in; others are tested bare."""
SECRETS_OF = {
    "azure storage": lambda f: _draw(f, _B64, 86) + "==",
    "azure service bus": lambda f: _draw(f, _B64, 43) + "=",
    "twilio": lambda f: f.random_element(["AC", "SK"]) + _draw(f, _HEX, 32),
    "sendgrid": lambda f: "SG." + _draw(f, _ALNUM + "_-", 22) + "." + _draw(f, _ALNUM + "_-", 43),
    "shopify": lambda f: f.random_element(["shpat_", "shpss_", "shpca_"]) + _draw(f, _HEX, 32),
    "hugging face": lambda f: "hf_" + _draw(f, string.ascii_letters, 34),
    "databricks": lambda f: "dapi" + _draw(f, _HEX, 32),
    "mailgun": lambda f: "key-" + _draw(f, _ALNUM, 32),
    "google oauth secret": lambda f: "GOCSPX-" + _draw(f, _ALNUM + "_-", 28),
    "docker hub": lambda f: "dckr_pat_" + _draw(f, _ALNUM + "_-", 27),
    "digitalocean": lambda f: "dop_v1_" + _draw(f, _HEX, 64),
    "vault": lambda f: "hvs." + _draw(f, _ALNUM + "_-", 90),
    "azure entra secret": lambda f: _draw(f, _ALNUM, 3) + "8Q~" + _draw(f, _ALNUM + "_~.-", 34),
    "telegram bot": lambda f: _draw(f, string.digits, 10) + ":AA" + _draw(f, _ALNUM + "_-", 33),
    "pypi": lambda f: "pypi-AgEIcHlwaS5vcmc" + _draw(f, _ALNUM + "_-", 60),
}


@pytest.mark.parametrize("provider", list(SECRETS_OF))
def test_provider_keys_by_shape(patterns: Classifier, provider: str) -> None:
    """50 Faker-drawn keys per provider, each found whole in its usual setting."""
    fake = Faker()
    fake.seed_instance(17)
    values = [SECRETS_OF[provider](fake) for _ in range(50)]
    texts = [SETTINGS.get(provider, "{}").format(v) for v in values]
    out = patterns.classify([StringSite("$.x", None, t) for t in texts], ner=False)
    missed = [
        v
        for t, v, spans in zip(texts, values, out, strict=True)
        if not any(s.entity_type == "SECRET" and t[s.start : s.end] == v for s in spans)
    ]
    assert not missed


AWS_CUES = [
    "aws_secret_access_key = {}",
    "AWS_SECRET_ACCESS_KEY={}",
    '"SecretAccessKey": "{}"',
    "the aws secret key is {} (rotate it)",
    "{id},{}",
    "export AWS_SECRET_ACCESS_KEY='{}'",
]


def test_aws_secret_keys_after_a_cue(patterns: Classifier) -> None:
    """200 random keys in six cue settings: recall >= 99.5% (the class-mix rule loses ~0.1%)."""
    fake = Faker()
    fake.seed_instance(23)
    keys = [_draw(fake, _B64, 40) for _ in range(200)]
    texts = [
        AWS_CUES[i % len(AWS_CUES)].replace("{id}", AWS_ID).format(k) for i, k in enumerate(keys)
    ]
    out = patterns.classify([StringSite("$.x", None, t) for t in texts], ner=False)
    found = [
        any(s.entity_type == "SECRET" and t[s.start : s.end] == k for s in spans)
        for t, k, spans in zip(texts, keys, out, strict=True)
    ]
    assert sum(found) / len(keys) >= 0.995


def test_aws_secret_look_alikes_are_not_keys() -> None:
    """Git SHAs, base64 of Faker sentences and identifiers are not key material."""
    fake = Faker()
    fake.seed_instance(29)
    shas = [fake.sha1() for _ in range(200)]
    texts = [base64.b64encode(fake.text(60)[:30].ljust(30).encode()).decode() for _ in range(200)]
    assert not any(looks_like_key(v) for v in shas + texts)
    assert not looks_like_key("A" * 38 + "b1")


@pytest.mark.parametrize("scheme", ["postgres", "mysql", "mongodb+srv", "redis", "amqp", "ftp"])
def test_faker_passwords_in_urls(patterns: Classifier, scheme: str) -> None:
    """Faker passwords with every special character: the span is the password, never an e-mail."""
    fake = Faker()
    fake.seed_instance(31)
    pwds = [
        fake.password(length=14, special_chars=True).replace("/", "!") + "@:#?;,="
        for _ in range(40)
    ]
    texts = [f"{scheme}://{fake.user_name()}:{p}@{fake.domain_name()}/db" for p in pwds]
    out = patterns.classify([StringSite("$.x", None, t) for t in texts], ner=False)
    for t, p, spans in zip(texts, pwds, out, strict=True):
        assert ("SECRET", p) in [(s.entity_type, t[s.start : s.end]) for s in spans], t
        assert all(s.entity_type != "EMAIL_ADDRESS" for s in spans), t


def test_connection_string_passwords(patterns: Classifier) -> None:
    fake = Faker()
    fake.seed_instance(37)
    pwds = [fake.password(length=16, special_chars=True).replace(";", "!") for _ in range(40)]
    texts = [f"Server=db;Database=app;User Id=sa;Password={p};Encrypt=true" for p in pwds]
    out = patterns.classify([StringSite("$.x", None, t) for t in texts], ner=False)
    for t, p, spans in zip(texts, pwds, out, strict=True):
        assert ("SECRET", p) in [(s.entity_type, t[s.start : s.end]) for s in spans], t


def _patterns_of(cls: type) -> list[tuple[str, str]]:
    return [(f"{cls.__name__}: {p.name}", p.regex) for p in cls.PATTERNS]


ALL_PATTERNS = [p for cls in MINE for p in _patterns_of(cls)]


@pytest.mark.parametrize(("name", "pattern"), ALL_PATTERNS, ids=[n for n, _ in ALL_PATTERNS])
def test_patterns_are_pcre(name: str, pattern: str) -> None:
    """Chimera (Hyperscan + PCRE) compiles every pattern: no variable-length lookbehind."""
    hyperscan = pytest.importorskip("hyperscan")
    if not hasattr(hyperscan, "CH_MODE_NOGROUPS"):
        pytest.skip("hyperscan built without Chimera")
    db = hyperscan.Database(chimera=True, mode=hyperscan.CH_MODE_NOGROUPS)
    db.compile(expressions=[pattern.encode()], ids=[0], flags=[hyperscan.CH_FLAG_UTF8])


HOSTILE = [
    "password=" * 4000,
    "a://b:" * 4000,
    "aws " + "A1b/" * 9000,
    "x" * 36000 + "@",
    "a." * 18000,
    "a@b." * 9000,
    "a [at] b [dot] " * 2400,
    "e-mail a at b dot " * 2000,
    "a at b dot " * 2400,
    "look at the dot " * 1600,
    "Password=" + "x " * 18000,
    "-----BEGIN RSA PRIVATE KEY-----\n" * 1100,
    "secret " * 5000,
    "sk-" * 12000,
]


def _cost(pattern: regex.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - start


@pytest.mark.parametrize(("name", "pattern"), ALL_PATTERNS, ids=[n for n, _ in ALL_PATTERNS])
def test_patterns_are_linear_on_hostile_input(name: str, pattern: str) -> None:
    """Four times the input costs about four times the time (generous bound: 10x)."""
    compiled = regex.compile(pattern, regex.IGNORECASE | regex.DOTALL | regex.MULTILINE)
    for hostile in HOSTILE:
        small = min(_cost(compiled, hostile[: len(hostile) // 4]) for _ in range(2))
        large = min(_cost(compiled, hostile) for _ in range(2))
        assert large < max(10 * small, 0.05), (name, hostile[:20])
