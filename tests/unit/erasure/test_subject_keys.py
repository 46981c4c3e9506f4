"""The subject key store: one AES-256 key per (tenant, subject token), 0600, destroyable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from streams.erasure.errors import RolesError, SubjectKeyError
from streams.erasure.keys import SubjectKeyStore
from streams.erasure.roles import load_roles

TOKEN = "sub_k1_aaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_get_or_create_makes_one_private_key_and_keeps_it(tmp_path: Path) -> None:
    store = SubjectKeyStore(tmp_path / "keys")
    assert store.get("acme", TOKEN) is None and not store.exists("acme", TOKEN)
    made = store.get_or_create("acme", TOKEN)
    path = tmp_path / "keys" / "acme" / f"{TOKEN}.key"
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(made.key) == 32 and made.key_id.startswith("sk_")
    assert store.get_or_create("acme", TOKEN) == made
    assert SubjectKeyStore(tmp_path / "keys").get("acme", TOKEN) == made
    assert store.get_or_create("globex", TOKEN) != made  # per tenant
    assert made.key.hex() not in repr(made)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_destroy_overwrites_unlinks_and_is_idempotent(tmp_path: Path) -> None:
    store = SubjectKeyStore(tmp_path)
    made = store.get_or_create("acme", TOKEN)
    gone = store.destroy("acme", TOKEN)
    assert gone is not None and gone.key_id == made.key_id and gone.key == b""
    assert not store.exists("acme", TOKEN) and store.get("acme", TOKEN) is None
    assert store.destroy("acme", TOKEN) is None
    again = store.get_or_create("acme", TOKEN)
    assert again.key != made.key  # a destroyed key never comes back


def test_a_malformed_key_file_is_a_clear_error(tmp_path: Path) -> None:
    store = SubjectKeyStore(tmp_path)
    store.path("acme", TOKEN).parent.mkdir(parents=True)
    store.path("acme", TOKEN).write_text("{not json")
    with pytest.raises(SubjectKeyError, match="unreadable or malformed"):
        store.get("acme", TOKEN)


def test_tenant_and_token_cannot_escape_the_folder(tmp_path: Path) -> None:
    store = SubjectKeyStore(tmp_path / "keys")
    path = store.path("../../etc", "../passwd")
    assert path.resolve().is_relative_to((tmp_path / "keys").resolve())


@pytest.mark.parametrize(("text", "message"), [
    ("roles: [a, b]\n", "roles: Input should be a valid dictionary"),
    ("roles:\n  officer: {tenants: []}\n", "roles.officer.tenants: List should have at least 1"),
    ("roles:\n  officer: {tenants: ['*'], extra: 1}\n", "roles.officer.extra: Extra inputs"),
    ("roles: {officer: {tenants: ['*']}\n", "not valid YAML"),
])
def test_a_bad_roles_file_names_the_file_and_field(tmp_path: Path, text: str,
                                                   message: str) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(text)
    with pytest.raises(RolesError, match="roles.yaml") as err:
        load_roles(path)
    assert message in str(err.value)


def test_roles_default_to_none_and_match_tenants(tmp_path: Path) -> None:
    assert load_roles(None).role("privacy-officer") is None
    path = tmp_path / "roles.yaml"
    path.write_text("roles:\n  dpo: {tenants: [acme]}\n  officer: {tenants: ['*']}\n")
    roles = load_roles(path)
    dpo, officer = roles.role("dpo"), roles.role("officer")
    assert dpo is not None and dpo.allows("acme") and not dpo.allows("globex")
    assert officer is not None and officer.allows("globex")
