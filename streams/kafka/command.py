"""`mcpgov kafka` and `mcpgov topics` (placeholder until the broker code lands)."""

import click


@click.group()
def kafka() -> None:
    """Run a local Apache Kafka broker."""


@click.group()
def topics() -> None:
    """Manage the contract's topics."""
