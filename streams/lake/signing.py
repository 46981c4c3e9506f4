"""Ed25519 keys that sign the manifests, derived from the keyring's master keys.

The private key is never stored: it is HKDF-SHA256(master key, info "mcpgov lake
signing"), so whoever holds the keyring can sign and anyone given the public key can
check. The lake carries `_mcpgov/signing.pub` for convenience, but `verify` trusts
only a key it derives from a keyring or reads from a file the operator names: a
public key that sits beside the data proves nothing, whoever rewrote the data could
have rewritten it too.

`signing.pub` holds one line per key id: `mcpgov-lake-ed25519 <kid> <base64 raw key>`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from streams.keyring import Keyring
from streams.lake.atomic import write_atomic
from streams.lake.errors import SigningKeyError
from streams.lake.location import LakePath

SIGNING_INFO = b"mcpgov lake signing"
PUBLIC_FILE = Path("_mcpgov") / "signing.pub"
_TAG = "mcpgov-lake-ed25519"

TrustedKeys = dict[str, Ed25519PublicKey]


def derive_private(master: bytes) -> Ed25519PrivateKey:
    """The signing key of one keyring master key (deterministic, never written down)."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=SIGNING_INFO).derive(master)
    return Ed25519PrivateKey.from_private_bytes(seed)


@dataclass(frozen=True)
class Signer:
    """Signs manifest lines under one key id of the keyring."""

    kid: str
    key: Ed25519PrivateKey

    @classmethod
    def from_keyring(cls, ring: Keyring, kid: str | None = None) -> Signer:
        """The signer of the keyring's active key (or of `kid`)."""
        kid = kid or ring.active
        if kid not in ring.keys:
            raise SigningKeyError(f"key id {kid!r} is not in the keyring")
        return cls(kid, derive_private(ring.keys[kid]))

    @property
    def public(self) -> Ed25519PublicKey:
        return self.key.public_key()

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.key.sign(data)).decode("ascii")


def trusted_from_keyring(ring: Keyring) -> TrustedKeys:
    """The public keys of every key id in the keyring (old ids sign old entries)."""
    return {kid: derive_private(master).public_key() for kid, master in ring.keys.items()}


def check_signature(key: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def format_public_keys(keys: TrustedKeys) -> str:
    return "".join(f"{_TAG} {kid} {base64.b64encode(raw(k)).decode('ascii')}\n"
                   for kid, k in sorted(keys.items()))


def parse_public_keys(text: str, where: str) -> TrustedKeys:
    """Read `signing.pub` lines; blank lines and `#` comments are skipped."""
    keys: TrustedKeys = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        try:
            if len(parts) != 3 or parts[0] != _TAG:
                raise ValueError
            keys[parts[1]] = Ed25519PublicKey.from_public_bytes(
                base64.b64decode(parts[2], validate=True))
        except (ValueError, binascii.Error):
            raise SigningKeyError(f"{where}: line {n} is not '{_TAG} <key id> "
                                  "<base64 key>'") from None
    if not keys:
        raise SigningKeyError(f"{where}: no public key in the file")
    return keys


def read_public_keys(path: LakePath) -> TrustedKeys:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SigningKeyError(f"cannot read public key file {path}: "
                              f"{exc.strerror or type(exc).__name__}") from None
    return parse_public_keys(text, str(path))


def publish(lake: LakePath, signer: Signer) -> LakePath:
    """Add the signer's public key to `<lake>/_mcpgov/signing.pub` (for convenience only).

    A different key under the same id means the lake was signed with another keyring:
    refuse, rather than mix two signers in one lake.
    """
    path = lake / PUBLIC_FILE
    keys = read_public_keys(path) if path.exists() else {}
    known = keys.get(signer.kid)
    if known is not None:
        if raw(known) != raw(signer.public):
            raise SigningKeyError(f"{path} holds another key for {signer.kid}: this lake was "
                                  "signed with a different keyring")
        return path
    keys[signer.kid] = signer.public
    return write_atomic(path, format_public_keys(keys).encode("ascii"))
