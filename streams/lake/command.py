"""`mcpgov verify` and `mcpgov query`: thin click commands over the lake's Python API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from streams.errors import UsageError
from streams.lake.location import LakePath, ObjectPath, lake_location

LAKE_HELP = ("Lake: a folder, or an object store by URI (s3://bucket/prefix, gs://...; "
             "pyarrow's URI options, e.g. ?region=eu-west-1).")


class LakeParam(click.ParamType):
    """`--lake`: a local folder (a `Path`) or an object-store URI (an `ObjectPath`)."""

    name = "DIR|URI"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> LakePath:
        try:
            return lake_location(value if isinstance(value, Path | ObjectPath) else str(value))
        except UsageError as exc:
            self.fail(str(exc), param, ctx)


def existing_lake(lake: LakePath) -> LakePath:
    """`lake`, or a UsageError when nothing is there (a typo should not read as empty)."""
    if not lake.is_dir():
        where = "lake folder" if isinstance(lake, Path) else "lake"
        raise UsageError(f"no {where} at {lake}")
    return lake


LAKE = LakeParam()
lake_option = click.option("--lake", required=True, type=LAKE,
                           help=f"{LAKE_HELP} Holds events/, alerts/, _manifests/.")


@click.command()
@lake_option
@click.option("--keyring", type=click.Path(dir_okay=False), envvar="MCPGOV_KEYRING",
              help="Keyring whose keys signed the lake: the trusted public keys are derived "
                   "from it [env MCPGOV_KEYRING; default ~/.config/mcpgov/keyring.json].")
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False, exists=True),
              help="Trusted public key file (lines of 'mcpgov-lake-ed25519 KID BASE64'), "
                   "instead of a keyring.")
def verify(lake: LakePath, keyring: str | None, public_key: str | None) -> None:
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
    click.echo(check(verify_lake(lake, trusted), lake))


@click.command()
@lake_option
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Aligned table, CSV with a header, or JSON lines.")
def query(lake: LakePath, sql: str, fmt: str) -> None:
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

    columns, rows = run_query(existing_lake(lake), sql)
    click.echo(render(columns, rows, fmt), nl=False)
