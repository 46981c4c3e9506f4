"""The governor stage: one outcome per input, raw values replaced, policy applied, routed."""

import json
import random

import pytest

from detectors.api import Classifier, DetectorConfig
from detectors.validators import luhn_check_digit
from streams.deadletter import Source
from streams.governor import Governor
from streams.keyring import Keyring
from streams.policy import Policy
from streams.tokens import Tokenizer

from .envelopes import envelope


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))


def make_governor(classifier: Classifier, policy: Policy | None = None) -> Governor:
    return Governor(Tokenizer(Keyring.new()), classifier, policy, ner=False)


def synthetic_pan(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "2221", "6011"])
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
    return body + luhn_check_digit(body)


def synthetic_ssn(rng: random.Random) -> str:
    return f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def call(arguments: dict) -> dict:
    return {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "charge_card", "arguments": arguments}}


def test_values_tokenized_and_recorded(classifier) -> None:
    rng = random.Random(11)
    gov = make_governor(classifier)
    cases = [(synthetic_pan(rng), synthetic_ssn(rng)) for _ in range(40)]
    batch = [(json.dumps(envelope(call({"card_number": pan, "ssn": ssn, "note": "ok"}))),
              Source(line=i)) for i, (pan, ssn) in enumerate(cases)]
    outs = gov.process(batch)
    assert [o.source.line for o in outs] == list(range(40))
    for out, (pan, ssn) in zip(outs, cases, strict=True):
        assert out.dead_letter is None and out.event is not None
        blob = json.dumps(out.event)
        assert pan not in blob and ssn not in blob and ssn.replace("-", "") not in blob
        args = json.loads(out.event["payload"])["params"]["arguments"]
        assert args["card_number"][:6] == pan[:6] and args["card_number"][-4:] == pan[-4:]
        assert args["ssn"].startswith("tok_phi_") and args["note"] == "ok"
        types = {(f["entity_type"], f["path"], f["action"]) for f in out.event["findings"]}
        assert ("CREDIT_CARD", "$.params.arguments.card_number", "tokenized") in types
        assert ("US_SSN", "$.params.arguments.ssn", "tokenized") in types
        assert {"PCI", "PHI"} <= set(out.event["data_classes"])
        assert out.event["data_subject"]["token"].startswith("sub_")
        assert "8812" not in out.event["data_subject"]["token"]
        assert out.region == "eu" and out.key == "sess-1"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"\xff\xfe not utf8", "not_utf8"),
        (b"{not json", "not_json"),
        (b"[]", "schema_invalid"),
        (json.dumps({"event_id": "x"}).encode(), "schema_invalid"),
        (b"[" * 5000 + b"]" * 5000, "too_deep"),
        (b'{"pad": "' + b"a" * 2_000_000 + b'"}', "oversized"),
    ],
)
def test_bad_input_becomes_dead_letter_and_batch_goes_on(classifier, raw, code) -> None:
    rng = random.Random(3)
    pan = synthetic_pan(rng)
    good = json.dumps(envelope(call({"card_number": pan})))
    outs = make_governor(classifier).process([(raw, Source(line=1)), (good, Source(line=2))])
    assert outs[0].dead_letter is not None and outs[0].event is None
    assert outs[0].dead_letter["reason_code"] == code
    assert outs[0].dead_letter["source"]["line"] == 1
    assert outs[1].event is not None and pan not in outs[1].event["payload"]


def test_dead_letter_excerpt_never_holds_sensitive_values(classifier) -> None:
    rng = random.Random(8)
    gov = make_governor(classifier)
    for _ in range(30):
        pan, ssn = synthetic_pan(rng), synthetic_ssn(rng)
        env = envelope(call({"card": pan, "ssn": ssn, "email": "jane.roe@example.org",
                             "key": "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOP234567") for _ in range(16))}))
        env["direction"] = "sideways"  # schema-invalid: goes to the dead letters
        dl = gov.process([(json.dumps(env), Source(line=1))])[0].dead_letter
        assert dl is not None and dl["reason_code"] == "schema_invalid"
        text = json.dumps(dl)
        assert pan not in text and ssn not in text and "jane.roe" not in text
        assert "AKIA" not in text and "direction" in dl["reason"]


def test_processing_error_isolated_to_one_event(classifier, monkeypatch) -> None:
    gov = make_governor(classifier)
    import streams.governor as mod

    real = mod.minimize

    def flaky(env, *a, **k):
        if env["session_id"] == "boom":
            raise RuntimeError("synthetic failure")
        return real(env, *a, **k)

    monkeypatch.setattr(mod, "minimize", flaky)
    outs = gov.process([(json.dumps(envelope(call({}), session_id="boom")), Source(line=1)),
                        (json.dumps(envelope(call({}))), Source(line=2))])
    assert outs[0].dead_letter["reason_code"] == "processing_error"
    assert outs[1].event is not None


def test_policy_drop_digest_redact_keep(classifier) -> None:
    pol = Policy.model_validate({
        "minimization": {"rules": [{
            "name": "r", "match": {"tool": "charge_card"},
            "fields": {"$.params.arguments.note": "drop", "$.params.arguments.query": "digest",
                       "$.params.arguments.addr": "redact", "$.params.arguments.*": "keep"}}]}})
    rng = random.Random(4)
    pan = synthetic_pan(rng)
    msg = call({"note": "Patient email jane.roe@example.org", "query": "needle",
                "addr": "1 Main St", "email": "john.doe@example.com", "card": pan})
    out = make_governor(classifier, pol).process([(json.dumps(envelope(msg)), Source())])[0]
    args = json.loads(out.event["payload"])["params"]["arguments"]
    assert "note" not in args
    assert args["query"].startswith("dig_k1_") and args["addr"] == "[REDACTED]"
    assert args["email"] == "john.doe@example.com"  # keep: the policy chose to keep it
    assert pan not in args["card"] and args["card"][-4:] == pan[-4:]  # PCI is never kept
    actions = {f["path"].rsplit(".", 1)[1]: f["action"] for f in out.event["findings"]}
    assert actions["note"] == "dropped" and actions["email"] == "kept"
    assert actions["card"] == "tokenized"


def test_residency_routes_home_and_alerts_on_forbidden_transfer(classifier) -> None:
    pol = Policy.model_validate({"residency": {"transfers": [
        {"from": "eu", "to": "uk", "basis": "adequacy"}]}})
    gov = make_governor(classifier, pol)
    us = envelope(call({"email": "a.b@example.org"}),
                  server={"name": "crm", "version": "1", "region": "us", "transport": "http"})
    uk = envelope(call({"email": "a.b@example.org"}),
                  server={"name": "crm", "version": "1", "region": "uk", "transport": "http"})
    nothing = envelope(call({}), data_subject=None,
                       server={"name": "crm", "version": "1", "region": "us", "transport": "http"})
    o_us, o_uk, o_none = gov.process([(json.dumps(e), Source()) for e in (us, uk, nothing)])
    assert o_us.region == "eu"
    assert o_us.event["residency"]["transfer"] == {
        "from_region": "eu", "to_region": "us", "allowed": False, "basis": None}
    assert len(o_us.alerts) == 1 and o_us.alerts[0]["rule_id"] == "residency.forbidden_transfer"
    assert o_us.alerts[0]["event_ids"] == [us["event_id"]]
    assert json.loads(o_us.alerts[0]["ocsf"])["class_uid"] == 2004
    assert o_uk.event["residency"]["transfer"]["allowed"] is True and not o_uk.alerts
    assert o_uk.event["residency"]["transfer"]["basis"] == "adequacy"
    # No personal data and no subject: no transfer recorded, lands at the gateway's region.
    assert o_none.event["residency"]["transfer"] is None and o_none.region == "eu"
