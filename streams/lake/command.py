"""`mcpgov verify` and `mcpgov query`: thin click commands over the lake's Python API."""

from __future__ import annotations

from pathlib import Path

import click

from streams.errors import UsageError

lake_option = click.option("--lake", required=True, type=click.Path(file_okay=False),
                           help="Lake folder (holds events/, alerts/, _manifests/).")


@click.command()
@lake_option
@click.option("--keyring", type=click.Path(dir_okay=False), envvar="MCPGOV_KEYRING",
              help="Keyring whose keys signed the lake: the trusted public keys are derived "
                   "from it [env MCPGOV_KEYRING; default ~/.config/mcpgov/keyring.json].")
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False, exists=True),
              help="Trusted public key file (lines of 'mcpgov-lake-ed25519 KID BASE64'), "
                   "instead of a keyring.")
def verify(lake: str, keyring: str | None, public_key: str | None) -> None:
    """Check the lake's signed manifests: exit 1 on any tampering, saying exactly what.

    Detects a modified, deleted or inserted file, an edited, reordered or truncated
    manifest, and a forged signature. The public key inside the lake is never trusted
    on its own: trust comes from your keyring or from --public-key.

    \b
    Example:
      mcpgov verify --lake lake/ --keyring keys.json
      mcpgov verify --lake lake/ --public-key trusted-signing.pub
    """
    from streams.keyring import load_keyring
    from streams.lake.signing import read_public_keys, trusted_from_keyring
    from streams.lake.verify import check, verify_lake

    if keyring and public_key:
        raise UsageError("give --keyring or --public-key, not both")
    trusted = (read_public_keys(Path(public_key)) if public_key
               else trusted_from_keyring(load_keyring(keyring, create=False)))
    click.echo(check(verify_lake(Path(lake), trusted), Path(lake)))


@click.command()
@lake_option
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Aligned table, CSV with a header, or JSON lines.")
def query(lake: str, sql: str, fmt: str) -> None:
    """Run SQL over the lake: views `events` and `alerts` (DuckDB dialect).

    Partition keys are columns too: `region`, `tenant`, `date` on events, `date` on
    alerts. An empty lake answers with zero rows. A bad query exits 2 with DuckDB's
    message.

    \b
    Example:
      mcpgov query --lake lake/ "SELECT tenant, count(*) AS n FROM events GROUP BY 1"
      mcpgov query --lake lake/ --format json "SELECT * FROM alerts LIMIT 5"
    """
    from streams.lake.query import render, run_query

    if not Path(lake).is_dir():
        raise UsageError(f"no lake folder at {lake}")
    columns, rows = run_query(Path(lake), sql)
    click.echo(render(columns, rows, fmt), nl=False)
