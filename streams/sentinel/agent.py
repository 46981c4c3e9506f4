"""The sentinel on Kafka: two faust agents and one changelog-backed table.

Governed topics are keyed by session, but bulk access and first use are about an
agent across its sessions, so state must be partitioned by agent. The simplest
design that stays correct: a stateless `sentinel-route` agent re-keys every governed
event by `tenant|agent` onto an internal topic (`<app-id>-sentinel-by-agent`), and
the `sentinel` agent reads that topic and keeps all state, session and agent alike,
in one Table. Every event of an agent (so every event of each of its sessions) is
on one partition, which is the partition faust writes the table's changelog to, so
a restarted or rebalanced worker restores exactly the state of the partitions it
gets. The price: one agent's traffic is processed by one partition (a very busy
agent is a hot partition). Alerts go to `mcp.alerts` keyed by session.

At-least-once: a crash replays events after the last commit; the session state
remembers the ids it processed (the changelog is flushed before offsets are
committed), so a replay neither double-counts nor re-alerts, and alert ids are
derived from the incident, so a consumer can drop a repeat anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import faust

from streams.avro import decode, encode
from streams.kafka.topics import DEFAULT_PARTITIONS, DEFAULT_REGIONS, TopicNames
from streams.sentinel.engine import Sentinel, StateStore

log = logging.getLogger(__name__)
TABLE = "sentinel-state"


def governed_topics(names: TopicNames, regions: Sequence[str] = DEFAULT_REGIONS) -> list[str]:
    """The governed topic of each region."""
    return [names.governed_for(r) for r in regions]


def route_key(event: dict[str, Any]) -> bytes:
    """`tenant|agent`: the key all of an agent's events share."""
    identity = event.get("identity") or {}
    agent = identity.get("agent") or identity.get("client_id") or "-"
    return f"{event.get('tenant') or '-'}|{agent}".encode()


def sentinel_agent(app: faust.App, sentinel_factory: Callable[[StateStore], Sentinel],
                   topics: TopicNames | None = None, *,
                   governed: Sequence[str] | None = None,
                   partitions: int = DEFAULT_PARTITIONS) -> tuple[Any, Any]:
    """Attach the route and sentinel agents to `app`; returns both agents.

    `governed`: the governed topics to read (default: those of the default regions).
    A region added later needs the worker restarted with its topic.
    """
    names = topics or TopicNames()
    app_id = app.conf.id
    source = app.topic(*(governed or governed_topics(names)), key_type=bytes,
                       value_type=bytes)
    by_agent = app.topic(f"{app_id}-sentinel-by-agent", key_type=bytes, value_type=bytes,
                         partitions=partitions, internal=True)
    alerts = app.topic(names.alerts, key_type=bytes, value_type=bytes)
    table = app.Table(TABLE, default=dict, key_type=str, partitions=partitions,
                      help="sentinel state: s:<tenant>|<session> and a:<tenant>|<agent>")
    sentinel = sentinel_factory(table)

    @app.agent(source, name="sentinel-route")
    async def route(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                record = decode("governed_event", event.value)
            except Exception as exc:  # noqa: BLE001 - a bad record must not stop the stream
                m = event.message
                log.warning("sentinel: %s[%s] offset %s: undecodable governed event: %s",
                            m.topic, m.partition, m.offset, type(exc).__name__)
                continue
            await by_agent.send(key=route_key(record), value=event.value)

    @app.agent(by_agent, name="sentinel")
    async def detect(stream: faust.StreamT) -> None:
        async for value in stream:
            event = decode("governed_event", value)
            for alert in sentinel.observe(event):
                key = (alert.get("session_id") or "").encode()
                await alerts.send(key=key, value=encode("alert", alert))

    return route, detect
