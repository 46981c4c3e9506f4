"""SECRET: vendor tokens, JWTs, PEM blocks, Authorization headers, password fields."""

from __future__ import annotations

import base64
import json

import pytest


def _b64url(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


JWT = f"{_b64url({'alg': 'HS256', 'typ': 'JWT'})}.{_b64url({'sub': '1', 'aud': 'mcp'})}.c2lnbmF0dXJl"
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
