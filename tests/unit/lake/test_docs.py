"""docs/lake.md's query examples run, against the test lake, with the output shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import main
from streams.lake import Lake

from .conftest import fill

S3_EXAMPLE = "s3://example-bucket/lake"
DOC = Path(__file__).resolve().parents[3] / "docs" / "lake.md"


def examples() -> list[tuple[str, str]]:
    """(command, expected output) for every `$ mcpgov query` in a console block."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            command, _, output = chunk.partition("\n")
            if command.startswith("$ mcpgov query"):
                found.append((command[2:], output))
    return found


def test_the_page_has_query_examples() -> None:
    assert len(examples()) >= 5


@pytest.mark.parametrize("command, expected", examples())
def test_documented_queries_give_the_documented_output(lake: Path, command: str,
                                                       expected: str,
                                                       request: pytest.FixtureRequest) -> None:
    args = [str(lake) if a == "lake/" else a for a in shlex.split(command)[1:]]
    if any(a.startswith(S3_EXAMPLE) for a in args):  # the same lake, landed in a bucket
        bucket: str = request.getfixturevalue("s3_lake")
        fill(Lake(bucket, request.getfixturevalue("signer")))
        args = [bucket if a.startswith(S3_EXAMPLE) else a for a in args]
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stdout) == (0, expected), result.stderr


def test_every_verify_message_in_the_table_exists_in_the_code() -> None:
    code = (Path(__file__).resolve().parents[3] / "streams/lake/verify.py").read_text()
    for prefix in ("modified: ", "missing: ", "unlisted: ", "truncated: ", "chain broken",
                   "signature does not verify", "which is not trusted", "incomplete last line",
                   "manifest rewritten", "missing or unreadable", "differs from the"):
        assert prefix in code and prefix in DOC.read_text(), prefix
