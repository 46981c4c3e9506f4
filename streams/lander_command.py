"""The lander as a command: `python -m streams.lander ...`, and `mcpgov worker lander`.

`run_worker` is what the `worker` command calls for the lander stage; `lander` is the
same as a standalone click command (used by `python -m streams.lander` and tests).
SIGTERM and Ctrl-C stop it cleanly: the due batches are flushed and committed first.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click

from streams.kafka.connection import kafka_config_option
from streams.kafka.topics import TopicNames
from streams.lake.command import LAKE, LAKE_HELP
from streams.lake.location import LakePath
from streams.lander import DEFAULT_GROUP, LanderStats, governed_pattern, run_lander


def run_worker(broker: str, lake: LakePath | str, *, keyring: str | None = None,
               group_id: str | None = None, topic_prefix: str = "", loglevel: str = "info",
               **options: Any) -> LanderStats:
    """Land until SIGTERM / Ctrl-C; the keyring (which signs the manifests) must exist.

    Topics are the contract's, with `topic_prefix` in front, unless `topics_pattern` or
    `alerts_topic` are given.
    """
    from streams.keyring import load_keyring
    from streams.lake.signing import Signer

    names = TopicNames.build(topic_prefix)
    options = {k: v for k, v in options.items() if v is not None}
    options.setdefault("topics_pattern", governed_pattern(names))
    options.setdefault("alerts_topic", names.alerts)
    options.setdefault("vault_topic", names.vault)

    logging.basicConfig(level=loglevel.upper(), format="%(asctime)s %(levelname)s %(message)s")
    signer = Signer.from_keyring(load_keyring(keyring, create=False))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stats = run_lander(broker, lake, signer=signer, group_id=group_id or DEFAULT_GROUP,
                       stop_event=stop, **options)
    click.echo(stats.line(), err=True)
    return stats


@click.command()
@click.option("--broker", required=True, envvar="KAFKA_BOOTSTRAP_SERVERS",
              help="Kafka bootstrap servers, e.g. 127.0.0.1:9092 [env KAFKA_BOOTSTRAP_SERVERS].")
@kafka_config_option
@click.option("--lake", required=True, type=LAKE, help=LAKE_HELP)
@click.option("--keyring", type=click.Path(dir_okay=False), envvar="MCPGOV_KEYRING",
              help="Keyring whose active key signs the manifests [env MCPGOV_KEYRING].")
@click.option("--group", "group_id", default=DEFAULT_GROUP, show_default=True,
              help="Consumer group; landers in one group share the partitions.")
@click.option("--instance-id", default=None,
              help="Static group member id: a restart takes over without a rebalance.")
@click.option("--topic-prefix", default="", help="Put PREFIX in front of every contract topic.")
@click.option("--pattern", "topics_pattern", default=None,
              help="Regex of the governed topics [the contract's mcp.events.governed.<region>].")
@click.option("--alerts-topic", default=None,
              help="Alerts topic, landed under alerts/ [mcp.alerts].")
@click.option("--flush-events", default=10_000, show_default=True,
              help="Flush when this many records wait.")
@click.option("--flush-seconds", default=5.0, show_default=True,
              help="Flush records older than this.")
@click.option("--idle-exit", "idle_seconds", type=float, default=None,
              help="Exit after this many seconds without records (batch jobs, tests).")
@click.option("--loglevel", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
def lander(broker: str, lake: LakePath, keyring: str | None, group_id: str,
           instance_id: str | None, topic_prefix: str, topics_pattern: str | None,
           alerts_topic: str | None, flush_events: int, flush_seconds: float,
           idle_seconds: float | None, loglevel: str) -> None:
    """Land governed events and alerts from Kafka into the signed Parquet lake.

    \b
    Example:
      python -m streams.lander --broker 127.0.0.1:9092 --lake lake/ --keyring keys.json
    """
    run_worker(broker, lake, keyring=keyring, group_id=group_id, loglevel=loglevel,
               topic_prefix=topic_prefix, instance_id=instance_id, topics_pattern=topics_pattern,
               alerts_topic=alerts_topic, flush_events=flush_events,
               flush_seconds=flush_seconds, idle_seconds=idle_seconds)
