"""Gateway phases, each in a fresh process: `python -m bench.gateway NAME BOOTSTRAP PREFIX N`.

N raw envelopes (built by `EnvelopeBuilder`, 16 interleaved sessions) are sent to a
fresh 3-partition topic, timed from the first send until Kafka has acked the last:

- `bare`: a bare idempotent confluent-kafka producer (the publisher's own producer
  settings, `streams.gateway.delivery.producer_config`) sending pre-encoded Avro bytes;
- `bare_avro`: the same, Avro-encoding each envelope in the loop;
- `publisher_raw`: `Publisher.publish_raw` with the same pre-encoded bytes;
- `publisher`: `Publisher.publish` (Avro encoding per event), spool in a temp dir;
- `latency`: p50/p99 of N sequential `add` tools/calls from the official MCP client
  directly to tests/integration/mcp_server_fixture.py, then through `mcpgov proxy`
  publishing to Kafka (the approach of test_proxy_added_latency_per_call, with its
  helpers in tests/integration/gateway_support.py, loaded by path).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.phases import _cpu, _result

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 16
BUDGET_S = 90.0


def _topic(bootstrap: str, prefix: str, name: str) -> str:
    from streams.kafka.topics import TopicSpec, create_topics

    topic = f"{prefix}bench.gw.{name}.{uuid.uuid4().hex[:6]}"
    create_topics(bootstrap, [TopicSpec(topic, 3)])
    return topic


def _envelopes(n: int) -> list[dict[str, Any]]:
    from streams.gateway import EnvelopeBuilder, GatewayContext

    builders = [EnvelopeBuilder(GatewayContext(tenant="acme-health",
                                               session_id=f"sess-bench-{s:02d}"))
                for s in range(SESSIONS)]
    return [builders[i % SESSIONS].build(
        {"jsonrpc": "2.0", "id": i, "method": "tools/call",
         "params": {"name": "get_patient_record", "arguments": {"patient_id": f"p{i}"}}},
        from_client=True) for i in range(n)]


def send(bootstrap: str, prefix: str, n: int, mode: str) -> dict[str, Any]:
    from confluent_kafka import Producer

    from streams import avro
    from streams.gateway.delivery import producer_config
    from streams.gateway.publisher import Publisher
    from streams.kafka.topics import MAX_MESSAGE_BYTES

    topic = _topic(bootstrap, prefix, mode)
    envs = _envelopes(n)
    keyed = [(e["session_id"].encode(), avro.encode("raw_event", e, topic=topic)) for e in envs]
    avg = sum(len(v) for _, v in keyed) / max(n, 1)
    with tempfile.TemporaryDirectory() as tmp:
        if mode.startswith("publisher"):
            pub = Publisher(bootstrap, topic, spool_dir=Path(tmp) / "spool")
            c0, t0 = _cpu(), time.perf_counter()
            if mode == "publisher":
                for e in envs:
                    pub.publish(e)
            else:
                for key, value in keyed:
                    pub.publish_raw(key, value)
            left = pub.flush(BUDGET_S)
            wall, cpu = time.perf_counter() - t0, _cpu() - c0
            stats = pub.stats()
            pub.close()
            extra = {"spooled": stats.spooled, "failed": stats.failed}
        else:
            prod = Producer(producer_config(bootstrap, 15.0, MAX_MESSAGE_BYTES))
            c0, t0 = _cpu(), time.perf_counter()
            for i, (key, value) in enumerate(keyed):
                if mode == "bare_avro":
                    value = avro.encode("raw_event", envs[i], topic=topic)
                while True:
                    try:
                        prod.produce(topic, value, key)
                        break
                    except BufferError:
                        prod.poll(0.05)
                prod.poll(0)
            left = prod.flush(BUDGET_S)
            wall, cpu = time.perf_counter() - t0, _cpu() - c0
            extra = {}
    return _result(n - left, wall, cpu, avg_bytes=round(avg, 1), **extra)


def _support() -> Any:
    """tests/ is not a package: load the gateway test helpers by path."""
    if "gateway_support" not in sys.modules:
        path = ROOT / "tests" / "integration" / "gateway_support.py"
        spec = importlib.util.spec_from_file_location("gateway_support", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["gateway_support"] = module
        spec.loader.exec_module(module)
    return sys.modules["gateway_support"]


def latency(bootstrap: str, prefix: str, count: int) -> dict[str, Any]:
    import anyio

    gs = _support()
    topic = _topic(bootstrap, prefix, "proxy")
    env = {"MCPGOV_FIXTURE_SEED": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        flags = ["--broker", bootstrap, "--topic", topic, "--spool-dir", str(Path(tmp) / "sp")]
        with open(Path(tmp) / "stderr.log", "w") as errlog:
            t0 = time.perf_counter()
            direct = anyio.run(gs.timed_calls, gs.direct_params(env), errlog, count)
            t1 = time.perf_counter()
            proxied = anyio.run(gs.timed_calls, gs.proxy_params(env, *flags), errlog, count)
            t2 = time.perf_counter()
    fig = {f"{name}_p{q}_ms": round(gs.percentile(values, q), 3)
           for name, values in (("direct", direct), ("proxied", proxied)) for q in (50, 99)}
    fig["added_p50_ms"] = round(fig["proxied_p50_ms"] - fig["direct_p50_ms"], 3)
    fig["added_p99_ms"] = round(fig["proxied_p99_ms"] - fig["direct_p99_ms"], 3)
    fig["direct_session_s"] = round(t1 - t0, 2)
    fig["proxied_session_s"] = round(t2 - t1, 2)
    # the client process only: the proxy and servers are children, not counted here
    return _result(len(proxied), t2 - t0, 0.0, **fig)


if __name__ == "__main__":
    name, bootstrap, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if name in ("bare", "bare_avro", "publisher_raw", "publisher"):
        res = send(bootstrap, prefix, count, name)
    elif name == "latency":
        res = latency(bootstrap, prefix, count)
    else:
        raise SystemExit(f"unknown phase {name!r}")
    print(json.dumps(res))
