"""The envelope builder: directions, pairing, latency, learning from initialize, defaults,
hooks, and (hypothesis) every JSON-RPC message gives an envelope the contract accepts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.envelope import parse_envelope
from streams.errors import UsageError
from streams.gateway.envelope import EnvelopeBuilder, GatewayContext, Stamp
from streams.gateway.hooks import argument_hook

T0 = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


def at(ms: float) -> Stamp:
    return Stamp(1000.0 + ms / 1000.0, T0)


def ctx(**kw: Any) -> GatewayContext:
    base: dict[str, Any] = {"tenant": "acme-health", "gateway_id": "gw-eu-1",
                            "gateway_region": "eu", "user": "dr.jones@clinic.example",
                            "agent": "chart-summarizer", "client_id": "desktop-client",
                            "scopes": ("ehr.read",), "server_name": "ehr",
                            "server_region": "us", "purpose": "treatment",
                            "session_id": "sess-5f2c"}
    base.update(kw)
    return GatewayContext(**base)


def req(i: Any, method: str, **params: Any) -> dict[str, Any]:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "id": i, "method": method}
    if params:
        msg["params"] = params
    return msg


def test_request_envelope_matches_the_contract_example() -> None:
    b = EnvelopeBuilder(ctx(), subject_hook=argument_hook("patient_id"))
    msg = req(7, "tools/call", name="get_patient_record", arguments={"patient_id": "8812"})
    env = b.build(msg, from_client=True, at=at(0))
    assert parse_envelope(env) == env
    assert env["direction"] == "request" and env["method"] == "tools/call"
    assert env["tool"] == "get_patient_record" and env["latency_ms"] is None
    assert env["message"] == msg
    assert env["identity"] == {"user": "dr.jones@clinic.example", "agent": "chart-summarizer",
                               "client_id": "desktop-client", "scopes": ["ehr.read"],
                               "auth": {"decision": "allow", "policy": "proxy", "reason": None}}
    assert env["server"] == {"name": "ehr", "version": "", "region": "us", "transport": "stdio"}
    assert env["data_subject"] == {"id": "8812", "region": None}
    assert env["time"] == "2026-11-22T06:30:00.000000Z"
    assert env["session_id"] == "sess-5f2c" and env["purpose"] == "treatment"


def test_response_is_paired_with_its_request() -> None:
    b = EnvelopeBuilder(ctx(subject_region="eu"), subject_hook=argument_hook("patient_id"))
    b.build(req(7, "tools/call", name="get_patient_record", arguments={"patient_id": "8812"}),
            from_client=True, at=at(0))
    b.build(req(8, "tools/list"), from_client=True, at=at(1))
    resp = {"jsonrpc": "2.0", "id": 7, "result": {"content": [{"type": "text", "text": "x"}],
                                                  "isError": False}}
    env = b.build(resp, from_client=False, at=at(42.5))
    assert (env["direction"], env["method"], env["tool"]) == ("response", "tools/call",
                                                              "get_patient_record")
    assert env["latency_ms"] == pytest.approx(42.5)
    assert env["data_subject"] == {"id": "8812", "region": "eu"}
    listed = b.build({"jsonrpc": "2.0", "id": 8, "result": {"tools": [
        {"name": "send_fax", "inputSchema": {"type": "object"},
         "annotations": {"readOnlyHint": False, "openWorldHint": True}}]}},
        from_client=False, at=at(3))
    assert (listed["method"], listed["tool"], listed["latency_ms"]) == ("tools/list", None,
                                                                        pytest.approx(2.0))
    for e in (env, listed):
        parse_envelope(e)


def test_error_response_is_paired_too() -> None:
    b = EnvelopeBuilder(ctx())
    b.build(req("abc", "tools/call", name="fail", arguments={}), from_client=True, at=at(0))
    env = b.build({"jsonrpc": "2.0", "id": "abc", "error": {"code": -32602, "message": "bad"}},
                  from_client=False, at=at(5))
    assert (env["direction"], env["method"], env["tool"], env["latency_ms"]) == \
        ("response", "tools/call", "fail", pytest.approx(5.0))
    parse_envelope(env)


def test_ids_pair_by_side_and_by_type() -> None:
    """Id 1 from the client and id 1 from the server are different requests; "1" is not 1."""
    b = EnvelopeBuilder(ctx())
    b.build(req(1, "tools/call", name="add"), from_client=True, at=at(0))
    b.build(req(1, "sampling/createMessage"), from_client=False, at=at(1))
    b.build(req("1", "ping"), from_client=True, at=at(2))
    to_server = b.build({"jsonrpc": "2.0", "id": 1, "result": {}}, from_client=True, at=at(10))
    to_client = b.build({"jsonrpc": "2.0", "id": 1, "result": {}}, from_client=False, at=at(20))
    text_id = b.build({"jsonrpc": "2.0", "id": "1", "result": {}}, from_client=False, at=at(30))
    assert to_server["method"] == "sampling/createMessage"
    assert to_server["latency_ms"] == pytest.approx(9.0)
    assert (to_client["method"], to_client["tool"]) == ("tools/call", "add")
    assert text_id["method"] == "ping"


def test_notifications_both_ways() -> None:
    b = EnvelopeBuilder(ctx())
    for msg, side in (({"jsonrpc": "2.0", "method": "notifications/initialized"}, True),
                      ({"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": 1, "progress": 0.5}}, False)):
        env = b.build(msg, from_client=side)
        assert env["direction"] == "notification" and env["latency_ms"] is None
        assert env["method"] == msg["method"]
        parse_envelope(env)


def test_unpaired_response_and_odd_messages_still_make_valid_envelopes() -> None:
    b = EnvelopeBuilder(ctx())
    stray = b.build({"jsonrpc": "2.0", "id": 99, "result": {}}, from_client=False)
    assert (stray["direction"], stray["method"], stray["latency_ms"]) == ("response", "unknown",
                                                                         None)
    empty_method = b.build({"jsonrpc": "2.0", "id": 1, "method": ""}, from_client=True)
    assert empty_method["method"] == "unknown"
    odd_name = b.build(req(2, "tools/call", name=["not", "a", "string"]), from_client=True)
    assert odd_name["tool"] is None
    for e in (stray, empty_method, odd_name):
        parse_envelope(e)


def test_initialize_teaches_client_and_server_names() -> None:
    b = EnvelopeBuilder(ctx(agent=None, client_id=None, user=None))
    init = b.build(req(0, "initialize", protocolVersion="2025-11-25", capabilities={},
                       clientInfo={"name": "claude-desktop", "version": "1.0"}),
                   from_client=True)
    assert init["identity"]["client_id"] == "claude-desktop"
    assert init["identity"]["agent"] == "claude-desktop"
    assert init["identity"]["user"] == "unknown"
    answer = b.build({"jsonrpc": "2.0", "id": 0, "result": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "serverInfo": {"name": "ehr", "version": "1.4.2"}}}, from_client=False)
    assert answer["server"]["version"] == "1.4.2"
    later = b.build({"jsonrpc": "2.0", "method": "notifications/initialized"}, from_client=True)
    assert later["server"]["version"] == "1.4.2"


def test_defaults_without_any_identity() -> None:
    env = EnvelopeBuilder(GatewayContext()).build(req(1, "ping"), from_client=True)
    parse_envelope(env)
    assert env["tenant"] == "default"
    assert env["gateway"] == {"id": "mcpgov-proxy", "region": "us"}
    assert env["server"]["region"] == "us", "a stdio server runs beside its gateway"
    assert env["identity"]["user"] == env["identity"]["client_id"] == "unknown"
    assert env["session_id"].startswith("sess-")
    assert env["data_subject"] is None and env["purpose"] is None
    assert GatewayContext().session_id != GatewayContext().session_id


@pytest.mark.parametrize("field,value,named", [
    ("tenant", "acme health", "tenant"), ("gateway_region", "EU", "gateway.region"),
    ("server_region", "Europe/Paris", "server.region"), ("server_name", "", "server.name"),
    ("session_id", "", "session_id"), ("subject_region", "EU!", "subject region")])
def test_bad_context_fails_at_startup_naming_the_field(field: str, value: str,
                                                       named: str) -> None:
    with pytest.raises(UsageError, match=named.replace(".", r"\.")):
        EnvelopeBuilder(ctx(**{field: value}))


def test_trace_context_from_meta() -> None:
    b = EnvelopeBuilder(ctx())
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    env = b.build(req(1, "tools/call", name="x", _meta={"traceparent": parent}),
                  from_client=True)
    assert env["trace"] == {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                            "span_id": "00f067aa0ba902b7"}
    answer = b.build({"jsonrpc": "2.0", "id": 1, "result": {}}, from_client=False)
    assert answer["trace"] == env["trace"]
    assert b.build(req(2, "x", _meta={"traceparent": "junk"}), from_client=True)["trace"] is None


def test_from_line_handles_batches_blank_and_non_json() -> None:
    b = EnvelopeBuilder(ctx())
    batch = json.dumps([req(1, "ping"), {"jsonrpc": "2.0", "method": "notifications/x"}])
    assert [e["direction"] for e in b.from_line(batch.encode() + b"\n", from_client=True)] == \
        ["request", "notification"]
    assert b.from_line(b"  \r\n", from_client=True) == []
    junk = b.from_line(b"Server starting on stdout, oops\n", from_client=False)
    assert len(junk) == 1 and junk[0]["message"] == "Server starting on stdout, oops"
    from streams.envelope import InvalidEnvelope

    with pytest.raises(InvalidEnvelope, match="message"):  # the governor dead-letters it
        parse_envelope(junk[0])


def test_hooks_give_subjects_and_never_break_building() -> None:
    def hook(tool: str, args: Any) -> Any:
        if tool == "boom":
            raise RuntimeError("hook bug")
        if tool == "pair":
            return ("p-1", "eu")
        if tool == "mapping":
            return {"id": 42, "region": "Not A Region"}
        return None

    b = EnvelopeBuilder(ctx(subject_id="default-subject"), subject_hook=hook)
    call = lambda tool: b.build(req(1, "tools/call", name=tool, arguments={}),  # noqa: E731
                                from_client=True)
    assert call("pair")["data_subject"] == {"id": "p-1", "region": "eu"}
    assert call("mapping")["data_subject"] == {"id": "42", "region": None}
    assert call("none")["data_subject"] == {"id": "default-subject", "region": None}
    assert call("boom")["data_subject"] == {"id": "default-subject", "region": None}
    assert b.hook_errors == 1


def test_pending_requests_are_bounded() -> None:
    b = EnvelopeBuilder(ctx(), max_pending=10)
    for i in range(100):
        b.build(req(i, "ping"), from_client=True)
    assert b.build({"jsonrpc": "2.0", "id": 0, "result": {}}, from_client=False)["method"] == \
        "unknown"
    assert b.build({"jsonrpc": "2.0", "id": 99, "result": {}}, from_client=False)["method"] == \
        "ping"


# -- property: any JSON-RPC message -> a valid envelope ---------------------------------

_scalars = st.none() | st.booleans() | st.integers(-2**53, 2**53) | \
    st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) |
                     st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)
_ids = st.integers(-1000, 1000) | st.text(max_size=8) | st.none()
_methods = st.sampled_from(["initialize", "tools/list", "tools/call", "resources/read",
                            "prompts/get", "ping", "notifications/initialized",
                            "notifications/cancelled", "sampling/createMessage"]) | st.text()
_params = st.fixed_dictionaries({}, optional={
    "name": st.text(max_size=20) | _json, "arguments": _json, "clientInfo": _json,
    "_meta": st.dictionaries(st.text(max_size=12), _json, max_size=3)}) | _json
_requests = st.builds(lambda i, m, p: {"jsonrpc": "2.0", "id": i, "method": m, "params": p},
                      _ids, _methods, _params)
_notes = st.builds(lambda m, p: {"jsonrpc": "2.0", "method": m, "params": p}, _methods, _params)
_results = st.builds(lambda i, r: {"jsonrpc": "2.0", "id": i, "result": r}, _ids, _json)
_errors = st.builds(lambda i, c, m, d: {"jsonrpc": "2.0", "id": i,
                                        "error": {"code": c, "message": m, "data": d}},
                    _ids, st.integers(-32768, 32767), st.text(max_size=20), _json)
_messages = _requests | _notes | _results | _errors


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_messages, st.booleans()), min_size=1, max_size=12))
def test_any_jsonrpc_conversation_gives_valid_envelopes(
        conversation: list[tuple[dict[str, Any], bool]]) -> None:
    b = EnvelopeBuilder(ctx(subject_region="eu"), subject_hook=argument_hook("patient_id"))
    for n, (message, from_client) in enumerate(conversation):
        env = b.build(message, from_client=from_client, at=at(n))
        parsed = parse_envelope(env)
        assert parsed["message"] == json.loads(json.dumps(message))
        assert parsed["direction"] == ("response" if "method" not in message else
                                       "request" if "id" in message else "notification")
        line = json.dumps(message).encode() + b"\n"
        for again in b.from_line(line, from_client=from_client, at=at(n)):
            parse_envelope(again)
