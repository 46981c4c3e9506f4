"""`mcpgov generate` (placeholder until the generator lands)."""

import click


@click.command()
def generate() -> None:
    """Generate synthetic MCP traffic."""
    raise click.ClickException("not yet built")
