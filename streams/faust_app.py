"""The faust application: the same stage functions, wired to Kafka topics.

The governor agent takes raw envelopes in batches (NER pays off over many texts),
runs `Governor.process` in a worker thread so the event loop keeps heart-beating,
and sends each outcome to its topic: the governed event to
`mcp.events.governed.<region>` keyed by session, dead letters to `mcp.events.dlq`,
alerts to `mcp.alerts`, and (with a subject key store) vault entries to `mcp.vault`
keyed by `tenant|subject_token`. Faust flushes the producer before it commits offsets, so a
crash replays what was not yet acknowledged (at-least-once); governed events keep
their event ids, alert and dead-letter ids are derived from their content, and the
lander names files by offsets, so a replay does not duplicate what lands.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from streams.alerts import Deduper
from streams.avro import encode
from streams.deadletter import Source
from streams.governor import Governor
from streams.kafka.connection import KafkaConnection
from streams.kafka.topics import TopicNames

log = logging.getLogger(__name__)


def make_app(broker: str | KafkaConnection, *, app_id: str = "mcpgov",
             data_dir: str | None = None, **settings: Any) -> faust.App:
    """A faust App for mcpgov workers (raw bytes in and out; we own the Avro framing).

    `broker` is a `KafkaConnection` or a bootstrap string (`KafkaConnection.of`: plus the
    KAFKA_* environment and $MCPGOV_KAFKA_CONFIG), so TLS and SASL come with it."""
    connection = KafkaConnection.of(broker).faust_kwargs()
    defaults: dict[str, Any] = {
        "store": "memory://",
        "topic_allow_declare": True,
        "topic_disable_leader": True,
        "web_enabled": False,
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        "broker_commit_every": 500,
        "broker_commit_interval": 1.0,
    }
    if data_dir:
        defaults["datadir"] = data_dir
    defaults.update(settings)
    return faust.App(app_id, key_serializer="raw", value_serializer="raw",
                     **{**connection, **defaults})


def governor_agent(app: faust.App, governor: Governor, topics: TopicNames | None = None,
                   *, batch: int = 256, within: float = 0.5) -> Any:
    """Attach the governor agent to `app`; returns the agent."""
    names = topics or TopicNames()
    raw = app.topic(names.raw, key_type=bytes, value_type=bytes)
    out_topics: dict[str, faust.TopicT] = {}
    dedupe = Deduper()
    vaulted = Deduper()  # the same value of a subject, sealed again, is the same entry

    def topic(name: str) -> faust.TopicT:
        if name not in out_topics:
            out_topics[name] = app.topic(name, key_type=bytes, value_type=bytes)
        return out_topics[name]

    @app.agent(raw, name="governor")
    async def govern(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        async for events in stream.take_events(batch, within=within):  # type: ignore[attr-defined]
            inputs = [(e.value, Source(topic=e.message.topic, partition=e.message.partition,
                                       offset=e.message.offset)) for e in events]
            outcomes = await loop.run_in_executor(None, governor.process, inputs)
            for out in outcomes:
                if out.dead_letter is not None:
                    log.warning("governor: %s dead-lettered: %s", out.source,
                                out.dead_letter["reason_code"])
                    await topic(names.dlq).send(value=encode("dead_letter", out.dead_letter))
                    continue
                assert out.event is not None and out.region is not None and out.key is not None
                for entry in out.vault:
                    if vaulted.first_time(vault_id(entry)):
                        await topic(names.vault).send(
                            key=f"{entry['tenant']}|{entry['subject_token']}".encode(),
                            value=encode("vault_entry", {"schema_version": 1, **entry}))
                key = out.key.encode("utf-8")
                await topic(names.governed_for(out.region)).send(
                    key=key, value=encode("governed_event", out.event))
                for alert in out.alerts:
                    if dedupe.first_time(alert["alert_id"]):
                        await topic(names.alerts).send(key=key, value=encode("alert", alert))

    return govern


def vault_id(entry: dict[str, Any]) -> str:
    """What makes a vault entry the same entry: whose value, which token, which key."""
    return "|".join((entry["tenant"], entry["subject_token"], entry["token"], entry["key_id"]))
