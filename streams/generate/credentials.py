"""Synthetic secrets in the exact shapes secret scanners key on.

All of type SECRET in the ground truth, told apart by a subtype. Shapes follow the
issuers' published formats (AWS key ids, GitHub tokens with their CRC32 suffix,
Slack, Stripe-like keys, JWTs with a real JSON header, PEM blocks), filled with
seeded random bytes, so nothing here ever authenticated anywhere.
"""

from __future__ import annotations

import base64
import json
import random
import zlib
from collections.abc import Callable

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B64 = _B62 + "+/"


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def base62(n: int, width: int) -> str:
    """`n` in base 62, left-padded with zeros to `width` characters."""
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = _B62[r] + out
    return out.rjust(width, "0")


def aws_access_key_id(rng: random.Random) -> str:
    """AKIA (long-term) or ASIA (session) plus 16 base-32 characters."""
    return rng.choice(("AKIA", "AKIA", "ASIA")) + _pick(rng, _B32, 16)


def aws_secret_access_key(rng: random.Random) -> str:
    """Forty base-64 characters, as AWS prints them next to the key id."""
    return _pick(rng, _B64, 40)


def github_token(rng: random.Random) -> str:
    """ghp_/gho_/ghs_ + 30 random base-62 characters + their CRC32 in base 62."""
    entropy = _pick(rng, _B62, 30)
    return (
        rng.choice(("ghp_", "ghp_", "gho_", "ghs_"))
        + entropy
        + base62(zlib.crc32(entropy.encode()), 6)
    )


def slack_token(rng: random.Random) -> str:
    """A bot or user token: xoxb-/xoxp- and three dash-separated parts."""
    kind = rng.choice(("xoxb", "xoxp"))
    a, b = rng.randint(10**9, 10**13 - 1), rng.randint(10**9, 10**13 - 1)
    return f"{kind}-{a}-{b}-{_pick(rng, _B62, 24)}"


def stripe_secret_key(rng: random.Random) -> str:
    """A Stripe-style live secret or restricted key."""
    prefix = rng.choice(("sk_live_", "sk_live_", "rk_live_"))
    return prefix + _pick(rng, _B62, rng.choice((24, 34, 99)))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(
    rng: random.Random, subject: str = "agent", issuer: str = "https://auth.example.com"
) -> str:
    """A signed-looking JWT: real JSON header and claims, random signature bytes."""
    alg = rng.choice(("HS256", "RS256", "ES256"))
    header: dict[str, str] = {"alg": alg, "typ": "JWT"}
    if alg != "HS256":
        header["kid"] = _pick(rng, _B62, 12)
    iat = 1_780_000_000 + rng.randint(0, 20_000_000)
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": "mcp",
        "iat": iat,
        "exp": iat + 3600,
        "scope": rng.choice(("read", "read write", "accounts payments")),
    }
    sig = rng.randbytes({"HS256": 32, "RS256": 256, "ES256": 64}[alg])
    parts = (json.dumps(header, separators=(",", ":")), json.dumps(claims, separators=(",", ":")))
    return ".".join((*(_b64url(p.encode()) for p in parts), _b64url(sig)))


_PEM_KINDS = {
    "RSA PRIVATE KEY": (b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00", 1180),
    "PRIVATE KEY": (b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86", 1200),
    "EC PRIVATE KEY": (b"\x30\x77\x02\x01\x01\x04\x20", 112),
    "OPENSSH PRIVATE KEY": (b"openssh-key-v1\x00", 380),
}


def pem_private_key(rng: random.Random) -> str:
    """A PEM private-key block (64-character lines) with a DER-like start."""
    kind = rng.choice(sorted(_PEM_KINDS))
    head, size = _PEM_KINDS[kind]
    body = base64.b64encode(head + rng.randbytes(size)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"


_WORDS = (
    "correct",
    "horse",
    "battery",
    "staple",
    "winter",
    "harbor",
    "copper",
    "violet",
    "maple",
    "orbit",
    "tango",
    "falcon",
    "summer",
    "granite",
    "lotus",
    "ember",
)


def password(rng: random.Random) -> str:
    """A password as users pick them: a passphrase, a word+year+symbol, or random."""
    style = rng.randrange(3)
    if style == 0:
        return "-".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 4)))
    if style == 1:
        return (
            rng.choice(_WORDS).capitalize() + str(rng.randint(1990, 2026)) + rng.choice("!#$%*?@")
        )
    return _pick(rng, _B62 + "!#$%&*+-=?@^_~", rng.randint(12, 24))


SECRETS: dict[str, Callable[[random.Random], str]] = {
    "aws_access_key_id": aws_access_key_id,
    "aws_secret_access_key": aws_secret_access_key,
    "github_token": github_token,
    "slack_token": slack_token,
    "stripe_secret_key": stripe_secret_key,
    "jwt": jwt,
    "pem_private_key": pem_private_key,
    "password": password,
}
"""SECRET subtype -> generator; the subtype is recorded in the ground truth."""
