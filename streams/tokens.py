"""Deterministic keyed tokens: how detected values leave the governor.

- Card numbers keep their first 6 and last 4 digits and their separators; the middle
  digits come from HMAC-SHA256(tenant key, PAN), and the result is forced to fail
  the Luhn check, so a token can never pass for a real card (and our own detector
  never flags it again). Same PAN + same tenant key -> same token: joins still work.
- Every other value becomes `tok_<class>_<kid>_<mac>`: class is the value's data
  class (pci, phi, pii, fin), kid the tenant key id (for rotation), mac 26 base32
  characters of HMAC-SHA256 over the entity type and the normalized value.
  Token kinds other than `tok` are reserved (e.g. `tse` for values encrypted under
  a data subject's own key, for crypto-shredding).
- Secrets are never tokenized: they are redacted outright, as `[REDACTED:SECRET]`.
- `digest` is the minimization policy's keyed one-way summary of a whole field.

None of these is reversible from the token alone; reversal, where allowed, needs a
vault of encrypted originals (see the lake's erasure design).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from detectors.validators import luhn_checksum
from streams.keyring import Keyring

_TOKEN_RE = re.compile(r"\btok_(?:pci|phi|pii|fin|sec)_k\d+_[a-z2-7]{26}\b")
REDACTED_SECRET = "[REDACTED:SECRET]"  # noqa: S105 - a marker, not a password

_CLASS_TAG = {"PCI": "pci", "PHI": "phi", "PII": "pii", "FINANCIAL": "fin", "SECRET": "sec"}
_PRECEDENCE = ("SECRET", "PCI", "PHI", "FINANCIAL", "PII")


def class_tag(data_classes: set[str] | frozenset[str]) -> str:
    """The short tag of the most sensitive class (PHI outranks PII, and so on)."""
    for cls in _PRECEDENCE:
        if cls in data_classes:
            return _CLASS_TAG[cls]
    return "pii"


def is_token(text: str) -> bool:
    """True when `text` is exactly one keyed token of ours."""
    return bool(_TOKEN_RE.fullmatch(text))


def normalize(entity_type: str, value: str) -> str:
    """The canonical form tokens are computed over, so formatting does not split joins."""
    v = value.strip()
    if entity_type in ("EMAIL_ADDRESS",):
        return v.casefold()
    if entity_type in ("CREDIT_CARD", "US_SSN", "US_NPI", "PHONE_NUMBER", "US_BANK_NUMBER"):
        return "".join(ch for ch in v if ch.isdigit() or ch == "+")
    if entity_type in ("IBAN_CODE", "US_MBI", "MEDICAL_RECORD_NUMBER"):
        return "".join(ch for ch in v if ch.isalnum()).upper()
    if entity_type == "PERSON":
        return " ".join(v.split()).casefold()
    return v


class Tokenizer:
    """Makes tokens with the tenant's key; one instance serves every tenant."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def _mac(self, tenant: str, purpose: str, value: str) -> tuple[str, bytes]:
        kid, key = self.keyring.tenant_key(tenant)
        mac = hmac.new(key, purpose.encode() + b"\x00" + value.encode("utf-8"), hashlib.sha256)
        return kid, mac.digest()

    def key_id(self, tenant: str) -> str:
        return self.keyring.tenant_key(tenant)[0]

    def token(self, entity_type: str, value: str, tenant: str, data_classes: set[str]) -> str:
        """The replacement for one detected value (see the module docstring)."""
        if entity_type == "SECRET" or "SECRET" in data_classes:
            return REDACTED_SECRET
        if entity_type == "CREDIT_CARD":
            pan = self.pan_token(value, tenant)
            if pan is not None:
                return pan
        kid, mac = self._mac(tenant, entity_type, normalize(entity_type, value))
        body = base64.b32encode(mac).decode("ascii").lower()[:26]
        return f"tok_{class_tag(data_classes)}_{kid}_{body}"

    def pan_token(self, value: str, tenant: str) -> str | None:
        """First 6 and last 4 kept, middle keyed, separators kept, Luhn forced invalid."""
        digits = [ch for ch in value if ch.isdigit()]
        if not 12 <= len(digits) <= 19:
            return None
        pan = "".join(digits)
        _, mac = self._mac(tenant, "CREDIT_CARD", pan)
        n_mid = len(pan) - 10
        mid = [str(b % 10) for b in mac[:n_mid]]
        out = list(pan[:6]) + mid + list(pan[-4:])
        if luhn_checksum("".join(out)) == 0:
            # Nudge the last keyed digit: any change of one digit breaks Luhn.
            i = 6 + n_mid - 1
            out[i] = str((int(out[i]) + 1) % 10)
        it = iter(out)
        return "".join(next(it) if ch.isdigit() else ch for ch in value)

    def digest(self, value: str, tenant: str) -> str:
        """A keyed one-way digest of a whole field (policy action `digest`)."""
        kid, mac = self._mac(tenant, "digest", value)
        return f"dig_{kid}_{mac[:16].hex()}"

    def subject_token(self, subject_id: str, tenant: str) -> str:
        """The data-subject id as analysts see it: groupable, not readable."""
        kid, mac = self._mac(tenant, "subject", subject_id)
        body = base64.b32encode(mac).decode("ascii").lower()[:26]
        return f"sub_{kid}_{body}"
