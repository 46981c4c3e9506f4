"""Kafka wiring without a broker: the routing key, the governed topics."""

from __future__ import annotations

import pytest

from streams.kafka.topics import TopicNames
from streams.sentinel.agent import governed_topics, route_key
from streams.sentinel.errors import ModelError, RuleConfigError
from streams.sentinel.worker import run_sentinel_worker


def test_route_key_is_tenant_and_agent() -> None:
    assert route_key({"tenant": "acme", "identity": {"agent": "bot", "client_id": "c"}}) == \
        b"acme|bot"
    assert route_key({"tenant": "acme", "identity": {"agent": None, "client_id": "c"}}) == \
        b"acme|c"
    assert route_key({"tenant": "acme", "identity": None}) == b"acme|-"


def test_governed_topics() -> None:
    names = TopicNames.build("test.x.")
    assert governed_topics(names, ("eu", "us")) == ["test.x.mcp.events.governed.eu",
                                                    "test.x.mcp.events.governed.us"]
    assert len(governed_topics(names)) == 4


def test_worker_stops_on_a_bad_rule_file_or_model_before_faust_starts(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules: []\n")
    with pytest.raises(RuleConfigError, match="bad.yaml: rules"):
        run_sentinel_worker("127.0.0.1:1", data_dir=tmp_path, rules_paths=[bad])
    with pytest.raises(ModelError, match="no such model file"):
        run_sentinel_worker("127.0.0.1:1", data_dir=tmp_path, model_path=tmp_path / "m.json")
