"""Quality on generated traffic with ground truth, as an operator would deploy it.

The model is trained on benign traffic of another seed first; then the sentinel runs
over fresh traffic with attacks of every kind. The issue's bar: >= 95% of attack
sessions detected for each kind, false alerts on <= 1% of benign sessions.
"""

from __future__ import annotations

import pytest

from streams.sentinel import Sentinel, load_rules, train
from streams.sentinel.quality import measure

pytestmark = pytest.mark.slow

TRAIN = (150, 101, 0.0)  # benign sessions of another seed
SCORE = (250, 7, 0.2)  # 50 attacks (12-13 of each kind), 200 benign


def test_detection_and_false_alerts_meet_the_bar(governed_traffic) -> None:
    rules = load_rules()
    history, _ = governed_traffic(*TRAIN)
    model = train(history, rules, source="benign seed 101")
    events, truth = governed_traffic(*SCORE)
    quality = measure(Sentinel(rules, model), events, truth)
    print("\n" + "\n".join(quality.lines()))
    assert set(quality.attacks) == {"exfiltration", "bulk_enumeration", "scope_probing",
                                    "first_use"}
    for kind in quality.attacks:
        assert quality.detection(kind) >= 0.95, quality.lines()
    assert quality.false_rate <= 0.01, quality.lines()
    # One incident, one alert: an attack session gets at most one escalation.
    assert quality.max_alerts_per_session <= 2
    assert all(len(a["event_ids"]) >= 1 for a in quality.alerts)
