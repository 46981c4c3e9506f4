"""Docs are part of the feature: every command teaches, and the reference is current."""

from pathlib import Path

import click
import pytest

from streams.cli import main
from streams.clidoc import help_text, render, walk

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = list(walk(main))


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, cmd) -> None:
    text = help_text(path, cmd)
    assert cmd.help and len(cmd.help.strip()) > 20, f"{' '.join(path)} has no real help"
    if not isinstance(cmd, click.Group):
        assert "Example:" in text, f"{' '.join(path)} lacks an example"
    elif path == ("mcpgov",):
        assert "mcpgov run --input" in text, "the top-level help lacks its quick start"


def test_cli_reference_is_generated_from_the_code() -> None:
    assert (ROOT / "docs" / "cli.md").read_text() == render(), (
        "docs/cli.md is stale: run `python -m streams.clidoc > docs/cli.md`")


def test_readme_names_the_two_commands_first() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block


@pytest.mark.parametrize("doc", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: p.name)
def test_doc_links_resolve(doc: Path) -> None:
    import re

    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text()):
        assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_kafka_properties_example_parses(tmp_path: Path) -> None:
    """The secured-cluster example of docs/kafka.md is a file KafkaConnection accepts."""
    import re

    from streams.kafka.connection import PROPERTIES, KafkaConnection, parse_properties

    blocks = re.findall(r"```properties\n(.*?)```", (ROOT / "docs" / "kafka.md").read_text(),
                        re.DOTALL)
    assert blocks, "docs/kafka.md lost its properties example"
    props = parse_properties(blocks[0])
    assert set(props) <= set(PROPERTIES), set(props) - set(PROPERTIES)
    pem = tmp_path / "x.pem"
    pem.write_text("-", encoding="utf-8")
    text = re.sub(r"(?m)^(ssl\.\w+\.location)=.*$", rf"\1={pem}", blocks[0])
    (tmp_path / "client.properties").write_text(text, encoding="utf-8")
    conn = KafkaConnection.load(config_file=tmp_path / "client.properties", environ={})
    assert conn.security_protocol == "SASL_SSL" and conn.sasl_mechanism == "SCRAM-SHA-512"
    assert "change-me" not in repr(conn)
