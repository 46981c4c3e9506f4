"""Tokens: format-preserving PAN tokens never pass for cards; keyed tokens join and rotate."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.validators import credit_card, luhn, luhn_check_digit
from streams.keyring import Keyring
from streams.tokens import REDACTED_SECRET, Tokenizer, is_token

PREFIXES = ["4", "51", "55", "2221", "2720", "34", "37", "6011", "65", "62", "3528", "36", "50", "6759"]


def make_pan(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


pans = st.builds(
    make_pan,
    st.randoms(use_true_random=False),
    st.sampled_from(PREFIXES),
    st.sampled_from([16, 19]),
)


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer(Keyring.new())


def _fmt(pan: str, sep: str) -> str:
    return sep.join(pan[i : i + 4] for i in range(0, len(pan), 4))


@settings(max_examples=300, deadline=None)
@given(pan=pans, sep=st.sampled_from(["", " ", "-"]))
def test_pan_token_keeps_bin_last4_format_and_fails_luhn(tok: Tokenizer, pan: str, sep: str) -> None:
    shown = _fmt(pan, sep)
    token = tok.token("CREDIT_CARD", shown, "t1", {"PCI"})
    digits = re.sub(r"\D", "", token)
    assert len(token) == len(shown)
    assert [i for i, c in enumerate(token) if not c.isdigit()] == [
        i for i, c in enumerate(shown) if not c.isdigit()
    ]
    assert digits[:6] == pan[:6] and digits[-4:] == pan[-4:]
    assert not luhn(digits) and not credit_card(token)
    assert tok.token("CREDIT_CARD", shown, "t1", {"PCI"}) == token  # deterministic
    # Separators do not split joins: the same PAN written differently keeps its middle.
    assert re.sub(r"\D", "", tok.token("CREDIT_CARD", pan, "t1", {"PCI"})) == digits


def test_pan_tokens_differ_by_tenant_and_rarely_collide(tok: Tokenizer) -> None:
    rng = random.Random(5)
    pans_ = {make_pan(rng, rng.choice(PREFIXES), 16) for _ in range(3000)}
    tokens = {tok.token("CREDIT_CARD", p, "t1", {"PCI"}) for p in pans_}
    assert len(tokens) >= len(pans_) - 2  # 10^6 keyed middles per BIN+last4
    other = [tok.token("CREDIT_CARD", p, "t2", {"PCI"}) for p in sorted(pans_)[:200]]
    same = [tok.token("CREDIT_CARD", p, "t1", {"PCI"}) for p in sorted(pans_)[:200]]
    assert sum(a == b for a, b in zip(other, same)) <= 1


def test_keyed_tokens_format_determinism_and_normalization(tok: Tokenizer) -> None:
    a = tok.token("EMAIL_ADDRESS", "Ana.Lopez@example.org", "t1", {"PII"})
    assert is_token(a) and a.startswith("tok_pii_k1_")
    assert tok.token("EMAIL_ADDRESS", " ana.lopez@EXAMPLE.org", "t1", {"PII"}) == a
    assert tok.token("EMAIL_ADDRESS", "ana.lopez@example.org", "t2", {"PII"}) != a
    assert tok.token("US_SSN", "123-45-6780", "t1", {"PII", "PHI"}).startswith("tok_phi_")
    assert tok.token("US_SSN", "123-45-6780", "t1", {"PII"}) == tok.token(
        "US_SSN", "123456780", "t1", {"PII"}
    )
    assert "Ana" not in a and "lopez" not in a


def test_secrets_are_redacted_not_tokenized(tok: Tokenizer) -> None:
    assert tok.token("SECRET", "ghp_" + "a1" * 18, "t1", {"SECRET"}) == REDACTED_SECRET


def test_rotation_changes_tokens_and_key_id() -> None:
    ring = Keyring.new()
    t = Tokenizer(ring)
    before = t.token("PERSON", "Grace Hopper", "t", {"PII"})
    ring.rotate()
    after = t.token("PERSON", "Grace Hopper", "t", {"PII"})
    assert before.split("_")[2] == "k1" and after.split("_")[2] == "k2"
    assert before != after
    assert t.key_id("t") == "k2"


def test_digest_and_subject_tokens_are_keyed(tok: Tokenizer) -> None:
    d = tok.digest("whole note text", "t1")
    assert d.startswith("dig_k1_") and d == tok.digest("whole note text", "t1")
    assert d != tok.digest("whole note text", "t2")
    s = tok.subject_token("patient-8812", "t1")
    assert s.startswith("sub_k1_") and "8812" not in s
