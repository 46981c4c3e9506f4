"""Run the sentinel as a Kafka worker (what `mcpgov worker sentinel` calls).

Rules and the model are loaded before faust starts, so a bad rule file or model
stops the worker at once with the file and field named, not after a rebalance.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from streams.kafka.connection import kafka_config_option
from streams.kafka.topics import DEFAULT_PARTITIONS, DEFAULT_REGIONS, TopicNames
from streams.sentinel.engine import Sentinel, StateStore
from streams.sentinel.model import Model
from streams.sentinel.rules import load_rules


def run_sentinel_worker(broker: str, app_id: str = "mcpgov-sentinel",
                        data_dir: str | Path | None = None,
                        topics: TopicNames | None = None,
                        rules_paths: Sequence[str | Path] = (),
                        model_path: str | Path | None = None, *,
                        governed: Sequence[str] | None = None,
                        partitions: int = DEFAULT_PARTITIONS, builtin_rules: bool = True,
                        loglevel: str = "info", **settings: Any) -> None:
    """Start the sentinel worker and block until it stops (Ctrl-C, SIGTERM).

    `settings` go to faust (e.g. `broker_session_timeout=10.0`: how soon the group
    gives the partitions of a crashed worker to the others).
    """
    import faust

    from streams.faust_app import make_app
    from streams.sentinel.agent import sentinel_agent

    rules = load_rules(rules_paths, builtin=builtin_rules)
    model = Model.load(model_path) if model_path else Model()

    def factory(store: StateStore) -> Sentinel:
        return Sentinel(rules, model, store)

    folder = Path(data_dir or Path("~/.cache/mcpgov/faust").expanduser() / app_id)
    folder.mkdir(parents=True, exist_ok=True)
    app = make_app(broker, app_id=app_id, data_dir=str(folder), **settings)
    sentinel_agent(app, factory, topics or TopicNames(), governed=governed,
                   partitions=partitions)
    faust.Worker(app, loglevel=loglevel.upper()).execute_from_commandline()


@click.command("sentinel-worker")
@click.option("--broker", required=True, envvar="KAFKA_BOOTSTRAP_SERVERS",
              help="Kafka bootstrap servers [env KAFKA_BOOTSTRAP_SERVERS].")
@kafka_config_option
@click.option("--app-id", default="mcpgov-sentinel", show_default=True,
              help="Consumer group / faust app id; names the internal topics.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Faust state folder [~/.cache/mcpgov/faust/APP-ID].")
@click.option("--topic-prefix", default="", help="Put PREFIX in front of every contract topic.")
@click.option("--rules", "rules_paths", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or folder; repeat for more.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), default=None,
              help="Learned model (`mcpgov sentinel train`).")
@click.option("--regions", default=",".join(DEFAULT_REGIONS), show_default=True,
              help="Regions whose governed topics to read, comma-separated.")
@click.option("--partitions", default=DEFAULT_PARTITIONS, show_default=True,
              help="Partitions of the internal by-agent topic and the state changelog.")
@click.option("--session-timeout", default=60.0, show_default=True,
              help="Seconds before the group hands a dead worker's partitions over.")
@click.option("--loglevel", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
def main(broker: str, app_id: str, data_dir: str | None, topic_prefix: str,
         rules_paths: tuple[str, ...], model_path: str | None, regions: str,
         partitions: int, session_timeout: float, loglevel: str) -> None:
    """Run the sentinel worker (the same as `mcpgov worker sentinel`).

    \b
    Example:
      python -m streams.sentinel.worker --broker 127.0.0.1:9092 --model model.json
    """
    from streams.kafka.topics import parse_regions
    from streams.sentinel.agent import governed_topics

    names = TopicNames.build(topic_prefix)
    run_sentinel_worker(broker, app_id, data_dir, names, rules_paths, model_path,
                        governed=governed_topics(names, parse_regions(regions)),
                        partitions=partitions, loglevel=loglevel,
                        broker_session_timeout=session_timeout,
                        broker_heartbeat_interval=min(3.0, session_timeout / 4))


if __name__ == "__main__":  # pragma: no cover
    main()
