"""Generated traffic: contract shape, determinism, exact and complete ground truth."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors import validators as v
from streams.errors import UsageError
from streams.generate import api
from streams.generate.checks import harmless, valid
from streams.generate.domains import DOMAINS, workspace
from streams.generate.truth import Truth, string_at

KEYS = [
    "schema_version",
    "event_id",
    "time",
    "tenant",
    "gateway",
    "session_id",
    "identity",
    "server",
    "data_subject",
    "purpose",
    "direction",
    "method",
    "tool",
    "message",
    "latency_ms",
    "trace",
]
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
OUTBOUND = {t.name for t in workspace.TOOLS if t.open_world and not t.read_only}
READS = {name for d in DOMAINS.values() for name in d.reads}


@pytest.fixture(scope="module")
def run() -> tuple[list[dict[str, Any]], Truth]:
    return api.generate(500, 11)


def strings(obj: Any) -> Iterator[tuple[str, str]]:
    """(path-less) every string in a message, with a coarse location for messages."""
    if isinstance(obj, str):
        yield "", obj
    elif isinstance(obj, dict):
        for val in obj.values():
            yield from strings(val)
    elif isinstance(obj, list):
        for val in obj:
            yield from strings(val)


def dump(events: list[dict[str, Any]], truth: Truth) -> str:
    return "\n".join(map(api.dumps_event, events)) + json.dumps(truth.to_dict())


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    a, b, c = api.generate(40, 3), api.generate(40, 3), api.generate(40, 4)
    assert dump(*a) == dump(*b)
    assert dump(*a) != dump(*c)
    assert a[0][0]["time"] != c[0][0]["time"]  # the start time is derived from the seed


def test_envelopes_have_the_contract_fields_and_types(run: Any) -> None:
    events, _ = run
    requests: dict[tuple[str, Any], dict[str, Any]] = {}
    last_time = ""
    for e in events:
        assert list(e) == KEYS
        assert e["schema_version"] == 1 and uuid.UUID(e["event_id"]).version == 4
        assert TIME.fullmatch(e["time"]) and e["time"] >= last_time
        last_time = e["time"]
        assert (
            set(e["gateway"]) == {"id", "region"} and e["gateway"]["region"] in e["gateway"]["id"]
        )
        ident = e["identity"]
        assert set(ident) == {"user", "agent", "client_id", "scopes", "auth"}
        assert isinstance(ident["scopes"], list) and all(
            isinstance(s, str) for s in ident["scopes"]
        )
        assert ident["auth"]["decision"] in ("allow", "deny") and ident["auth"]["policy"]
        assert (ident["auth"]["reason"] is None) == (ident["auth"]["decision"] == "allow")
        assert set(e["server"]) == {"name", "version", "region", "transport"}
        assert e["data_subject"] is None or set(e["data_subject"]) == {"id", "region"}
        if e["data_subject"]:
            assert e["data_subject"]["region"] in ("eu", "us", "uk", "apac")
        assert e["purpose"] is None or isinstance(e["purpose"], str)
        msg = e["message"]
        assert msg["jsonrpc"] == "2.0"
        if e["direction"] == "request":
            assert msg["method"] == e["method"] and "id" in msg and e["latency_ms"] is None
            requests[(e["session_id"], msg["id"])] = e
        elif e["direction"] == "response":
            req = requests[(e["session_id"], msg["id"])]
            assert (e["method"], e["tool"]) == (req["method"], req["tool"])
            assert ("result" in msg) != ("error" in msg)
            assert isinstance(e["latency_ms"], float) and e["latency_ms"] > 0
            assert e["trace"] is None or e["trace"] == req["trace"]
        else:
            assert e["direction"] == "notification" and "id" not in msg and e["tool"] is None
        if e["method"] == "tools/call":
            assert e["tool"] == msg.get("params", {}).get("name", e["tool"])
        else:
            assert e["tool"] is None
        if e["trace"] is not None:
            assert re.fullmatch(r"[0-9a-f]{32}", e["trace"]["trace_id"])
            assert re.fullmatch(r"[0-9a-f]{16}", e["trace"]["span_id"])
    assert len({e["event_id"] for e in events}) == len(events)


def test_denied_calls_are_published_with_policy_reason_and_an_error(run: Any) -> None:
    events, _ = run
    denied = [e for e in events if e["identity"]["auth"]["decision"] == "deny"]
    assert {e["direction"] for e in denied} == {"request", "response"}
    assert all("error" in e["message"] for e in denied if e["direction"] == "response")
    assert {e["identity"]["auth"]["policy"] for e in denied} == {"scope-enforcer", "consent-check"}


def test_truth_matches_the_bytes_and_every_value_is_valid(run: Any) -> None:
    events, truth = run
    by_id = {e["event_id"]: e for e in events}
    assert sum(1 for _ in truth.values()) > 10_000
    for eid, val in truth.values():
        text = string_at(by_id[eid]["message"], val["path"])
        assert text[val["start"] : val["end"]] == val["value"]
        assert valid(val["entity_type"], val["value"], val.get("subtype", "")), val
    for eid, neg in truth.lookalikes():
        text = string_at(by_id[eid]["message"], neg["path"])
        assert text[neg["start"] : neg["end"]] == neg["value"] and harmless(neg["value"]), neg
    assert set(truth.events) <= set(by_id)


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**40))
def test_truth_is_exact_for_any_seed(seed: int) -> None:
    events, truth = api.generate(12, seed, attack_share=0.34)
    by_id = {e["event_id"]: e for e in events}
    for eid, val in [*truth.values(), *truth.lookalikes()]:
        assert (
            string_at(by_id[eid]["message"], val["path"])[val["start"] : val["end"]] == val["value"]
        )
        if "entity_type" in val:
            assert valid(val["entity_type"], val["value"], val.get("subtype", "")), val
        else:
            assert harmless(val["value"]), val


CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){11,18}(?![\w-])")
SSN = re.compile(r"(?<![\w-])\d{3}-\d\d-\d{4}(?![\w-])")
IBAN = re.compile(r"\b[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def test_truth_is_complete_no_unlabelled_card_ssn_iban_or_email(run: Any) -> None:
    """Every valid identifier a scanner can find in the bytes is a labelled value."""
    events, truth = run
    spans: dict[str, set[str]] = defaultdict(set)
    for eid, val in truth.values():
        spans[eid].add(val["value"])
    missed = []
    for e in events:
        for _, s in strings(e["message"]):
            for pattern, check in (
                (CARD, v.credit_card),
                (SSN, v.us_ssn),
                (IBAN, v.mod97),
                (EMAIL, lambda x: True),
            ):
                for m in pattern.finditer(s):
                    found = m.group(0)
                    if check(found) and not any(found in val for val in spans[e["event_id"]]):
                        missed.append((e["tool"], found))
    assert missed == []


def test_all_domains_tenants_and_attack_kinds_appear(run: Any) -> None:
    events, truth = run
    assert {s["domain"] for s in truth.sessions.values()} == set(DOMAINS)
    kinds = Counter(s["attack_kind"] for s in truth.sessions.values())
    assert kinds.keys() == {None, "exfiltration", "bulk_enumeration", "scope_probing", "first_use"}
    assert sum(n for k, n in kinds.items() if k) == 50
    assert truth.tenants["acme-health"]["health"] and not truth.tenants["lumen-pay"]["health"]
    assert all(s["health"] == (s["domain"] == "ehr") for s in truth.sessions.values())
    subjects = {e["data_subject"]["id"] for e in events if e["data_subject"]}
    assert subjects == set(truth.data_subjects)
    assert sorted(truth.sessions) == sorted({e["session_id"] for e in events})
    for sid, s in truth.sessions.items():
        assert s["event_ids"] and set(s["evidence_event_ids"]) <= set(s["event_ids"])


def _by_session(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        out[e["session_id"]].append(e)
    return out


def _calls(session: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in session if e["direction"] == "request" and e["method"] == "tools/call"]


def test_exfiltration_reads_then_sends_what_it_read(run: Any) -> None:
    events, truth = run
    sessions = _by_session(events)
    by_id = {e["event_id"]: e for e in events}
    n = 0
    for sid, s in truth.sessions.items():
        if s["attack_kind"] != "exfiltration":
            continue
        n += 1
        calls = _calls(sessions[sid])
        out = [i for i, e in enumerate(calls) if e["tool"] in OUTBOUND]
        reads = [i for i, e in enumerate(calls) if e["tool"] in READS]
        assert out and reads and min(reads) < out[-1]
        read_values = {
            v["value"]
            for e in sessions[sid]
            if e["direction"] == "response"
            for v in truth.events.get(e["event_id"], {}).get("values", [])
        }
        sent = truth.events[calls[out[-1]]["event_id"]]["values"]
        assert any(v["value"] in read_values for v in sent)
        assert by_id[s["evidence_event_ids"][-1]]["tool"] in OUTBOUND
    assert n >= 5


def test_benign_sessions_never_send_after_a_sensitive_read(run: Any) -> None:
    events, truth = run
    sessions = _by_session(events)
    for sid, s in truth.sessions.items():
        if s["label"] != "benign":
            continue
        calls = _calls(sessions[sid])
        tools = [e["tool"] for e in calls]
        for i, tool in enumerate(tools):
            if tool in OUTBOUND:
                assert not set(tools[:i]) & READS, sid
        assert len(set(s["data_subjects"])) <= 3
        assert sum(e["identity"]["auth"]["decision"] == "deny" for e in calls) <= 1


def test_bulk_enumeration_reads_many_subjects_fast(run: Any) -> None:
    events, truth = run
    sessions = _by_session(events)
    for sid, s in truth.sessions.items():
        if s["attack_kind"] != "bulk_enumeration":
            continue
        calls = _calls(sessions[sid])
        reads = [e for e in calls if e["tool"] in READS]
        assert len({e["data_subject"]["id"] for e in reads}) >= 25
        assert len({e["tool"] for e in reads}) == 1
        assert len(s["evidence_event_ids"]) == len(reads)


def test_scope_probing_is_a_burst_of_denied_calls(run: Any) -> None:
    events, truth = run
    by_id = {e["event_id"]: e for e in events}
    for s in truth.sessions.values():
        if s["attack_kind"] != "scope_probing":
            continue
        denied = [by_id[eid] for eid in s["evidence_event_ids"]]
        assert len(denied) >= 5
        for e in denied:
            assert e["identity"]["auth"]["decision"] == "deny"
            assert e["identity"]["auth"]["reason"].startswith("scope ")
            assert e["identity"]["auth"]["reason"].split()[1] not in e["identity"]["scopes"]


def test_first_use_is_new_to_the_agent(run: Any) -> None:
    events, truth = run
    by_id = {e["event_id"]: e for e in events}
    variants = set()
    for sid, s in truth.sessions.items():
        if s["attack_kind"] != "first_use":
            continue
        variants.add(s["variant"])
        first = by_id[s["evidence_event_ids"][0]]
        earlier = [
            e
            for e in events
            if e["time"] < first["time"]
            and e["session_id"] != sid
            and e["identity"]["agent"] == s["agent"]
            and e["tenant"] == s["tenant"]
        ]
        if s["variant"] == "new_tool":
            assert first["tool"] not in {e["tool"] for e in earlier}
        elif s["variant"] == "new_server":
            assert first["server"]["name"] not in {e["server"]["name"] for e in earlier}
        else:
            tools = first["message"]["result"]["tools"]
            assert any(p in t["description"] for t in tools for p in workspace.POISONED)
    assert variants == {"new_tool", "new_server", "changed_description"}


def test_tools_list_carries_annotations_including_outbound_tools(run: Any) -> None:
    events, _ = run
    listed = {
        t["name"]: t
        for e in events
        if e["method"] == "tools/list" and e["direction"] == "response"
        for t in e["message"]["result"]["tools"]
    }
    for name in OUTBOUND:
        assert listed[name]["annotations"]["openWorldHint"] is True
        assert listed[name]["annotations"]["readOnlyHint"] is False
    assert listed["get_patient_record"]["annotations"] == {
        "readOnlyHint": True,
        "openWorldHint": False,
        "destructiveHint": False,
    }


def test_results_take_the_shapes_real_tools_return(run: Any) -> None:
    events, _ = run
    results = [e["message"].get("result") or {} for e in events if e["direction"] == "response"]
    texts = [b["text"] for r in results for b in r.get("content", []) if b.get("type") == "text"]
    assert any(r.get("isError") for r in results)
    assert any("structuredContent" in r for r in results)
    assert any(e["direction"] == "response" and "error" in e["message"] for e in events)
    assert any(t.startswith("| ") for t in texts)  # markdown tables
    assert any(t.count(",") > 8 and "\n" in t and "|" not in t for t in texts)  # CSV
    assert any(len(t) > 600 and ". " in t for t in texts)  # prose
    assert any(t.startswith("{") and json.loads(t) for t in texts)  # JSON in a text block
    assert any(r.get("contents") for r in results)  # resources/read
    methods = Counter(e["method"] for e in events)
    for m in (
        "initialize",
        "notifications/initialized",
        "tools/list",
        "tools/call",
        "resources/read",
        "prompts/get",
        "notifications/progress",
    ):
        assert methods[m] > 0, m


def test_values_are_varied(run: Any) -> None:
    _, truth = run
    vals: dict[str, set[str]] = defaultdict(set)
    subtypes: dict[str, set[str]] = defaultdict(set)
    for _, val in truth.values():
        vals[val["entity_type"]].add(val["value"])
        subtypes[val["entity_type"]].add(val.get("subtype", ""))
    pans = vals["CREDIT_CARD"]
    assert len(pans) >= 100
    assert any(len(re.sub(r"\D", "", p)) == 19 for p in pans)
    assert "mastercard_2series" in subtypes["CREDIT_CARD"] and len(subtypes["CREDIT_CARD"]) == 9
    assert (
        any(" " in p for p in pans)
        and any("-" in p for p in pans)
        and any(p.isdigit() for p in pans)
    )
    assert len({i.replace(" ", "")[:2] for i in vals["IBAN_CODE"]}) >= 8
    assert any(" " in i for i in vals["IBAN_CODE"]) and any(" " not in i for i in vals["IBAN_CODE"])
    assert any("-" in s for s in vals["US_SSN"]) and any(s.isdigit() for s in vals["US_SSN"])
    assert subtypes["SECRET"] >= {
        "aws_access_key_id",
        "github_token",
        "slack_token",
        "stripe_secret_key",
        "jwt",
        "pem_private_key",
        "password",
    }
    assert subtypes["US_BANK_NUMBER"] == {"aba_routing", "account"}
    for entity in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "US_NPI", "MEDICAL_RECORD_NUMBER"):
        assert len(vals[entity]) >= 100, entity
    assert len(vals["US_MBI"]) >= 20 and len(vals["IP_ADDRESS"]) >= 50
    kinds = {neg["kind"] for _, neg in truth.lookalikes()}
    assert kinds == {
        "ORDER_NUMBER",
        "LUHN_INVALID_NUMBER",
        "UUID",
        "ISO_TIMESTAMP",
        "UPS_TRACKING",
        "USPS_TRACKING",
        "VERSION",
        "INVOICE_ID",
        "IBAN_BAD_CHECKSUM",
        "SSN_INVALID",
        "NPI_INVALID",
        "MASKED_PAN",
    }


def test_attack_share_domains_and_bad_usage() -> None:
    _, none = api.generate(30, 1, attack_share=0.0)
    assert all(s["label"] == "benign" for s in none.sessions.values())
    _, all_ = api.generate(8, 1, attack_share=1.0, domains=["crm"])
    assert all(s["label"] == "attack" and s["domain"] == "crm" for s in all_.sessions.values())
    assert set(all_.tenants) == {"umbrella-saas", "kiwi-support"}
    with pytest.raises(UsageError, match="--sessions must be a positive integer, got 0"):
        api.generate(0, 1)
    with pytest.raises(UsageError, match="--attack-share must be between 0 and 1, got -0.1"):
        api.generate(5, 1, attack_share=-0.1)
    with pytest.raises(UsageError, match="unknown domain 'hr'; choose from ehr, payments"):
        api.generate(5, 1, domains=["ehr", "hr"])


def test_every_event_passes_the_pipelines_envelope_parser(run: Any) -> None:
    envelope = pytest.importorskip("streams.envelope")
    events, _ = run
    for e in events[:3000]:
        envelope.parse_envelope(api.dumps_event(e).encode())


def test_content_blocks_include_images_and_embedded_resources(run: Any) -> None:
    events, truth = run
    blocks = [
        b
        for e in events
        if e["direction"] == "response"
        for b in (e["message"].get("result") or {}).get("content", [])
    ]
    assert {b["type"] for b in blocks} == {"text", "image", "resource"}
    paths = {v["path"] for _, v in truth.values()}
    assert any(p.endswith(".resource.text") for p in paths)
    assert any("['" in p for p in paths)  # a key that is not an identifier
