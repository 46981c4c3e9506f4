"""The keyring: secrets stay in a 0600 file, never in messages; rotation keeps old keys."""

import json
import stat

import pytest

from streams.keyring import Keyring, KeyringError, load_keyring


def test_save_load_roundtrip_mode_0600(tmp_path) -> None:
    ring = Keyring.new()
    path = ring.save(tmp_path / "k" / "ring.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_keyring(path, create=False)
    assert again.keys == ring.keys and again.active == ring.active
    assert again.tenant_key("a") == ring.tenant_key("a")
    assert ring.tenant_key("a")[1] != ring.tenant_key("b")[1]


def test_rotate_keeps_old_ids(tmp_path) -> None:
    ring = Keyring.new(tmp_path / "r.json")
    k1 = ring.tenant_key("t")
    assert ring.rotate() == "k2"
    ring.save()
    again = load_keyring(tmp_path / "r.json", create=False)
    assert again.active == "k2" and again.tenant_key("t", "k1") == k1


def test_env_json_and_missing_file(tmp_path, monkeypatch) -> None:
    ring = Keyring.new()
    monkeypatch.setenv("MCPGOV_KEYRING_JSON", json.dumps(ring.to_json()))
    assert load_keyring().keys == ring.keys
    monkeypatch.delenv("MCPGOV_KEYRING_JSON")
    with pytest.raises(KeyringError, match="no keyring at .*mcpgov keys create"):
        load_keyring(tmp_path / "absent.json", create=False)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "expected an object"),
        ({"keys": {"k1": {"secret": "@@@"}}, "active": "k1"}, "no valid base64"),
        ({"keys": {"k1": {"secret": "AAAA"}}, "active": "k1"}, "shorter than 128 bits"),
        ({"keys": {"k1": {"secret": "A" * 44}}, "active": "k9"}, "not in the keyring"),
        ({"keys": {"k1": {"secret": "A" * 44}}}, "'active' must name"),
    ],
)
def test_bad_keyrings_fail_clearly_without_secrets(tmp_path, doc, message) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyringError, match=message) as err:
        load_keyring(path, create=False)
    assert "A" * 44 not in str(err.value)
