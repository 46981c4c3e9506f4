"""The fold of the subject key topic, without a broker: the winner rule and compaction.

A log is a list of (partition, offset, key, value) records as Kafka would hand them to
a reader. Compaction is modelled as Kafka's cleaner does it: in the cleaned part of a
partition (everything before the active segment) a record is dropped when a later
record of the same key exists there; tombstones may be dropped after
delete.retention.ms; the order of what is left never changes.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.erasure.errors import SubjectKeyError
from streams.erasure.kafka_keys import TICK_KEY, compaction_bound
from streams.erasure.keys import SubjectKey, SubjectKeyStore
from streams.erasure.keytable import (
    KeyTable,
    parse_record_key,
    record_key,
    subject_partition,
    unwrap,
    wrap,
)
from streams.erasure.stores import is_kafka, kafka_topic, open_subject_keys
from streams.errors import UsageError
from streams.kafka.topics import SUBJECT_KEYS_CONFIG
from streams.keyring import Keyring

SUBJECTS = [("acme", "sub_k1_aaaa"), ("acme", "sub_k1_bbbb"), ("globex", "sub_k1_aaaa")]
PARTITIONS = 3
Record = tuple[int, int, bytes | None, bytes | None]
NOISE = [TICK_KEY, b"not|a key", b"acme|sub_k1_aaaa|sk_1|more", b"acme||sk_1", b"|sub_k1_aaaa|x"]

# One op: ("new", subject) a candidate with a fresh key id; ("destroy", subject) a
# tombstone for every live candidate (what `destroy` does); ("drop", subject, n) a
# tombstone for one candidate; ("again", subject, n) the same candidate's value once
# more (never produced on purpose, but the fold must stay compaction-proof); ("noise",)
# a roll tick or a record that is not a candidate.
ops_strategy = st.lists(st.one_of(
    st.tuples(st.just("new"), st.integers(0, len(SUBJECTS) - 1)),
    st.tuples(st.just("destroy"), st.integers(0, len(SUBJECTS) - 1)),
    st.tuples(st.just("drop"), st.integers(0, len(SUBJECTS) - 1), st.integers(0, 5)),
    st.tuples(st.just("again"), st.integers(0, len(SUBJECTS) - 1), st.integers(0, 5)),
    st.tuples(st.just("noise"), st.sampled_from(NOISE)),
), max_size=40)


def build_log(ops: list[tuple[Any, ...]]) -> list[Record]:
    """The records `ops` produce, with offsets per partition as a broker assigns them."""
    offsets = [0] * PARTITIONS
    made: dict[int, list[bytes]] = {i: [] for i in range(len(SUBJECTS))}
    live: dict[bytes, bytes] = {}
    counter = itertools.count()
    log: list[Record] = []

    def put(partition: int, key: bytes | None, value: bytes | None) -> None:
        log.append((partition, offsets[partition], key, value))
        offsets[partition] += 1

    for op in ops:
        if op[0] == "noise":
            put(next(counter) % PARTITIONS, op[1], None if op[1] == TICK_KEY else b"x")
            continue
        tenant, subject = SUBJECTS[op[1]]
        partition = subject_partition(tenant, subject, PARTITIONS)
        if op[0] == "new":
            rkey = record_key(tenant, subject, f"sk_{next(counter):016x}")
            made[op[1]].append(rkey)
            live[rkey] = b"value-of-" + rkey
            put(partition, rkey, live[rkey])
        elif op[0] == "destroy":
            for rkey in [k for k in made[op[1]] if k in live]:
                del live[rkey]
                put(partition, rkey, None)
        elif made[op[1]]:
            rkey = made[op[1]][op[2] % len(made[op[1]])]
            if op[0] == "drop":
                live.pop(rkey, None)
                put(partition, rkey, None)
            elif rkey in live:
                put(partition, rkey, live[rkey])
    return log


def fold(log: list[Record]) -> KeyTable:
    table = KeyTable()
    for partition, offset, key, value in log:
        table.apply(partition, offset, key, value)
    return table


def winners(table: KeyTable) -> dict[tuple[str, str], str | None]:
    return {s: (w.key_id if (w := table.winner(*s)) else None) for s in SUBJECTS}


def compact(log: list[Record], active_from: list[int], drop_tombstones: bool) -> list[Record]:
    """Kafka's cleaner on every partition, the active segment starting at `active_from`."""
    last: dict[tuple[int, bytes | None], int] = {}
    for partition, offset, key, _ in log:
        if offset < active_from[partition]:
            last[(partition, key)] = offset
    out = []
    for partition, offset, key, value in log:
        if offset < active_from[partition]:
            if last[(partition, key)] != offset:
                continue  # a later record of this key is in the cleaned part
            if value is None and drop_tombstones:
                continue  # past delete.retention.ms
        out.append((partition, offset, key, value))
    return out


@settings(max_examples=400, deadline=None)
@given(ops=ops_strategy, cut=st.lists(st.integers(0, 40), min_size=PARTITIONS,
                                      max_size=PARTITIONS), drop=st.booleans())
def test_a_compacted_log_folds_to_the_same_keys(ops, cut, drop) -> None:
    log = build_log(ops)
    assert winners(fold(compact(log, cut, drop))) == winners(fold(log))


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(st.one_of(
    st.tuples(st.just("new"), st.integers(0, len(SUBJECTS) - 1)),
    st.tuples(st.just("destroy"), st.integers(0, len(SUBJECTS) - 1))), max_size=40))
def test_the_first_candidate_after_the_last_destroy_wins(ops) -> None:
    log = build_log(ops)
    expected: dict[tuple[str, str], str | None] = dict.fromkeys(SUBJECTS)
    for partition, _, key, value in log:
        tenant, subject, key_id = parse_record_key(key)
        if value is None:
            expected[(tenant, subject)] = None  # a destroy tombstones every candidate
        elif expected[(tenant, subject)] is None:
            expected[(tenant, subject)] = key_id  # the first after it wins; later ones lose
    assert winners(fold(log)) == expected


@settings(max_examples=300, deadline=None)
@given(ops=ops_strategy, racers=st.lists(st.integers(0, len(SUBJECTS) - 1), max_size=6))
def test_a_known_key_never_changes_until_it_is_destroyed(ops, racers) -> None:
    """What a governor sealed under stays readable: later candidates (racers) lose."""
    log = build_log(ops)
    before = winners(fold(log))
    after = winners(fold(build_log([*ops, *(("new", r) for r in racers)])))
    for subject, key_id in before.items():
        if key_id is not None:
            assert after[subject] == key_id


@settings(max_examples=200, deadline=None)
@given(ops=ops_strategy, then=ops_strategy)
def test_a_destroyed_key_never_comes_back(ops, then) -> None:
    log = build_log(ops)
    destroyed = {s: {c.key_id for c in fold(log).live(*s)} for s in SUBJECTS}
    later = [("destroy", i) for i in range(len(SUBJECTS))]
    ever_after = [
        winners(fold(build_log([*ops, *later, *then[:n]]))) for n in range(len(then) + 1)]
    for seen in ever_after:
        for subject, key_id in seen.items():
            assert key_id not in destroyed[subject]


def test_noise_is_skipped_and_counted() -> None:
    table = fold([(0, n, key, b"x") for n, key in enumerate([*NOISE, None, b"\xff|a|b"])])
    assert len(table) == 0 and table.skipped == len(NOISE) + 2


def test_a_candidate_counts_from_its_latest_record() -> None:
    """Compaction keeps only the latest record of a candidate, so that is its place."""
    a, b = (record_key("acme", "sub_k1_aaaa", k) for k in ("sk_a", "sk_b"))
    log: list[Record] = [(0, 0, a, b"A"), (0, 1, b, b"B"), (0, 2, a, b"A")]
    assert fold(log).winner("acme", "sub_k1_aaaa").key_id == "sk_b"
    assert winners(fold(compact(log, [3], False))) == winners(fold(log))


# -- wrapping ---------------------------------------------------------------------------


def test_wrapped_keys_round_trip_and_reveal_nothing() -> None:
    ring = Keyring.new()
    key = SubjectKey("sk_0123456789abcdef", bytes(range(32)))
    rkey = record_key("acme", "sub_k1_aaaa", key.key_id)
    value = wrap(ring, key, rkey)
    assert unwrap(ring, rkey, value) == key
    for shown in (key.key, base64.b64encode(key.key), key.key.hex().encode()):
        assert shown not in value
    assert wrap(ring, key, rkey) != value  # a fresh nonce per record


def test_a_wrapped_key_opens_only_with_its_keyring_and_record_key() -> None:
    ring, other = Keyring.new(), Keyring.new()
    key = SubjectKey("sk_0123456789abcdef", bytes(32))
    rkey = record_key("acme", "sub_k1_aaaa", key.key_id)
    value = wrap(ring, key, rkey)
    with pytest.raises(SubjectKeyError, match="cannot be unwrapped with this keyring"):
        unwrap(other, rkey, value)
    moved = record_key("acme", "sub_k1_bbbb", key.key_id)  # copied onto another subject
    with pytest.raises(SubjectKeyError, match="cannot be unwrapped"):
        unwrap(ring, moved, value)
    rotated = Keyring.new()
    rotated.keys = {"k9": rotated.keys["k1"]}
    rotated.active = "k9"
    with pytest.raises(SubjectKeyError, match="not in this keyring"):
        unwrap(rotated, rkey, value)


def test_the_wrapping_key_is_its_own() -> None:
    ring = Keyring.new()
    kid, wrapping = ring.wrapping_key()
    assert kid == ring.active and len(wrapping) == 32
    assert wrapping != ring.tenant_key("acme")[1] and wrapping not in ring.keys.values()
    assert Keyring.from_json(ring.to_json()).wrapping_key() == (kid, wrapping)


@pytest.mark.parametrize(("tenant", "subject", "key_id"), [
    ("", "sub", "sk_1"), ("a|b", "sub", "sk_1"), ("acme", "s|x", "sk_1"), ("acme", "s", "")])
def test_record_keys_are_unambiguous(tenant, subject, key_id) -> None:
    with pytest.raises(SubjectKeyError):
        record_key(tenant, subject, key_id)


def test_every_candidate_of_a_subject_shares_a_partition() -> None:
    spread = {subject_partition("acme", f"sub_k1_{i:04d}", 6) for i in range(200)}
    assert spread == set(range(6))
    assert subject_partition("acme", "sub_k1_0001", 6) == subject_partition(
        "acme", "sub_k1_0001", 6)


# -- the bound and the --subject-keys values --------------------------------------------


def test_the_bound_follows_the_topic_configs() -> None:
    text = compaction_bound(SUBJECT_KEYS_CONFIG, 3600)
    assert "max.compaction.lag.ms (12h)" in text and "up to 1h" in text
    assert "delete.retention.ms (1d)" in text
    assert compaction_bound({**SUBJECT_KEYS_CONFIG, "max.compaction.lag.ms":
                             str(2**63 - 1)}, 3600).startswith("unbounded")
    assert compaction_bound({"cleanup.policy": "delete"}, None).startswith("unbounded")
    assert "next append" in compaction_bound(SUBJECT_KEYS_CONFIG, None)


def test_subject_keys_values(tmp_path) -> None:
    assert is_kafka("kafka") and is_kafka("kafka:keys.topic") and not is_kafka("./kafka")
    assert kafka_topic("kafka") == "mcp.subject-keys"
    assert kafka_topic("kafka", "acme.") == "acme.mcp.subject-keys"
    assert kafka_topic("kafka:other.keys", "acme.") == "other.keys"
    with pytest.raises(UsageError, match="invalid topic name"):
        kafka_topic("kafka:bad/name")
    with pytest.raises(UsageError, match="needs --broker"):
        open_subject_keys("kafka", Keyring.new())
    assert isinstance(open_subject_keys(str(tmp_path), Keyring.new()), SubjectKeyStore)
