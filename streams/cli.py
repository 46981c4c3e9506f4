"""The `mcpgov` command line: one thin click command per verb over the Python API.

Exit codes follow the contract: 0 success, 1 a check failed, 2 bad usage or bad
input, with one clear line on stderr. Commands live beside the code they drive and
are registered here, so `mcpgov --help` lists them all in one place.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from streams import __version__
from streams.errors import CheckFailed, MCPGovError, UsageError


class _Group(click.Group):
    """Turns mcpgov's typed errors into the contract's exit codes and one stderr line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CheckFailed as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except (UsageError, MCPGovError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mcpgov")
def main() -> None:
    """Govern what AI agents do through MCP: classify, tokenize, route, alert, land.

    Start with the embedded pipeline, no Kafka needed:

    \b
      mcpgov generate --sessions 200 --seed 7 --out traffic.jsonl
      mcpgov run --input traffic.jsonl --lake lake/

    Then run the same stages on Kafka with `mcpgov kafka start` and `mcpgov worker`.
    """


def _register() -> None:
    from streams.generate.command import generate
    from streams.kafka.command import kafka, topics

    for cmd in (generate, kafka, topics):
        main.add_command(cmd)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
