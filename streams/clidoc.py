"""Generate docs/cli.md from the real `--help` of every command.

    python -m streams.clidoc > docs/cli.md

`tests/test_docs.py` fails when the checked-in file differs from what this prints,
so the reference cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from streams.cli import main


def walk(cmd: click.Command, path: tuple[str, ...] = ("mcpgov",)) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    """Every command and subcommand, depth first, in name order."""
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from walk(cmd.commands[name], (*path, name))


def help_text(path: tuple[str, ...], cmd: click.Command) -> str:
    """Exactly what `mcpgov ... --help` prints, at a fixed width."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [*path[1:], "--help"], prog_name="mcpgov",
                                terminal_width=88, env={"COLUMNS": "88"})
    return result.output


def render() -> str:
    out = ["# Command line reference", "",
           "Generated from `--help` by `python -m streams.clidoc`; do not edit by hand.", ""]
    for path, cmd in walk(main):
        out += [f"## {' '.join(path)}", "", "```", help_text(path, cmd).rstrip(), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
