"""The governor's time grows linearly with the event on hostile shapes.

Each shape is built at about 100 KB and about 0.9 MB (under the 1 MiB event cap) and
governed once; the CPU time (`time.process_time`) of the large run may be at most
`RATIO` times the small one (linear is 10x). A ratio, not a wall-clock limit: the
machine's speed cancels out. Times under `FLOOR` seconds are not resolved.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

import pytest

from detectors.api import Classifier, DetectorConfig
from streams.deadletter import Source
from streams.governor import Governor
from streams.keyring import Keyring
from streams.tokens import Tokenizer

SMALL, LARGE = 100_000, 900_000
RATIO = 15.0
FLOOR = 0.02


def _dr(n: int) -> str:
    return ("Dr. Aaaa " * (n // 9 + 1))[:n]


def _csv(n: int) -> str:
    rng = random.Random(1)
    rows = ["time,user,action,resource,status,client_ip"]
    size = len(rows[0])
    i = 0
    while size < n:
        row = (f"2026-01-02T10:{i % 60:02d}:{(i * 7) % 60:02d}Z,user{rng.randrange(999)},read,"
               f"/records/{rng.randrange(10**6)},200,10.0.{i % 256}.{rng.randrange(256)}")
        rows.append(row)
        size += len(row) + 1
        i += 1
    return "\n".join(rows)


def _upper(n: int) -> str:
    rng = random.Random(2)
    return "Audit note " + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(n))


def _caps(n: int) -> str:
    rng = random.Random(3)
    words, size = [], 0
    while size < n:
        word = rng.choice("ABCDEFGHIKLMNOPRSTW") + "".join(
            rng.choice("aeioulnrst") for _ in range(rng.randint(3, 8)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


def _digits(n: int) -> str:
    rng = random.Random(4)
    return "".join(f"{rng.randrange(10)}{rng.choice('-. /')}" for _ in range(n // 2))


def _at(n: int) -> str:
    return "a@" * (n // 2)


def _nested(n: int) -> str:
    record = {"name": "Item", "note": "plain text here", "n": 12, "tags": ["a", "b"]}
    inner = json.dumps([record] * 4)
    for _ in range(3):
        inner = json.dumps({"payload": inner, "kind": "wrapped"})
    return "[" + ",".join([inner] * max(1, n // (len(inner) + 1))) + "]"


SHAPES: dict[str, Callable[[int], str]] = {
    "dr_title_repeated": _dr, "csv_audit_log": _csv, "upper_case_letters": _upper,
    "capitalized_word_run": _caps, "digits_with_separators": _digits, "a_at_repeated": _at,
    "json_in_string_nesting": _nested,
}  # fmt: skip
PROSE = ("dr_title_repeated", "upper_case_letters", "capitalized_word_run", "csv_audit_log")


def _event(text: str) -> str:
    message = {"jsonrpc": "2.0", "id": 7,
               "result": {"content": [{"type": "text", "text": text}]}}
    return json.dumps({
        "schema_version": 1, "event_id": "6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f",
        "time": "2026-11-22T06:30:00.123456Z", "tenant": "acme-health",
        "gateway": {"id": "gw-eu-1", "region": "eu"}, "session_id": "sess-1",
        "identity": {"user": "u1", "agent": "a1", "client_id": "c1", "scopes": ["ehr.read"],
                     "auth": {"decision": "allow", "policy": "p", "reason": None}},
        "server": {"name": "ehr", "version": "1", "region": "eu", "transport": "stdio"},
        "data_subject": None, "purpose": "treatment", "direction": "response",
        "method": "tools/call", "tool": "read_log", "message": message,
        "latency_ms": None, "trace": None,
    })  # fmt: skip


def _sized(shape: Callable[[int], str], target: int) -> str:
    """An event of about `target` bytes (JSON escaping inflates some shapes)."""
    raw = _event(shape(target))
    if len(raw.encode()) > target:
        raw = _event(shape(int(target * target / len(raw.encode()))))
    return raw


def _cpu(classifier: Classifier, raw: str, ner: bool) -> float:
    governor = Governor(Tokenizer(Keyring.new()), classifier, None, ner=ner)
    start = time.process_time()
    [out] = governor.process([(raw, Source(line=0))])
    spent = time.process_time() - start
    assert out.dead_letter is None, out.dead_letter
    return spent


@pytest.fixture(scope="module")
def patterns() -> Classifier:
    return Classifier(DetectorConfig(ner=False, use_env=False, plugins=False))


@pytest.fixture(scope="module")
def with_ner() -> Classifier:
    return Classifier(DetectorConfig(use_env=False, plugins=False))


def _check(classifier: Classifier, shape: str, ner: bool) -> None:
    small, large = _sized(SHAPES[shape], SMALL), _sized(SHAPES[shape], LARGE)
    assert len(large.encode()) < 1_048_576
    _cpu(classifier, _event("Dr. Ana Li called about 133-81-6373."), ner)  # warm caches
    t_small = _cpu(classifier, small, ner)
    t_large = _cpu(classifier, large, ner)
    print(f"{shape} ner={ner}: {t_small:.2f}s / {t_large:.2f}s")
    assert t_large <= RATIO * max(t_small, FLOOR), (
        f"{shape}: {t_small:.2f}s at {len(small)} bytes, {t_large:.2f}s at {len(large)}")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_linear_without_ner(patterns: Classifier, shape: str) -> None:
    _check(patterns, shape, ner=False)


@pytest.mark.parametrize("shape", PROSE)
def test_linear_with_ner(with_ner: Classifier, shape: str) -> None:
    _check(with_ner, shape, ner=True)
