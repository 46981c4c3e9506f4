"""Open the subject key store a `--subject-keys` value names: a folder, or Kafka.

`DIR` is the local folder store; `kafka` is the compacted topic `mcp.subject-keys` (with
the command's topic prefix) on the command's broker, and `kafka:TOPIC` names the topic.
A folder really called `kafka` is `./kafka`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from streams.erasure.keys import SubjectKeys, SubjectKeyStore
from streams.errors import UsageError

if TYPE_CHECKING:
    from streams.keyring import Keyring

KAFKA = "kafka"


def is_kafka(spec: str) -> bool:
    return spec == KAFKA or spec.startswith(f"{KAFKA}:")


def kafka_topic(spec: str, topic_prefix: str = "") -> str:
    """The topic `kafka` or `kafka:TOPIC` names (checked like every topic name)."""
    from streams.kafka.topics import TopicNames, check_topic_name

    named = spec.partition(":")[2]
    return check_topic_name(named) if named else TopicNames.build(topic_prefix).subject_keys


def open_subject_keys(spec: str, keyring: Keyring, *, broker: str | None = None,
                      topic_prefix: str = "", timeout: float = 30.0) -> SubjectKeys:
    """The folder store, or a started Kafka store (close it when done)."""
    if not is_kafka(spec):
        return SubjectKeyStore(spec)
    if not broker:
        raise UsageError(f"--subject-keys {spec} needs --broker (or KAFKA_BOOTSTRAP_SERVERS)")
    from streams.erasure.kafka_keys import KafkaSubjectKeyStore

    return KafkaSubjectKeyStore(broker, keyring, topic=kafka_topic(spec, topic_prefix),
                                timeout=timeout).start()
