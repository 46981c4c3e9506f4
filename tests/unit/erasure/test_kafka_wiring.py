"""The Kafka side of erasure without a broker: its CLI errors and the lander's vault rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.erasure.vault import VAULT_SCHEMA
from streams.faust_app import vault_id
from streams.keyring import Keyring
from streams.lake.landing import vault_rows

NO_BROKER = {"KAFKA_BOOTSTRAP_SERVERS": None, "MCPGOV_SUBJECT_KEYS": None}
ENTRY = {"schema_version": 1, "token": "tok_pii_k1_abc", "tenant": "acme-health",
         "subject_token": "sub_k1_xyz", "entity_type": "EMAIL_ADDRESS",
         "key_id": "sk_0123456789abcdef", "nonce": "bm9uY2U=", "ciphertext": "Y3Q=",
         "event_id": "00000000-0000-4000-8000-000000000001",
         "time": "2026-11-22T06:30:01.123456Z"}


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    Keyring.new().save(tmp_path / "keys.json")
    (tmp_path / "lake").mkdir()
    return tmp_path / "lake", tmp_path / "keys.json"


@pytest.mark.parametrize(("args", "error"), [
    (["erase", "--subject", "patient-1", "--subject-keys", "kafka"],
     "Error: --subject-keys kafka needs --broker (or KAFKA_BOOTSTRAP_SERVERS)\n"),
    (["detokenize", "tok_x", "--role", "r", "--reason", "x", "--subject-keys", "kafka:k"],
     "Error: --subject-keys kafka:k needs --broker (or KAFKA_BOOTSTRAP_SERVERS)\n"),
    (["erase", "--subject", "p", "--subject-keys", "kafka:a/b", "--broker", "127.0.0.1:9"],
     "Error: invalid topic name 'a/b': use 1-249 characters among A-Z a-z 0-9 . _ -\n"),
])
def test_kafka_subject_keys_usage_errors(setup, args, error) -> None:
    lake, keys = setup
    result = CliRunner().invoke(main, [*args, "--lake", str(lake), "--keyring", str(keys)],
                                env=NO_BROKER)
    assert (result.exit_code, result.stderr) == (2, error)


def test_only_the_governor_worker_takes_subject_keys(setup) -> None:
    lake, keys = setup
    result = CliRunner().invoke(main, ["worker", "lander", "--broker", "127.0.0.1:9", "--lake",
                                       str(lake), "--keyring", str(keys),
                                       "--subject-keys", "kafka"], env=NO_BROKER)
    assert (result.exit_code, result.stderr) == (
        2, "Error: --subject-keys is for the governor stage only\n")


def test_the_lander_lands_a_vault_entry_where_the_runner_does() -> None:
    partition, row, schema = vault_rows(ENTRY)
    assert partition == "vault/tenant=acme-health/date=2026-11-22"
    assert schema == VAULT_SCHEMA and set(row) == set(VAULT_SCHEMA.names)
    assert row["time"].isoformat() == "2026-11-22T06:30:01.123456+00:00"


def test_a_vault_entry_is_sent_once_per_subject_token_and_key() -> None:
    assert vault_id(ENTRY) == vault_id({**ENTRY, "event_id": "other", "time": "later"})
    assert vault_id(ENTRY) != vault_id({**ENTRY, "key_id": "sk_fresh_after_erasure"})
