"""Topic specs and names as data: defaults, overrides, validation. No broker needed."""

from __future__ import annotations

import pytest

from streams.errors import UsageError
from streams.kafka.errors import InvalidTopicSpec
from streams.kafka.topics import (
    DAY_MS,
    DEFAULT_PARTITIONS,
    DEFAULT_REGIONS,
    TopicNames,
    bootstrap_servers,
    contract_topics,
    parse_regions,
)


def by_name(specs):
    return {s.name: s for s in specs}


def test_default_topics_follow_the_contract():
    specs = contract_topics()
    assert [s.name for s in specs] == [
        "mcp.events.raw",
        "mcp.events.governed.eu",
        "mcp.events.governed.us",
        "mcp.events.governed.uk",
        "mcp.events.governed.apac",
        "mcp.alerts",
        "mcp.events.dlq",
        "mcp.vault",
        "mcp.subject-keys",
    ]
    assert DEFAULT_REGIONS == ("eu", "us", "uk", "apac")


def test_the_subject_key_topic_is_compacted_with_a_finite_erasure_bound():
    spec = by_name(contract_topics())["mcp.subject-keys"]
    assert spec.partitions == 1
    assert spec.config["cleanup.policy"] == "compact"
    assert "retention.ms" not in spec.config  # compaction only: keys live until destroyed
    lag = int(spec.config["max.compaction.lag.ms"])
    assert 0 < lag <= DAY_MS  # Kafka's default (Long.MAX_VALUE) would be no bound at all
    assert int(spec.config["segment.ms"]) <= lag  # the tombstone's segment rolls in time
    assert int(spec.config["delete.retention.ms"]) == DAY_MS
    assert 0 < float(spec.config["min.cleanable.dirty.ratio"]) < 0.5


def test_the_vault_topic_is_kept_like_governed():
    specs = by_name(contract_topics())
    assert specs["mcp.vault"].config == specs["mcp.events.governed.eu"].config
    assert specs["mcp.vault"].partitions == DEFAULT_PARTITIONS


@pytest.mark.parametrize(
    ("name", "retention_days", "partitions"),
    [
        ("mcp.events.raw", 1, 6),
        ("mcp.events.governed.eu", 7, 6),
        ("mcp.events.governed.apac", 7, 6),
        ("mcp.alerts", 30, 3),
        ("mcp.events.dlq", 14, 1),
    ],
)
def test_retention_compression_and_partitions(name, retention_days, partitions):
    spec = by_name(contract_topics())[name]
    assert spec.config["retention.ms"] == str(retention_days * DAY_MS)
    assert spec.config["compression.type"] == "zstd"
    assert spec.config["cleanup.policy"] == "delete"
    assert spec.partitions == partitions
    assert "min.insync.replicas=2" in spec.note
    assert "replication.factor=3" in spec.note


def test_raw_is_kept_shortest_of_all():
    retention = {s.name: int(s.config["retention.ms"]) for s in contract_topics()
                 if "retention.ms" in s.config}
    assert min(retention, key=retention.__getitem__) == "mcp.events.raw"
    assert retention["mcp.events.raw"] == 24 * 3_600_000


def test_raw_and_dlq_accept_large_messages():
    specs = by_name(contract_topics())
    assert int(specs["mcp.events.raw"].config["max.message.bytes"]) >= 4 * 1024 * 1024
    assert int(specs["mcp.events.dlq"].config["max.message.bytes"]) >= 4 * 1024 * 1024


def test_regions_and_partitions_are_configurable():
    specs = contract_topics(["eu", "ch", "eu"], partitions=2)
    assert [s.name for s in specs] == [
        "mcp.events.raw", "mcp.events.governed.eu", "mcp.events.governed.ch",
        "mcp.alerts", "mcp.events.dlq", "mcp.vault", "mcp.subject-keys",
    ]
    assert {s.partitions for s in specs} == {2}


def test_specs_do_not_share_config_dicts():
    a, b = contract_topics(["eu"]), contract_topics(["eu"])
    a[0].config["retention.ms"] = "1"
    assert b[0].config["retention.ms"] == str(DAY_MS)
    assert a[1].config is not a[0].config


def test_prefix_applies_to_every_default_name():
    names = TopicNames.build(prefix="acme.")
    assert names.raw == "acme.mcp.events.raw"
    assert names.governed_for("uk") == "acme.mcp.events.governed.uk"
    assert names.alerts == "acme.mcp.alerts"
    assert names.dlq == "acme.mcp.events.dlq"
    assert names.vault == "acme.mcp.vault"
    assert names.subject_keys == "acme.mcp.subject-keys"


def test_overrides_replace_whole_names():
    names = TopicNames.build(prefix="acme.", overrides={
        "raw": "gw.raw", "governed": "lake.{region}.events", "dlq": "ops.dead"})
    specs = contract_topics(["eu"], names=names)
    assert [s.name for s in specs] == ["gw.raw", "lake.eu.events", "acme.mcp.alerts", "ops.dead",
                                       "acme.mcp.vault", "acme.mcp.subject-keys"]
    names = TopicNames.build(overrides={"subject_keys": "keys.compacted", "vault": "v"})
    assert (names.subject_keys, names.vault) == ("keys.compacted", "v")


@pytest.mark.parametrize(
    ("prefix", "overrides", "message"),
    [
        ("", {"audit": "x"}, "unknown topic key 'audit': use raw, governed, alerts, dlq, "
                            "vault or subject_keys"),
        ("", {"governed": "governed.all"}, "the governed topic name must contain '{region}'"),
        ("bad prefix ", {}, "invalid topic name 'bad prefix mcp.events.raw': use 1-249 "
                           "characters among A-Z a-z 0-9 . _ -"),
        ("", {"alerts": "a/b"}, "invalid topic name 'a/b': use 1-249 characters among "
                               "A-Z a-z 0-9 . _ -"),
        ("", {"dlq": "x" * 250}, None),
    ],
)
def test_bad_names_are_usage_errors(prefix, overrides, message):
    with pytest.raises(InvalidTopicSpec) as err:
        TopicNames.build(prefix, overrides)
    assert isinstance(err.value, UsageError)
    if message:
        assert str(err.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("eu", ("eu",)), ("eu,us", ("eu", "us")), (" eu , apac ,eu,", ("eu", "apac")),
     ("us-east", ("us-east",))],
)
def test_parse_regions(text, expected):
    assert parse_regions(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no region given: pass e.g. --regions eu,us"),
        (" , ", "no region given: pass e.g. --regions eu,us"),
        ("EU", "invalid region 'EU': use short lower-case codes such as eu, us, uk, apac"),
        ("eu,us.east", "invalid region 'us.east': use short lower-case codes such as eu, us, "
                       "uk, apac"),
    ],
)
def test_bad_regions(text, message):
    with pytest.raises(InvalidTopicSpec, match="^" + message.replace(".", r"\.") + "$"):
        parse_regions(text)


def test_bad_partitions():
    with pytest.raises(InvalidTopicSpec, match="partitions must be at least 1, not 0"):
        contract_topics(partitions=0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("127.0.0.1:9092", "127.0.0.1:9092"),
        ("kafka://127.0.0.1:9092", "127.0.0.1:9092"),
        ("kafka://127.0.0.1:9092;127.0.0.1:9093", "127.0.0.1:9092,127.0.0.1:9093"),
        ("127.0.0.1:9092, 127.0.0.1:9093", "127.0.0.1:9092,127.0.0.1:9093"),
    ],
)
def test_bootstrap_servers(url, expected):
    assert bootstrap_servers(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "no broker given: pass e.g. --broker kafka://127.0.0.1:9092"),
        ("http://127.0.0.1:80", "unsupported broker URL scheme 'http' in 'http://127.0.0.1:80'"),
        ("127.0.0.1", "invalid broker address '127.0.0.1': use host:port"),
    ],
)
def test_bad_bootstrap_servers(url, message):
    with pytest.raises(InvalidTopicSpec) as err:
        bootstrap_servers(url)
    assert str(err.value) == message
