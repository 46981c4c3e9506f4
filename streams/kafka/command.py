"""`mcpgov kafka fetch|start|stop|status` and `mcpgov topics create|list`.

Thin commands over `streams.kafka.local` and `streams.kafka.topics`. A broker started
by `kafka start` outlives the command; its pid, ports and folder are kept in a state
file in the cache so `status` and `stop` find it from any shell.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from streams.errors import UsageError
from streams.kafka import procs
from streams.kafka.connection import kafka_config_option
from streams.kafka.local import DEFAULT_VERSION, LocalKafka, cache_root, fetch
from streams.kafka.topics import (
    TopicNames,
    bootstrap_servers,
    contract_topics,
    create_topics,
    list_topics,
    parse_regions,
)

_version = click.option("--kafka-version", "version", default=DEFAULT_VERSION, show_default=True,
                        help="Apache Kafka version (the jars are cached per version).")
_broker_flag = click.option(
    "--broker", required=True, metavar="URL", envvar="KAFKA_BOOTSTRAP_SERVERS",
    help="Bootstrap address: kafka://127.0.0.1:9092 or host:port[,host:port] "
         "[env KAFKA_BOOTSTRAP_SERVERS].")


def _broker(func: Any) -> Any:
    return _broker_flag(kafka_config_option(func))
_timeout = click.option("--timeout", default=15.0, show_default=True, metavar="SECONDS",
                        type=click.FloatRange(min=0.1), help="How long to wait for the broker.")


def state_file() -> Path:
    """Where `kafka start` records the detached broker."""
    return cache_root() / "kafka" / "local-broker.json"


def _read_state() -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state


def _write_state(state: dict[str, Any]) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _forget(state: dict[str, Any]) -> None:
    procs.remove_tree(Path(state["data_dir"]))
    state_file().unlink(missing_ok=True)


def _alive(state: dict[str, Any]) -> bool:
    return procs.is_broker(int(state["pid"])) and procs.port_open(int(state["port"]))


@click.group()
def kafka() -> None:
    """Run a real Apache Kafka broker on 127.0.0.1 from the official jars (no Docker).

    Needs Java 17+, and Maven for the first fetch; the jars are cached in
    ~/.cache/mcpgov/kafka (or $MCPGOV_CACHE_DIR/kafka).

    \b
    Example:
      mcpgov kafka start
      mcpgov topics create --broker 127.0.0.1:PORT
      mcpgov kafka stop
    """


@kafka.command("fetch")
@_version
def kafka_fetch(version: str) -> None:
    """Download the broker jars once with Maven into the cache; prints the folder.

    \b
    Example:
      mcpgov kafka fetch
      mcpgov kafka fetch --kafka-version 4.1.1
    """
    click.echo(str(fetch(version)))


@kafka.command("start")
@_version
@click.option("--heap", default="1g", show_default=True, help="Maximum JVM heap (-Xmx).")
@click.option("--timeout", default=120.0, show_default=True, metavar="SECONDS",
              type=click.FloatRange(min=1), help="How long to wait for the broker to be ready.")
def kafka_start(version: str, heap: str, timeout: float) -> None:
    """Start a broker in the background and print its bootstrap address.

    Fresh storage each time; it runs until `mcpgov kafka stop`.

    \b
    Example:
      BOOTSTRAP=$(mcpgov kafka start)
      mcpgov topics create --broker "$BOOTSTRAP"
    """
    state = _read_state()
    if state and _alive(state):
        click.echo(f"already running (pid {state['pid']})", err=True)
        click.echo(state["bootstrap"])
        return
    if state:
        _forget(state)
    data_dir = cache_root() / "kafka" / "run"
    procs.remove_tree(data_dir)
    broker = LocalKafka(version, data_dir=data_dir, heap=heap, start_timeout=timeout, detach=True)
    bootstrap = broker.start()
    _write_state({"pid": broker.pid, "port": broker.port, "controller_port":
                  broker.controller_port, "bootstrap": bootstrap, "version": version,
                  "data_dir": str(data_dir), "log_file": str(broker.log_file),
                  "start_seconds": round(broker.start_seconds or 0.0, 2)})
    click.echo(f"Apache Kafka {version} ready in {broker.start_seconds:.1f}s (pid {broker.pid}, "
               f"log {broker.log_file}); stop it with `mcpgov kafka stop`", err=True)
    click.echo(bootstrap)


@kafka.command("status")
@click.pass_context
def kafka_status(ctx: click.Context) -> None:
    """Say whether the broker from `mcpgov kafka start` is up (exit 0) or not (exit 1).

    \b
    Example:
      mcpgov kafka status || mcpgov kafka start
    """
    state = _read_state()
    if state is None:
        click.echo("not running")
        ctx.exit(1)
    assert state is not None
    if not _alive(state):
        click.echo(f"not running (stale record of pid {state['pid']} cleared)")
        _forget(state)
        ctx.exit(1)
    up = procs.metadata_ok(state["bootstrap"], timeout=5.0)
    click.echo(f"{'running' if up else 'not answering'} at {state['bootstrap']} "
               f"(pid {state['pid']}, Kafka {state['version']})")
    ctx.exit(0 if up else 1)


@kafka.command("stop")
@click.option("--timeout", default=20.0, show_default=True, metavar="SECONDS",
              type=click.FloatRange(min=0), help="Grace period before SIGKILL.")
def kafka_stop(timeout: float) -> None:
    """Stop the broker from `mcpgov kafka start` and delete its data; a no-op if none.

    \b
    Example:
      mcpgov kafka stop
    """
    state = _read_state()
    if state is None:
        click.echo("not running")
        return
    pid = int(state["pid"])
    if procs.is_broker(pid):
        procs.terminate_group(pid, timeout)
        click.echo(f"stopped pid {pid}")
    else:
        click.echo(f"not running (stale record of pid {pid} cleared)")
    _forget(state)


@click.group()
def topics() -> None:
    """Create and list the contract's topics on any Kafka cluster.

    \b
    Example:
      mcpgov topics create --broker 127.0.0.1:9092 --regions eu,us
      mcpgov topics list --broker 127.0.0.1:9092
    """


def _overrides(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, name = value.partition("=")
        if not sep or not key or not name:
            raise UsageError(f"invalid --name {value!r}: use KEY=TOPIC, e.g. raw=acme.raw")
        out[key] = name
    return out


@topics.command("create")
@_broker
@click.option("--regions", default="eu,us,uk,apac", show_default=True,
              help="Comma-separated landing regions; one governed topic each.")
@click.option("--partitions", type=click.IntRange(min=1), default=None,
              help="Partitions of every topic (default: 6 for events and the vault, 3 "
                   "alerts, 1 DLQ and subject keys).")
@click.option("--replication-factor", type=click.IntRange(min=1), default=1, show_default=True,
              help="Replicas per partition; 3 or more also sets min.insync.replicas=2.")
@click.option("--prefix", default="", help="Prefix before every default topic name.")
@click.option("--name", "names", multiple=True, metavar="KEY=TOPIC",
              help="Override one name: raw, governed (with {region}), alerts, dlq, vault "
                   "or subject_keys.")
@_timeout
def topics_create(broker: str, regions: str, partitions: int | None, replication_factor: int,
                  prefix: str, names: tuple[str, ...], timeout: float) -> None:
    """Create the contract's topics that are missing (safe to run again).

    Besides the contract's, mcp.vault and the compacted mcp.subject-keys of
    erasure on Kafka (docs/erasure.md), which stay empty unless a governor runs
    with --subject-keys kafka.

    \b
    Example:
      mcpgov topics create --broker kafka://127.0.0.1:9092
      mcpgov topics create --broker 127.0.0.1:9092 --regions eu,uk --partitions 12 \\
          --replication-factor 3 --name governed=acme.governed.{region}
    """
    bootstrap = bootstrap_servers(broker)
    specs = contract_topics(parse_regions(regions), partitions=partitions,
                            names=TopicNames.build(prefix, _overrides(names)))
    created = set(create_topics(bootstrap, specs, replication_factor, timeout=timeout))
    for spec in specs:
        click.echo(f"{'created' if spec.name in created else 'exists '} {spec.name}")


@topics.command("list")
@_broker
@click.option("--all", "show_all", is_flag=True, help="Include internal topics (__...).")
@_timeout
def topics_list(broker: str, show_all: bool, timeout: float) -> None:
    """List the topics of a cluster with their partition counts.

    \b
    Example:
      mcpgov topics list --broker 127.0.0.1:9092
    """
    for name, partitions in list_topics(bootstrap_servers(broker), timeout, show_all).items():
        click.echo(f"{name}\t{partitions}")
