"""The contract's topics as data, and their idempotent creation.

Retention and compression are chosen per topic on purpose (raw input is the most
sensitive and kept shortest); the `note` of each spec says what production adds.
Names are configurable (a prefix, or per-topic overrides) because shared clusters
rarely let a team own `mcp.*`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from streams.kafka.errors import InvalidTopicSpec, TopicError

if TYPE_CHECKING:
    from confluent_kafka.admin import AdminClient

    from streams.kafka.connection import KafkaConnection

log = logging.getLogger(__name__)
_client_log = logging.getLogger("streams.kafka.librdkafka")

DEFAULT_REGIONS: tuple[str, ...] = ("eu", "us", "uk", "apac")
DEFAULT_PARTITIONS = 6
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
MAX_MESSAGE_BYTES = 8 * 1024 * 1024  # gateways may relay MB-sized payloads: DLQ them, not drop

_REGION = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
_TOPIC = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
_PROD = ("production: replication.factor=3, min.insync.replicas=2, producers acks=all "
         "with idempotence")


@dataclass(frozen=True)
class TopicSpec:
    """One topic to create: its name, partition count, topic-level configs and why."""

    name: str
    partitions: int = DEFAULT_PARTITIONS
    config: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class TopicNames:
    """The contract's topic names; `governed` is a template holding `{region}`."""

    raw: str = "mcp.events.raw"
    governed: str = "mcp.events.governed.{region}"
    alerts: str = "mcp.alerts"
    dlq: str = "mcp.events.dlq"
    vault: str = "mcp.vault"
    subject_keys: str = "mcp.subject-keys"

    @classmethod
    def build(cls, prefix: str = "", overrides: Mapping[str, str] | None = None) -> TopicNames:
        """Defaults with `prefix` in front; an override replaces a whole name (no prefix)."""
        default = cls()
        values = {k: prefix + getattr(default, k) for k in _KEYS}
        for key, name in (overrides or {}).items():
            if key not in values:
                raise InvalidTopicSpec(f"unknown topic key {key!r}: use raw, governed, "
                                       "alerts, dlq, vault or subject_keys")
            values[key] = name
        if "{region}" not in values["governed"]:
            raise InvalidTopicSpec("the governed topic name must contain '{region}'")
        names = cls(**values)
        for name in (names.raw, names.governed_for("eu"), names.alerts, names.dlq,
                     names.vault, names.subject_keys):
            check_topic_name(name)
        return names

    def governed_for(self, region: str) -> str:
        """The governed topic of one landing region."""
        return self.governed.replace("{region}", check_region(region))


_KEYS = ("raw", "governed", "alerts", "dlq", "vault", "subject_keys")
DEFAULT_SUBJECT_KEYS = TopicNames.subject_keys
DEFAULT_VAULT = TopicNames.vault
# The subject key store's compaction (docs/erasure.md): how long a destroyed key's record
# may stay in the log is bounded by max.compaction.lag.ms (segment.ms no longer, so the
# segment holding a tombstone rolls in time) plus the store's roll tick and a cleaner pass.
SUBJECT_KEYS_CONFIG = {
    "cleanup.policy": "compact",
    "segment.ms": str(12 * HOUR_MS),
    "max.compaction.lag.ms": str(12 * HOUR_MS),
    "min.compaction.lag.ms": "0",
    "min.cleanable.dirty.ratio": "0.1",
    "delete.retention.ms": str(DAY_MS),
}


def check_region(region: str) -> str:
    """Regions are short lower-case codes; anything else would make odd topic names."""
    if not _REGION.match(region):
        raise InvalidTopicSpec(f"invalid region {region!r}: use short lower-case codes "
                               "such as eu, us, uk, apac")
    return region


def check_topic_name(name: str) -> str:
    """Kafka's own rule: 1-249 of [A-Za-z0-9._-], and not '.' or '..'."""
    if not _TOPIC.match(name) or name in (".", ".."):
        raise InvalidTopicSpec(f"invalid topic name {name!r}: use 1-249 characters "
                               "among A-Z a-z 0-9 . _ -")
    return name


def parse_regions(text: str) -> tuple[str, ...]:
    """`eu,us, apac` -> ('eu', 'us', 'apac'), checked and without duplicates."""
    regions = tuple(dict.fromkeys(r.strip() for r in text.split(",") if r.strip()))
    if not regions:
        raise InvalidTopicSpec("no region given: pass e.g. --regions eu,us")
    return tuple(check_region(r) for r in regions)


def contract_topics(regions: Iterable[str] = DEFAULT_REGIONS, *,
                    names: TopicNames | None = None,
                    partitions: int | None = None) -> list[TopicSpec]:
    """The contract's topics (section 2) with deliberate retention and compression."""
    names = names or TopicNames()
    if partitions is not None and partitions < 1:
        raise InvalidTopicSpec(f"partitions must be at least 1, not {partitions}")

    def parts(default: int) -> int:
        return partitions if partitions is not None else default

    zstd = {"compression.type": "zstd", "cleanup.policy": "delete"}
    specs = [TopicSpec(
        names.raw, parts(DEFAULT_PARTITIONS),
        {**zstd, "retention.ms": str(DAY_MS), "max.message.bytes": str(MAX_MESSAGE_BYTES)},
        "raw envelopes keyed by session_id; holds unredacted values, so kept 24h and "
        f"readable by the governor only (restrict with ACLs); {_PROD}")]
    specs += [TopicSpec(
        names.governed_for(region), parts(DEFAULT_PARTITIONS),
        {**zstd, "retention.ms": str(7 * DAY_MS)},
        f"minimized, tokenized events landing in region {region}, keyed by session_id; "
        f"7 days to replay into the lake; host it in {region}; {_PROD}")
        for region in dict.fromkeys(check_region(r) for r in regions)]
    specs.append(TopicSpec(
        names.alerts, parts(3), {**zstd, "retention.ms": str(30 * DAY_MS)},
        f"OCSF detection findings for the SOC, keyed by session_id; 30 days; {_PROD}"))
    specs.append(TopicSpec(
        names.dlq, parts(1),
        {**zstd, "retention.ms": str(14 * DAY_MS), "max.message.bytes": str(MAX_MESSAGE_BYTES)},
        f"rejected input, redacted, with the reason; 14 days for operators to replay; {_PROD}"))
    specs.append(TopicSpec(
        names.vault, parts(DEFAULT_PARTITIONS), {**zstd, "retention.ms": str(7 * DAY_MS)},
        "vault entries (AES-GCM ciphertext under each data subject's key, never a value), "
        f"keyed by tenant|subject_token; 7 days to replay into the lake like governed; {_PROD}"))
    specs.append(TopicSpec(
        names.subject_keys, parts(1), dict(SUBJECT_KEYS_CONFIG),
        "subject data keys, wrapped under the keyring, one record per candidate key, "
        "compacted; a destroyed key leaves the log within max.compaction.lag.ms plus a "
        f"cleaner pass (docs/erasure.md); {_PROD}, unclean.leader.election.enable=false"))
    return specs


def bootstrap_servers(url: str) -> str:
    """`kafka://h1:9092;h2:9092` (faust style) or `h1:9092,h2:9092` -> `h1:9092,h2:9092`."""
    hosts = []
    for part in re.split(r"[;,]", url.strip()):
        part = part.strip()
        if "://" in part:
            scheme, _, part = part.partition("://")
            if scheme not in ("kafka", "aiokafka", "plaintext"):
                raise InvalidTopicSpec(f"unsupported broker URL scheme {scheme!r} in {url!r}")
        if part:
            if not re.match(r"^[^:/\s]+:\d{1,5}$", part):
                raise InvalidTopicSpec(f"invalid broker address {part!r}: use host:port")
            hosts.append(part)
    if not hosts:
        raise InvalidTopicSpec("no broker given: pass e.g. --broker kafka://127.0.0.1:9092")
    return ",".join(hosts)


def _admin(bootstrap: str | KafkaConnection) -> AdminClient:
    """An admin client from a `KafkaConnection` or a bootstrap string (`KafkaConnection.of`:
    the KAFKA_* environment and $MCPGOV_KAFKA_CONFIG bring TLS and SASL)."""
    from confluent_kafka.admin import AdminClient

    from streams.kafka.connection import KafkaConnection

    return AdminClient(KafkaConnection.of(bootstrap).confluent(), logger=_client_log)


def _where(bootstrap: str | KafkaConnection) -> str:
    return bootstrap if isinstance(bootstrap, str) else bootstrap.bootstrap


def create_topics(bootstrap: str | KafkaConnection, specs: Sequence[TopicSpec],
                  replication_factor: int = 1, timeout: float = 30.0) -> list[str]:
    """Create the topics that do not exist yet; return the names created.

    Idempotent: an existing topic is left as it is (its configs are not changed).
    With replication_factor >= 3, min.insync.replicas=2 is set unless a spec sets it.
    """
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import NewTopic

    if not specs:
        return []
    new = []
    for spec in specs:
        config = dict(spec.config)
        if replication_factor >= 3:
            config.setdefault("min.insync.replicas", "2")
        new.append(NewTopic(check_topic_name(spec.name), num_partitions=spec.partitions,
                            replication_factor=replication_factor, config=config))
    admin = _admin(bootstrap)
    futures = admin.create_topics(new, request_timeout=timeout, operation_timeout=timeout)
    created = []
    for name, future in futures.items():
        try:
            future.result()
        except KafkaException as exc:
            err = exc.args[0]
            if isinstance(err, KafkaError) and err.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                log.debug("topic %s already exists", name)
                continue
            reason = err.str() if isinstance(err, KafkaError) else str(exc)
            raise TopicError(f"could not create topic {name} on {_where(bootstrap)}: "
                             f"{reason}") from exc
        created.append(name)
    return sorted(created, key=[s.name for s in specs].index)


def topic_configs(bootstrap: str | KafkaConnection, topic: str, names: Sequence[str],
                  timeout: float = 10.0) -> dict[str, str]:
    """The named configs of a topic as the broker reports them (defaults included)."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import ConfigResource

    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    admin = _admin(bootstrap)  # keep a reference: the future dies with the client
    try:
        found = admin.describe_configs([resource], request_timeout=timeout)
        entries = found[resource].result(timeout=timeout)
    except KafkaException as exc:
        raise TopicError(f"could not read the configs of topic {topic} on {_where(bootstrap)}: "
                         f"{exc.args[0]}") from exc
    return {n: str(entries[n].value) for n in names if n in entries}


def list_topics(bootstrap: str | KafkaConnection, timeout: float = 10.0,
                internal: bool = False) -> dict[str, int]:
    """Topic name -> partition count; internal topics (`__...`) only when asked."""
    from confluent_kafka import KafkaException

    try:
        meta = _admin(bootstrap).list_topics(timeout=timeout)
    except KafkaException as exc:
        raise TopicError(f"no answer from the broker at {_where(bootstrap)} within "
                         f"{timeout:.0f}s") from exc
    return {name: len(t.partitions) for name, t in sorted(meta.topics.items())
            if internal or not name.startswith("__")}
