"""`mcpgov erase` and `mcpgov detokenize`: thin click commands over `streams.erasure`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from streams.kafka.connection import kafka_config_option
from streams.lake.command import existing_lake, lake_option
from streams.lake.location import LakePath
from streams.lake.ops_command import keyring_required, tenant_option

if TYPE_CHECKING:
    from streams.keyring import Keyring

subject_keys_option = click.option(
    "--subject-keys", "subject_keys", required=True, metavar="DIR|kafka|kafka:TOPIC",
    envvar="MCPGOV_SUBJECT_KEYS",
    help="Subject key store: the folder given to `mcpgov run --subject-keys`, or `kafka` "
         "for the compacted topic mcp.subject-keys on --broker (`kafka:TOPIC` names "
         "another) [env MCPGOV_SUBJECT_KEYS].")
_broker_flag = click.option(
    "--broker", default=None, metavar="URL", envvar="KAFKA_BOOTSTRAP_SERVERS",
    help="Kafka bootstrap servers, for --subject-keys kafka [env KAFKA_BOOTSTRAP_SERVERS].")


def broker_option(func: Any) -> Any:
    return _broker_flag(kafka_config_option(func))
topic_prefix_option = click.option(
    "--topic-prefix", default="",
    help="Put PREFIX in front of the subject key topic's name, as the workers do.")


def _open_keys(subject_keys: str, ring: Keyring, broker: str | None,
               topic_prefix: str) -> Any:
    from streams.erasure.stores import open_subject_keys

    return open_subject_keys(subject_keys, ring, broker=broker, topic_prefix=topic_prefix)


def _close(keys: Any) -> None:
    if hasattr(keys, "close"):
        keys.close()


@click.command()
@click.option("--subject", "subject_id", required=True,
              help="The data subject's id as the gateway sends it (never printed or stored).")
@lake_option
@keyring_required
@subject_keys_option
@broker_option
@topic_prefix_option
@tenant_option
@click.option("--reason", default="data subject request (GDPR Art. 17)", show_default=True,
              help="Why: recorded in the signed receipt.")
def erase(subject_id: str, lake: LakePath, keyring: str | None, subject_keys: str,
          broker: str | None, topic_prefix: str, tenant: str | None, reason: str) -> None:
    """GDPR Art. 17 erasure by crypto-shredding: destroy the subject's data keys.

    The id is tokenized as the governor does (every tenant of the lake, every key id
    of the keyring); each subject key found is destroyed (a folder's key file is
    overwritten and deleted; on Kafka each key record gets a tombstone, and the
    receipt states the topic's compaction bound), so the subject's vault entries can
    never be decrypted again. No lake file changes, so `mcpgov verify` still passes.
    A signed erasure receipt (subject tokens, never the id) goes to LAKE/_receipts/;
    `mcpgov ropa` and `mcpgov access-report` show it. A subject with no key left
    exits 0 with "nothing to erase".

    \b
    Example:
      mcpgov erase --subject patient-000123 --lake lake/ --keyring keys.json \\
        --subject-keys subject-keys/ --reason "request 2026-114"
      mcpgov erase --subject patient-000123 --lake lake/ --keyring keys.json \\
        --subject-keys kafka --broker 127.0.0.1:9092
    """
    from streams.erasure.erase import erase as run_erase
    from streams.keyring import load_keyring
    from streams.lake.signing import Signer
    from streams.lake.store import Lake

    root = existing_lake(lake)
    ring = load_keyring(keyring, create=False)
    keys = _open_keys(subject_keys, ring, broker, topic_prefix)
    try:
        done = run_erase(Lake(root, Signer.from_keyring(ring)), ring, keys, subject_id,
                         tenant=tenant, reason=reason)
    finally:
        _close(keys)
    if done.receipt is None:
        if done.earlier:
            last = done.earlier[-1]
            click.echo(f"nothing to erase: already erased on {last['at'][:10]} "
                       f"(receipt {last['receipt_id']})")
        else:
            click.echo("nothing to erase: no subject key found for this subject")
        return
    for d in done.destroyed:
        click.echo(f"destroyed key {d['key_id']} of {d['tenant']} subject {d['subject_token']}")
    if done.key_store is not None:
        click.echo(f"tombstoned on Kafka topic {done.key_store['topic']}: "
                   f"{done.key_store['bound']}")
    entries = sum(f["entries"] for f in done.files)
    n = len(done.files)
    click.echo(f"erased: {entries} vault entries in {n} file{'s' * (n != 1)} can no longer be "
               f"decrypted; receipt {done.receipt.relative_to(root).as_posix()}")


@click.command()
@click.argument("token")
@lake_option
@keyring_required
@subject_keys_option
@broker_option
@topic_prefix_option
@click.option("--role", required=True, help="The role you act in; must be in the roles file.")
@click.option("--reason", required=True, help="Why you need the value: recorded in the lake.")
@click.option("--roles", "roles_path", type=click.Path(exists=True, dir_okay=False),
              envvar="MCPGOV_ROLES",
              help="Roles YAML (`roles: {NAME: {tenants: [...]}}`) [env MCPGOV_ROLES; "
                   "default: no role, everything denied].")
def detokenize(token: str, lake: LakePath, keyring: str | None, subject_keys: str,
               broker: str | None, topic_prefix: str, role: str, reason: str,
               roles_path: str | None) -> None:
    """Print the original value of one token, for a configured role, with a reason.

    The token's vault entry is decrypted with its data subject's key. Denied (exit 1,
    one line, never the value) when the role is not in the roles file or not for
    that tenant, the token is unknown, or the subject was erased. Every attempt,
    allowed or denied, is recorded in LAKE/access_log/ under the signed manifests.

    \b
    Example:
      mcpgov detokenize tok_pii_k1_abcdefghijklmnopqrstuvwxyz --lake lake/ \\
        --keyring keys.json --subject-keys subject-keys/ --roles roles.yaml \\
        --role privacy-officer --reason "DSAR 2026-114"
      mcpgov detokenize tok_pii_k1_abcdefghijklmnopqrstuvwxyz --lake lake/ \\
        --keyring keys.json --subject-keys kafka --broker 127.0.0.1:9092 \\
        --roles roles.yaml --role privacy-officer --reason "DSAR 2026-114"
    """
    from streams.erasure.detokenize import detokenize as reverse
    from streams.erasure.roles import load_roles
    from streams.keyring import load_keyring
    from streams.lake.signing import Signer
    from streams.lake.store import Lake

    roles = load_roles(roles_path)
    root = existing_lake(lake)
    ring = load_keyring(keyring, create=False)
    store = Lake(root, Signer.from_keyring(ring))
    keys = _open_keys(subject_keys, ring, broker, topic_prefix)
    try:
        value = reverse(store, keys, roles, token, role=role, reason=reason)
    finally:
        _close(keys)
    click.echo(value)
