"""`mcpgov ropa`, `mcpgov access-report`, `mcpgov retention`: records and lawful deletion.

Thin click commands over `streams.lake.ropa`, `.access`, `.retention`; the typed errors
they raise become the contract's exit codes in `streams.cli`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from streams.errors import UsageError
from streams.lake.command import existing_lake, lake_option
from streams.lake.location import LakePath

keyring_required = click.option(
    "--keyring", type=click.Path(dir_okay=False), envvar="MCPGOV_KEYRING",
    help="Keyring of the lake's tenant keys [env MCPGOV_KEYRING; default "
         "~/.config/mcpgov/keyring.json]. Must exist.")
retention_policy_option = click.option(
    "--policy", "policy_path", type=click.Path(exists=True, dir_okay=False),
    envvar="MCPGOV_RETENTION",
    help="Retention policy YAML [env MCPGOV_RETENTION; default: the built-in rules].")
tenant_option = click.option("--tenant", help="Only this tenant [default: every tenant].")


@click.command()
@lake_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "csv", "json"]),
              default="markdown", show_default=True,
              help="A readable report, one CSV row per record, or the full records as JSON.")
@tenant_option
@retention_policy_option
def ropa(lake: LakePath, fmt: str, tenant: str | None, policy_path: str | None) -> None:
    """GDPR Art. 30 records of processing, per tenant and purpose, from the lake itself.

    Categories of data subjects and personal data, recipients (servers and tools with
    their regions), transfers to third countries with their basis and how many were
    forbidden, retention (from the retention policy) and security measures.

    \b
    Example:
      mcpgov ropa --lake lake/
      mcpgov ropa --lake lake/ --tenant acme-health --format csv > ropa.csv
    """
    from streams.lake.retention_policy import load_retention
    from streams.lake.ropa import build, render

    records = build(existing_lake(lake), load_retention(policy_path), tenant)
    click.echo(render(records, fmt), nl=False)


@click.command("access-report")
@click.option("--subject", "subject_id", required=True,
              help="The data subject's id as the gateway sends it (never printed).")
@lake_option
@keyring_required
@tenant_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Aligned table, CSV with a header, or JSON lines.")
def access_report(subject_id: str, lake: LakePath, keyring: str | None, tenant: str | None,
                  fmt: str) -> None:
    """Every access to one data subject's data (HIPAA accounting of disclosures).

    The id is tokenized with the tenant keys from the keyring, exactly as the
    governor does, and matched against the lake's subject tokens: time, user, agent,
    tool, server, direction, purpose, data classes and the authorization decision.
    No access gives an empty report and exit 0. A subject erased with `mcpgov erase`
    gets a closing line with the date and receipt id (on stderr for csv and json).

    \b
    Example:
      mcpgov access-report --subject patient-000123 --lake lake/ --keyring keys.json
    """
    from streams.keyring import load_keyring
    from streams.lake.access import access_report as report
    from streams.lake.query import render

    ring = load_keyring(keyring, create=False)
    columns, rows = report(existing_lake(lake), ring, subject_id, tenant)
    click.echo(render(columns, rows, fmt), nl=False)
    from streams.erasure.erase import erasure_notes

    for note in erasure_notes(lake, ring, subject_id, tenant):
        click.echo(note, err=fmt != "table")


@click.group()
def retention() -> None:
    """Retention: delete what the policy says has expired, with signed receipts.

    \b
    Example:
      mcpgov retention show
      mcpgov retention apply --lake lake/ --keyring keys.json --dry-run
    """


@retention.command("show")
@retention_policy_option
def retention_show(policy_path: str | None) -> None:
    """Print the effective retention policy: rules, their periods and sources, holds.

    \b
    Example:
      mcpgov retention show --policy retention.yaml
    """
    from streams.lake.retention_policy import describe, load_retention

    click.echo(describe(load_retention(policy_path)), nl=False)


@retention.command("apply")
@lake_option
@keyring_required
@retention_policy_option
@click.option("--dry-run", is_flag=True, help="List what would be deleted; change nothing.")
@click.option("--now", "now_text", metavar="ISO",
              help="Decide as of this UTC time (e.g. 2027-12-01T00:00:00Z) [default: now].")
def retention_apply(lake: LakePath, keyring: str | None, policy_path: str | None, dry_run: bool,
                    now_text: str | None) -> None:
    """Delete expired files: a signed `remove` manifest entry each, and a disposal receipt.

    A file goes when every row in it is past its retention and no legal hold
    matches it. `mcpgov verify` still passes afterwards: the manifest records the
    deletion, which a file deleted by hand lacks.

    \b
    Example:
      mcpgov retention apply --lake lake/ --keyring keys.json --dry-run
      mcpgov retention apply --lake lake/ --keyring keys.json --policy retention.yaml
    """
    from streams.keyring import load_keyring
    from streams.lake.retention import apply
    from streams.lake.retention_policy import load_retention
    from streams.lake.signing import Signer
    from streams.lake.store import Lake

    now = _parse_now(now_text)
    policy = load_retention(policy_path)
    root = existing_lake(lake)
    store = Lake(root, Signer.from_keyring(load_keyring(keyring, create=False)))
    plan, receipt = apply(store, policy, now, dry_run=dry_run)
    for decision in plan.decisions:
        click.echo(decision.line())
    gone = plan.expired
    rows = sum(d.rows for d in gone)
    if dry_run:
        click.echo(f"dry run: would remove {len(gone)} files ({rows} rows); nothing changed")
    elif receipt is None:
        click.echo("nothing expired")
    else:
        click.echo(f"removed {len(gone)} files ({rows} rows); receipt "
                   f"{receipt.relative_to(root).as_posix()}")


def _parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now {text!r} is not an ISO 8601 time") from None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
