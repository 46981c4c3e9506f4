"""Training: the same model from memory, a JSONL file and the lake; the model file."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from streams.alerts import make_alert
from streams.lake import land_alerts, land_events
from streams.sentinel import (
    Model,
    ModelError,
    TrainingError,
    jsonl_events,
    lake_events,
    load_rules,
    train,
)
from streams.sentinel.model import FORMAT

RULES = load_rules()


@pytest.fixture(scope="module")
def benign(governed_traffic):
    events, truth = governed_traffic(30, 41, 0.0)
    return sorted(events, key=lambda e: (e["time"], e["event_id"])), truth


def _learned(model: Model) -> dict:
    doc = model.to_dict()
    doc.pop("trained")
    return doc


@pytest.fixture(scope="module")
def lake(benign, tmp_path_factory):
    events, _ = benign
    root = tmp_path_factory.mktemp("lake")
    by_region = defaultdict(list)
    for e in events:
        by_region[e["residency"]["region"]].append(e)
    for region, evs in by_region.items():
        land_events(root, region, evs, "train")
    return root


def test_model_learns_each_agents_history(benign) -> None:
    events, truth = benign
    model = train(events, RULES, source="test")
    agents = {f"{s['tenant']}|{s['agent']}" for s in truth.sessions.values()}
    assert model.trained["events"] == len(events)
    assert model.trained["sessions"] == len(truth.sessions)
    assert set(model.novelty["first_use.server"]["agents"]) == agents
    some = next(iter(agents))
    counts, servers = model.known("first_use.server", "agents", some)
    assert servers and sum(counts.values()) > 0
    assert model.markov["sequence.improbable"]["agents"][some]["^"]
    assert model.definitions and model.annotations
    assert set(model.thresholds["bulk_access.subjects"]["agents"]) <= agents


def test_jsonl_and_lake_train_the_same_model(benign, lake, tmp_path) -> None:
    events, _ = benign
    path = tmp_path / "governed.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in reversed(events)))
    from_memory = train(events, RULES)
    assert _learned(train(jsonl_events(path), RULES)) == _learned(from_memory)
    assert _learned(train(lake_events(lake), RULES)) == _learned(from_memory)


def test_lake_sessions_with_a_sentinel_alert_are_left_out(benign, lake, tmp_path) -> None:
    events, _ = benign
    s = next(e for e in events if e["method"] == "tools/call")
    land_alerts(lake, [make_alert(rule_id="first_use.tool", severity="medium", title="t",
                                  description="d", incident_key="k", events=[s])], "a")
    land_alerts(lake, [make_alert(rule_id="residency.forbidden_transfer", severity="high",
                                  title="t", description="d", incident_key="k2",
                                  events=[events[-1]])], "b")
    sessions = {e["session_id"] for e in lake_events(lake, exclude_rules=["first_use.tool"])}
    assert s["session_id"] not in sessions and events[-1]["session_id"] in sessions
    assert len(sessions) == len({e["session_id"] for e in events}) - 1


def test_model_file_round_trip_and_errors(benign, tmp_path) -> None:
    events, _ = benign
    model = train(events, RULES)
    path = model.save(tmp_path / "m" / "model.json")
    assert json.loads(path.read_text())["format"] == FORMAT
    assert Model.load(path).to_dict() == model.to_dict()
    with pytest.raises(ModelError, match="no such model file"):
        Model.load(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ModelError, match="cannot read the model"):
        Model.load(tmp_path / "bad.json")
    (tmp_path / "old.json").write_text(json.dumps({"format": "mcpgov-sentinel-model/0"}))
    with pytest.raises(ModelError, match="expected 'mcpgov-sentinel-model/1'"):
        Model.load(tmp_path / "old.json")


def test_training_input_errors(tmp_path) -> None:
    with pytest.raises(TrainingError, match="no governed events"):
        train([], RULES)
    (tmp_path / "x.jsonl").write_text('{"event_id": "a", "time": "t"}\nnot json\n')
    with pytest.raises(TrainingError, match="line 2 is not JSON"):
        jsonl_events(tmp_path / "x.jsonl")
    with pytest.raises(TrainingError, match="no events in the lake"):
        list(lake_events(tmp_path))
