"""Kill the broker while `mcpgov proxy` relays a live MCP session; bring it back.

The test starts its OWN broker (the session's shared one stays untouched), runs a real
SDK client through the proxy, SIGKILLs the broker's process group mid-session, keeps
calling tools (every call still succeeds, promptly: the relay never waits on Kafka),
sees the events land in the proxy's disk spool, restarts the broker on the same ports
and data, and then finds every event on the topic exactly once, in the order the proxy
relayed them. Bounded: the whole outage-and-recovery must fit in 90 seconds.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import anyio
import gateway_support as gs  # noqa: E402 - registered by tests/integration/conftest.py
import pytest

from streams.envelope import parse_envelope
from streams.kafka.errors import KafkaSetupError
from streams.kafka.local import LocalKafka
from streams.kafka.topics import TopicSpec, create_topics

ROUNDS = 6  # rounds of calls: 1 before the kill, 3 during the outage, 2 after the restart


def _spooled_bytes(spool: Path) -> int:
    return sum(p.stat().st_size for p in spool.glob("seg-*.log"))


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_restart_needs_a_started_broker() -> None:
    with pytest.raises(KafkaSetupError, match="nothing to restart"):
        LocalKafka().restart()


@pytest.fixture
def own_broker() -> Any:
    broker = LocalKafka(heap="512m")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.mark.kafka
def test_broker_killed_mid_session_every_event_arrives_once_in_order(
        own_broker: LocalKafka, tmp_path: Path) -> None:
    bootstrap = own_broker.bootstrap
    topic = "mcp.events.raw"
    create_topics(bootstrap, [TopicSpec(topic, 3)])
    spool = tmp_path / "spool"
    session_id = f"sess-{uuid.uuid4().hex[:12]}"
    flags = ["--broker", bootstrap, "--spool-dir", str(spool), "--delivery-timeout", "3",
             "--session-id", session_id, "--subject-from", "patient_id", "--loglevel", "info"]
    per_round = 2 * len(gs.CALLS)
    timeline: dict[str, float] = {}

    async def between(round_: int) -> None:
        if round_ == 0:  # everything so far is on the broker: nothing in flight at the kill
            before = 2 + 1 + 2 + per_round
            got = await anyio.to_thread.run_sync(
                lambda: gs.consume(bootstrap, topic, f"g-{uuid.uuid4().hex}", before, 30, 0))
            assert len(got) == before
            os.killpg(own_broker.pid, signal.SIGKILL)
            timeline["killed"] = time.monotonic()
        elif round_ == 3:  # three rounds relayed with the broker dead
            assert _spooled_bytes(spool) > 0, "events wait in the disk spool"
            # on this (main) thread: the broker dies with the thread that started it
            # (PR_SET_PDEATHSIG), and anyio's worker threads exit when idle
            port = own_broker.port
            own_broker.restart()
            assert own_broker.port == port, "same address: the proxy reconnects on its own"
            with pytest.raises(KafkaSetupError, match="running"):
                own_broker.restart()
            timeline["restarted"] = time.monotonic()
            await anyio.to_thread.run_sync(
                lambda: _wait(lambda: _spooled_bytes(spool) == 0, 45, "the spool to drain"))
            timeline["drained"] = time.monotonic()

    env = {"MCPGOV_FIXTURE_SEED": "3"}
    began = time.monotonic()
    with open(tmp_path / "stderr.log", "w") as errlog:
        direct = anyio.run(gs.standard_session, gs.direct_params(env), errlog)
        proxied = anyio.run(gs.standard_session, gs.proxy_params(env, *flags), errlog, between,
                            ROUNDS, 150.0)
    assert timeline["drained"] - timeline["killed"] <= 90, timeline
    print(f"\nbroker down {timeline['restarted'] - timeline['killed']:.1f}s (incl. restart), "
          f"spool drained {timeline['drained'] - timeline['restarted']:.1f}s after")

    # the client kept working: same answers as a direct session, every round
    results = proxied.results
    assert results[:2] == direct.results[:2]
    calls = results[2:-2]
    assert len(calls) == ROUNDS * len(gs.CALLS)
    for r in range(ROUNDS):
        assert calls[r * len(gs.CALLS):(r + 1) * len(gs.CALLS)] == direct.results[2:-2]
    assert results[-2:] == direct.results[-2:]
    outage_calls = proxied.call_ms[len(gs.CALLS):4 * len(gs.CALLS)]
    assert max(outage_calls) < 2000, f"a call waited on Kafka: {max(outage_calls):.0f} ms"

    # after the broker returned, every event arrived once, in relay order
    expected = 2 + 1 + 2 + ROUNDS * per_round + 2 + 2
    raw = gs.consume(bootstrap, topic, f"g-{uuid.uuid4().hex}", expected, 60, 3.0)
    events = [parse_envelope(value) for *_, value in sorted(raw)]
    assert len(events) == expected, f"{len(events)} events on the topic, {expected} relayed"
    assert len({e["event_id"] for e in events}) == expected, "no event twice"
    assert {p for p, *_ in raw} == {raw[0][0]}, "one session, one partition"
    # a sequential client: request n, its response, request n+1 ... in offset order
    sequence = [(e["direction"], e["message"].get("id")) for e in events]
    first = sequence[0][1]
    assert sequence[:3] == [("request", first), ("response", first), ("notification", None)]
    ids = [i for d, i in sequence[3:]]
    assert ids == [i for i in range(first + 1, first + 1 + len(ids) // 2) for _ in (0, 1)], \
        "per-session order broken"
    assert [d for d, _ in sequence[3:]] == ["request", "response"] * (len(ids) // 2)
    assert all(e["session_id"] == session_id for e in events)
    assert time.monotonic() - began < 180
    log_text = (tmp_path / "stderr.log").read_text()
    assert "spooling events to" in log_text and "drained" in log_text
    assert gs.load_fixture().synthetic_pan(3) not in log_text, "no message content in logs"
