"""Shared by the gateway integration tests: a real MCP client session, the proxy command
line, and a consumer of the raw topic. Loaded by path (tests are not a package)."""

from __future__ import annotations

import importlib.util
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
from confluent_kafka import Consumer
from mcp import ClientSession, StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).with_name("mcp_server_fixture.py")
CLIENT_LOG = logging.getLogger("tests.librdkafka")


def load_fixture() -> ModuleType:
    """The fixture server module, to read the synthetic values its tools return."""
    name = "mcp_server_fixture_values"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SERVER)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def direct_params(env: dict[str, str]) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=[str(SERVER)], env=env)


def proxy_params(env: dict[str, str], *flags: str) -> StdioServerParameters:
    """`python -m streams.cli proxy FLAGS -- python mcp_server_fixture.py`, run by the client."""
    return StdioServerParameters(
        command=sys.executable, cwd=str(ROOT), env=env,
        args=["-m", "streams.cli", "proxy", *flags, "--", sys.executable, str(SERVER)])


@dataclass
class Session:
    """What the client saw, and how long each tools/call took (ms), in call order."""

    results: list[Any] = field(default_factory=list)
    call_ms: list[float] = field(default_factory=list)


# (tool, arguments) the standard session calls, in order
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("get_patient_record", {"patient_id": "8812"}),
    ("add", {"a": 2, "b": 40}),
    ("echo", {"text": "héllo ✓ \u2028 \"quoted\" \\ back"}),
    ("fail", {"reason": "test"}),
    ("send_fax", {"number": "+1-555-0100", "body": "chart"}),
]
# messages one standard session exchanges: initialize (2), initialized (1), tools/list (2),
# the calls (2 each), resources/read (2), prompts/get (2)
STANDARD_MESSAGES = 2 + 1 + 2 + 2 * len(CALLS) + 2 + 2


async def standard_session(params: StdioServerParameters, errlog: Any,
                           between: Callable[[int], Any] | None = None,
                           repeat: int = 1, timeout: float = 120.0) -> Session:
    """initialize, tools/list, the CALLS (`repeat` times), a resource, a prompt.

    `between(i)` runs (awaited if async) after the i-th round of calls: the outage test
    kills and restarts the broker there, while the session stays open.
    """
    seen = Session()
    with anyio.fail_after(timeout):
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                seen.results.append((await session.initialize()).model_dump())
                seen.results.append((await session.list_tools()).model_dump())
                for round_ in range(repeat):
                    for tool, args in CALLS:
                        began = time.perf_counter()
                        result = await session.call_tool(tool, args)
                        seen.call_ms.append((time.perf_counter() - began) * 1000)
                        seen.results.append(result.model_dump())
                    if between is not None:
                        done = between(round_)
                        if hasattr(done, "__await__"):
                            await done
                seen.results.append(
                    (await session.read_resource("ehr://policies/retention")).model_dump())
                seen.results.append(
                    (await session.get_prompt("summarize_chart", {"patient_id": "8812"}))
                    .model_dump())
    return seen


async def timed_calls(params: StdioServerParameters, errlog: Any, count: int) -> list[float]:
    """Milliseconds of `count` sequential `add` calls over one session (after warm-up)."""
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for i in range(20):
                await session.call_tool("add", {"a": i, "b": 1})
            out = []
            for i in range(count):
                began = time.perf_counter()
                await session.call_tool("add", {"a": i, "b": 1})
                out.append((time.perf_counter() - began) * 1000)
            return out


def consume(bootstrap: str, topic: str, group: str, expected: int, timeout: float = 60.0,
            settle: float = 2.0) -> list[tuple[int, int, bytes | None, bytes]]:
    """(partition, offset, key, value) of every record, waiting for `expected` and then
    `settle` seconds more so a duplicate would show."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "session.timeout.ms": 6000}, logger=CLIENT_LOG)
    consumer.subscribe([topic])
    got: list[tuple[int, int, bytes | None, bytes]] = []
    deadline = time.monotonic() + timeout
    quiet_until = None
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.25)
            if msg is not None:
                assert msg.error() is None, msg.error()
                got.append((msg.partition(), msg.offset(), msg.key(), msg.value()))
            if len(got) >= expected:
                quiet_until = quiet_until or time.monotonic() + settle
                if time.monotonic() >= quiet_until:
                    break
    finally:
        consumer.close()
    return got


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]
