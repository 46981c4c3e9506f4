"""Properties over random sessions: never crash, JSON state, contract alerts, replays silent."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.sentinel import Sentinel, load_rules

RULES = load_rules()
KEYS = {"schema_version", "alert_id", "time", "severity", "rule_id", "title", "description",
        "tenant", "session_id", "agent", "user", "event_ids", "runbook", "ocsf"}

step = st.tuples(
    st.sampled_from(["call", "deny", "result", "listing", "subject"]),
    st.sampled_from(["read", "send_email", "pay", "export_all"]),
    st.sampled_from(["ehr", "workspace"]),
    st.sampled_from([(), ("PHI",), ("PCI", "PII"), ("SECRET",)]),
    st.floats(min_value=0, max_value=300),  # 40 steps stay within the session TTL
    st.integers(min_value=0, max_value=3),
)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(step, max_size=40), st.booleans())
def test_random_sessions(mk, steps, shuffle) -> None:
    scripts = [mk.Script(f"s{i}") for i in range(4)]
    events = []
    for kind, tool, server, classes, gap, who in steps:
        s = scripts[who].wait(gap)
        if kind == "listing":
            events.append(s.listing(server, [mk.tool_def(tool, read_only=gap > 150,
                                                         open_world=gap > 100)]))
        elif kind == "result":
            events.append(s.result(tool, server=server, classes=classes,
                                   tokens=[mk.token("pii", int(gap))]))
        else:
            events.append(s.call(tool, server=server, deny=kind == "deny",
                                 subject=f"sub_{int(gap)}" if kind == "subject" else None,
                                 carry=[mk.token("pii", int(gap))]))
    if shuffle:
        events.reverse()
    sentinel = Sentinel(RULES)
    alerts = [a for e in events for a in sentinel.observe(e)]
    seen = {e["event_id"] for e in events}
    for a in alerts:
        assert KEYS <= set(a) and a["event_ids"] and set(a["event_ids"]) <= seen
        assert json.loads(a["ocsf"])["class_uid"] == 2004
    assert len({a["alert_id"] for a in alerts}) == len(alerts)
    restored = Sentinel(RULES, store=json.loads(json.dumps(sentinel.store)))
    assert [a for e in events for a in restored.observe(e)] == []  # a replay says nothing new
