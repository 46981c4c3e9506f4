"""Everything that lands is scanned: object keys, envelope metadata, the subject's own id.

Each test runs synthetic values through `Governor.process` and asserts the raw value is
nowhere in the governed event, the dead letter, the alerts or the vault (opened with
the subject's key: ciphertext alone proves nothing). Secrets are redacted, never
tokenized, never vaulted, whatever the classifier hands over.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from detectors.api import Classifier, DetectorConfig, Span
from detectors.validators import luhn_check_digit
from streams.deadletter import Source
from streams.erasure import vault
from streams.erasure.keys import SubjectKeyStore
from streams.governor import METADATA, Governor, Outcome
from streams.keyring import Keyring
from streams.tokens import REDACTED_SECRET, Tokenizer

from .envelopes import envelope as base_envelope

N = 50


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))


@pytest.fixture()
def keys(tmp_path: Path) -> SubjectKeyStore:
    return SubjectKeyStore(tmp_path / "keys")


def governor(classifier: Any, keys: SubjectKeyStore | None = None) -> Governor:
    return Governor(Tokenizer(Keyring.new()), classifier, ner=False, subject_keys=keys)


def pans(seed: int, n: int = N) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        prefix = rng.choice(["4", "51", "2221", "6011"])
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
        out.append(body + luhn_check_digit(body))
    return out


def ssns(seed: int, n: int = N) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.randint(100, 665):03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"
            for _ in range(n)]


def envelope(message: dict[str, Any], **over: Any) -> dict[str, Any]:
    """The shared test envelope with a real user e-mail, a trace and a read tool."""
    return base_envelope(message, **{
        "identity": {"user": "dr.jones@clinic.example", "agent": "a1", "client_id": "c1",
                     "scopes": ["ehr.read"],
                     "auth": {"decision": "allow", "policy": "p", "reason": None}},
        "tool": "get_patient",
        "trace": {"trace_id": "0af7651916cd43dd8448eb211c80319c", "span_id": "b7ad6b7169203331"},
        **over,
    })


def call(arguments: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "get_patient", "arguments": arguments}}


def run(gov: Governor, envs: list[dict[str, Any]]) -> list[Outcome]:
    return gov.process([(json.dumps(e), Source(line=i)) for i, e in enumerate(envs)])


def opened(out: Outcome, keys: SubjectKeyStore) -> list[str]:
    """The plain values of an outcome's vault entries."""
    values = []
    for entry in out.vault:
        key = keys.get(entry["tenant"], entry["subject_token"])
        assert key is not None
        value = vault.open_entry(key, entry)
        assert value is not None
        values.append(value)
    return values


def landed(out: Outcome, keys: SubjectKeyStore | None = None) -> str:
    """Everything an outcome lands, as one text (payload decoded: no JSON escapes)."""
    assert out.dead_letter is None and out.event is not None
    parts = [json.dumps(out.event, ensure_ascii=False), out.event["payload"],
             json.dumps(out.alerts, ensure_ascii=False), json.dumps(out.vault), str(out.key)]
    if keys is not None:
        parts += opened(out, keys)
    return "\n".join(parts)


def assert_nowhere(raw: str, text: str) -> None:
    digits = "".join(ch for ch in raw if ch.isdigit())
    assert raw not in text, f"{raw[:4]}... landed"
    assert len(digits) < 9 or digits not in text, f"{digits[:4]}... landed"


# -- object keys ----------------------------------------------------------------------


def test_card_numbers_and_ssns_in_object_keys_are_tokenized(classifier) -> None:
    cards, numbers = pans(1), ssns(2)
    envs = [envelope(call({card: "x", f"ssn {ssn}": 1, "nested": {"rows": [{card: ssn}]},
                           "note": "ok"}))
            for card, ssn in zip(cards, numbers, strict=True)]
    outs = run(governor(classifier), envs)
    for out, card, ssn in zip(outs, cards, numbers, strict=True):
        text = landed(out)
        assert_nowhere(card, text)
        assert_nowhere(ssn, text)
        args = json.loads(out.event["payload"])["params"]["arguments"]
        assert len(args) == 4 and args["note"] == "ok"  # every member kept, renamed
        token = next(k for k in args if k[:6] == card[:6])
        assert args[token] == "x" and token[-4:] == card[-4:]
        assert [k for k in args if k.startswith("ssn tok_phi_")]
        key_findings = [f for f in out.event["findings"] if f["path"].endswith("~")]
        assert {f["entity_type"] for f in key_findings} == {"CREDIT_CARD", "US_SSN"}
        assert any(f["path"] == f"$.params.arguments['{token}']~" for f in key_findings)
        inner = json.loads(out.event["payload"])["params"]["arguments"]["nested"]["rows"][0]
        [(k, v)] = inner.items()
        assert k == token and v.startswith("tok_phi_")


def test_keys_that_tokenize_alike_keep_every_value(classifier) -> None:
    args = {"Jane.Roe@Example.org": 1, "jane.roe@example.org": 2, "JANE.ROE@EXAMPLE.ORG": 3}
    [out] = run(governor(classifier), [envelope(call(args))])
    text = landed(out)
    assert "jane.roe" not in text.casefold()
    got = json.loads(out.event["payload"])["params"]["arguments"]
    assert sorted(got.values()) == [1, 2, 3]
    [first, second, third] = got
    assert second == first + "#2" and third == first + "#3"


# -- envelope metadata ----------------------------------------------------------------


def _set(env: dict[str, Any], where: tuple[str, ...], value: str) -> None:
    node = env
    for name in where[:-1]:
        node = node[name]
    node[where[-1]] = [value] if where[-1] == "scopes" else value


def test_values_in_every_scanned_metadata_field_are_tokenized(classifier) -> None:
    cards, numbers = pans(3, N * len(METADATA)), ssns(4, N * len(METADATA))
    envs, planted = [], []
    for i in range(N * len(METADATA)):
        where = METADATA[i % len(METADATA)]
        value = cards[i] if i % 2 else f"{where[-1]} {numbers[i]}"
        env = envelope(call({"q": "ok"}))
        _set(env, where, value)
        envs.append(env)
        planted.append((where, value))
    outs = run(governor(classifier), envs)
    for out, (where, value) in zip(outs, planted, strict=True):
        text = landed(out)
        assert_nowhere(value, text)
        path = "$envelope." + ".".join(where) + ("[0]" if where[-1] == "scopes" else "")
        assert any(f["path"] == path and f["action"] == "tokenized"
                   for f in out.event["findings"]), path


def test_session_id_stays_a_key_and_identity_user_is_kept(classifier) -> None:
    [card] = pans(5, 1)
    gov = governor(classifier)
    a, b, c = run(gov, [envelope(call({}), session_id=card),
                        envelope(call({}), session_id=card),
                        envelope(call({}), session_id="sess-2")])
    assert a.key == b.key == a.event["session_id"] == b.event["session_id"] != c.key
    assert c.key == "sess-2" and card not in landed(a)
    # The authenticated principal's own e-mail is what accounting must name: kept.
    assert c.event["identity"]["user"] == "dr.jones@clinic.example"
    assert not any(f["path"].startswith("$envelope") for f in c.event["findings"])


def test_forbidden_transfer_alert_quotes_governed_metadata(classifier) -> None:
    [card] = pans(6, 1)
    env = envelope(call({"email": "a.b@example.org"}), session_id=card,
                   server={"name": f"crm {card}", "version": "1", "region": "us",
                           "transport": "http"})
    [out] = run(governor(classifier), [env])
    assert out.alerts and card not in landed(out)


# -- the data subject's own id --------------------------------------------------------


def test_subject_id_is_replaced_by_the_subject_token_everywhere(classifier, keys) -> None:
    rng = random.Random(7)
    ids = [f"P-{rng.randint(100000, 999999)}-{rng.randint(10, 99)}" for _ in range(N)]
    envs = [envelope(call({"patient_id": pid, "note": f"chart of {pid} reviewed",
                           pid: {"seen": True}, "ids": [pid, "other"]}),
                     data_subject={"id": pid, "region": "eu"},
                     purpose=f"treatment of {pid}")
            for pid in ids]
    outs = run(governor(classifier, keys), envs)
    for out, pid in zip(outs, ids, strict=True):
        text = landed(out, keys)
        assert pid not in text
        token = out.event["data_subject"]["token"]
        args = json.loads(out.event["payload"])["params"]["arguments"]
        assert args["patient_id"] == token and args["ids"] == [token, "other"]
        assert args["note"] == f"chart of {token} reviewed" and args[token] == {"seen": True}
        assert out.event["purpose"] == f"treatment of {token}"
        assert {f["entity_type"] for f in out.event["findings"]} == {"DATA_SUBJECT_ID"}


def test_numeric_subject_id_sent_as_a_json_number(classifier) -> None:
    rng = random.Random(8)
    ids = [str(rng.randint(100000, 99_999_999)) for _ in range(N)]
    envs = [envelope(call({"patient_id": int(pid), "mrn": f"MRN{pid}", "count": 3}),
                     data_subject={"id": pid, "region": "eu"}) for pid in ids]
    outs = run(governor(classifier), envs)
    for out, pid in zip(outs, ids, strict=True):
        assert pid not in landed(out)
        args = json.loads(out.event["payload"])["params"]["arguments"]
        assert args["patient_id"] == out.event["data_subject"]["token"] and args["count"] == 3


# -- secrets ----------------------------------------------------------------------------


def test_connection_string_passwords_are_redacted_never_vaulted(classifier, keys) -> None:
    rng = random.Random(9)
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    secrets = ["".join(rng.choice(alphabet) for _ in range(14)) for _ in range(N)]
    envs = [envelope(call({"dsn": f"postgres://svc:{pw}@db.example.com:5432/app",
                           "email": f"user{i}@example.org"}))
            for i, pw in enumerate(secrets)]
    outs = run(governor(classifier, keys), envs)
    for i, (out, pw) in enumerate(zip(outs, secrets, strict=True)):
        assert pw not in landed(out, keys)
        assert REDACTED_SECRET in json.loads(out.event["payload"])["params"]["arguments"]["dsn"]
        assert opened(out, keys) == [f"user{i}@example.org"]
        assert all(e["entity_type"] != "SECRET" for e in out.vault)


class _Overlapping:
    """A classifier that hands over a SECRET and an e-mail sharing characters, as a
    detector may (a password ending in '@host' reads as an e-mail)."""

    def __init__(self, real: Classifier) -> None:
        self.real = real

    def classify(self, sites: Any, *, ner: bool = True) -> list[list[Span]]:
        out = self.real.classify(sites, ner=ner)
        for i, site in enumerate(sites):
            at = site.text.find("://root:")
            if at >= 0:
                start = at + len("://root:")
                end = site.text.index("/", start)
                email = site.text.index("@", start) + 1  # the tail after the first '@'
                out[i] = [Span("SECRET", start, site.text.rindex("@", start), 0.85, "test"),
                          Span("EMAIL_ADDRESS", email, end, 1.0, "test")]
        return out


def test_a_span_overlapping_a_secret_is_redacted_with_it(classifier, keys) -> None:
    rng = random.Random(10)
    secrets = [f"p@{''.join(rng.choice('abcdefghjkmnpqrstuvwxyz') for _ in range(10))}"
               for _ in range(N)]
    envs = [envelope(call({"dsn": f"mysql://root:{pw}@mail.example.org/db"})) for pw in secrets]
    outs = run(governor(_Overlapping(classifier), keys), envs)
    for out, pw in zip(outs, secrets, strict=True):
        text = landed(out, keys)
        assert pw not in text and pw[2:] not in text and "mail.example.org" not in text
        assert out.vault == []
        [finding] = out.event["findings"]
        assert finding["entity_type"] == "SECRET" and finding["action"] == "redacted"
        dsn = json.loads(out.event["payload"])["params"]["arguments"]["dsn"]
        assert dsn == f"mysql://root:{REDACTED_SECRET}/db"


def test_the_vault_refuses_secrets(keys) -> None:
    key = keys.get_or_create("acme", "sub_k1_x")
    for entity, token in (("SECRET", "tok_sec_k1_" + "a" * 26),
                          ("EMAIL_ADDRESS", REDACTED_SECRET)):
        with pytest.raises(vault.SecretNotVaulted):
            vault.seal(key, token=token, tenant="acme", subject_token="sub_k1_x",
                       entity_type=entity, value="hunter2")
    out: list[dict[str, Any]] = []
    on_token = vault.sealer(keys, "acme", "sub_k1_x", "e", "2026-11-22T06:30:00Z", out)
    with pytest.raises(vault.SecretNotVaulted):
        on_token("SECRET", "hunter2", "tok_sec_k1_" + "b" * 26)
    assert out == []


def test_password_that_reads_as_an_email_is_not_vaulted(classifier, keys) -> None:
    rng = random.Random(11)
    users = [f"{''.join(rng.choice('abcdefghjkmnpqrstuvwxyz') for _ in range(8))}@example.org"
             for _ in range(N)]
    envs = [envelope(call({"conn": f"Server=tcp:db;User Id=sa;Password={u};"})) for u in users]
    outs = run(governor(classifier, keys), envs)
    for out, u in zip(outs, users, strict=True):
        assert u not in landed(out, keys)
        assert out.vault == []
