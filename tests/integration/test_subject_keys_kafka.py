"""The subject key store on a real broker: races converge, destroy reaches everyone, the
topic alone reveals no key, and a destroyed key physically leaves the compacted log.

Every value here is generated; every wait is bounded (the store's own timeouts, and
`until`), so a broken store fails in seconds instead of hanging.
"""

from __future__ import annotations

import base64
import threading
from collections import Counter

import pytest
from subject_keys_support import fast_log_cleaner, key_topic, raw_records, until

from streams.erasure.errors import SubjectKeyError, SubjectKeyStoreError
from streams.erasure.kafka_keys import TICK_KEY, KafkaSubjectKeyStore
from streams.erasure.keys import SubjectKey
from streams.keyring import Keyring

pytestmark = pytest.mark.kafka

SLOW = {"fetch.wait.max.ms": 1500, "fetch.min.bytes": 100_000_000}  # a lagging reader
SUBJECTS = [("acme-health" if i % 3 else "globex", f"sub_k1_{i:026d}") for i in range(30)]


def store(bootstrap: str, ring: Keyring, topic: str, **options) -> KafkaSubjectKeyStore:
    return KafkaSubjectKeyStore(bootstrap, ring, topic=topic, timeout=10.0, **options).start()


def race(stores: list[KafkaSubjectKeyStore]) -> list[list[SubjectKey]]:
    """Every store asks for every subject's key at the same moment (a barrier each)."""
    barriers = {s: threading.Barrier(len(stores), timeout=10) for s in SUBJECTS}
    got: list[list[SubjectKey]] = [[] for _ in stores]
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            for tenant, subject in SUBJECTS:
                barriers[(tenant, subject)].wait()
                got[n].append(stores[n].get_or_create(tenant, subject))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors and not any(t.is_alive() for t in threads), errors
    return got


def test_racing_stores_agree_and_a_fresh_store_rebuilds_the_same_keys(
        kafka_bootstrap, kafka_names) -> None:
    ring = Keyring.new()
    topic = key_topic(kafka_bootstrap, kafka_names.topic("subject-keys"), partitions=3)
    with store(kafka_bootstrap, ring, topic) as a, store(kafka_bootstrap, ring, topic) as b:
        got_a, got_b = race([a, b])
    assert got_a == got_b  # one key per subject, whoever asked
    assert len({k.key_id for k in got_a}) == len(SUBJECTS)
    candidates = Counter(key.split(b"|")[1] for _, _, key, _ in
                         raw_records(kafka_bootstrap, topic) if key != TICK_KEY)
    assert sum(candidates.values()) > len(SUBJECTS), "no race happened: the test proves nothing"
    with store(kafka_bootstrap, ring, topic) as fresh:
        assert [fresh.get(t, s) for t, s in SUBJECTS] == got_a
        assert fresh.get("acme-health", "sub_k1_never") is None
        for (t, s), key in zip(SUBJECTS, got_a, strict=True):  # losers die with the winner
            assert fresh.destroy(t, s) == SubjectKey(key.key_id)
    with store(kafka_bootstrap, ring, topic) as after:
        assert [after.get(t, s) for t, s in SUBJECTS] == [None] * len(SUBJECTS)


def test_a_lagging_store_catches_up_before_saying_no_key(kafka_bootstrap,
                                                         kafka_names) -> None:
    """b's reader sees new records only every 1.5 s: asked for a key a just made, b must
    read up to the end of the topic first, not make a second candidate."""
    ring = Keyring.new()
    topic = key_topic(kafka_bootstrap, kafka_names.topic("subject-keys"))
    with store(kafka_bootstrap, ring, topic) as a, \
            store(kafka_bootstrap, ring, topic, client_config=SLOW) as b:
        made = [a.get_or_create(t, s) for t, s in SUBJECTS[:10]]
        assert [b.get_or_create(t, s) for t, s in SUBJECTS[:10]] == made
    assert len(raw_records(kafka_bootstrap, topic)) == 10  # b made no candidate


def test_destroy_tombstones_and_every_store_forgets(kafka_bootstrap, kafka_names) -> None:
    ring = Keyring.new()
    topic = key_topic(kafka_bootstrap, kafka_names.topic("subject-keys"))
    tenant, subject = SUBJECTS[0]
    with store(kafka_bootstrap, ring, topic) as a, \
            store(kafka_bootstrap, ring, topic, client_config=SLOW) as b:
        key = a.get_or_create(tenant, subject)
        other = a.get_or_create(*SUBJECTS[1])
        assert b.get(tenant, subject) == key  # b read a's record back
        gone = b.destroy(tenant, subject)
        assert gone == SubjectKey(key.key_id) and gone.key == b""
        # b's reader is slow: only destroy's own read-back makes this true at once
        assert b.get(tenant, subject) is None and not b.exists(tenant, subject)
        until(lambda: a.get(tenant, subject) is None, 5, "store a reads the tombstone")
        assert b.destroy(tenant, subject) is None  # nothing left: a no-op
        with store(kafka_bootstrap, ring, topic) as fresh:
            assert fresh.get(tenant, subject) is None
            assert fresh.get(*SUBJECTS[1]) == other  # the others untouched
        again = a.get_or_create(tenant, subject)  # new events after erasure: a fresh key
        assert again.key_id != key.key_id and again.key != key.key
        b.sync()
        assert b.get(tenant, subject) == again
    last = {key: value for _, _, key, value in raw_records(kafka_bootstrap, topic)}
    assert last[f"{tenant}|{subject}|{key.key_id}".encode()] is None  # the tombstone


def test_the_topic_never_holds_a_key_in_clear(kafka_bootstrap, kafka_names) -> None:
    ring = Keyring.new()
    topic = key_topic(kafka_bootstrap, kafka_names.topic("subject-keys"), partitions=2)
    with store(kafka_bootstrap, ring, topic) as s:
        keys = [s.get_or_create(t, sub) for t, sub in SUBJECTS[:10]]
        shown = repr(s) + repr(keys)
    blob = b"\n".join((k or b"") + b"=" + (v or b"") for _, _, k, v in
                      raw_records(kafka_bootstrap, topic))
    secrets = [ring.keys[ring.active], ring.wrapping_key()[1]] + [k.key for k in keys]
    for secret in secrets:
        for form in (secret, base64.b64encode(secret), secret.hex().encode(),
                     base64.urlsafe_b64encode(secret)):
            assert form not in blob
            assert form.decode("latin-1") not in shown
    assert b'"key"' not in blob and b"sealed" in blob  # the document is there, wrapped


def test_a_wrong_keyring_fails_loudly_instead_of_forking_keys(kafka_bootstrap,
                                                              kafka_names) -> None:
    topic = key_topic(kafka_bootstrap, kafka_names.topic("subject-keys"))
    with store(kafka_bootstrap, Keyring.new(), topic) as s:
        s.get_or_create(*SUBJECTS[0])
    with store(kafka_bootstrap, Keyring.new(), topic) as wrong:
        with pytest.raises(SubjectKeyError, match="cannot be unwrapped with this keyring"):
            wrong.get_or_create(*SUBJECTS[0])  # never a second key for the same subject
    assert len(raw_records(kafka_bootstrap, topic)) == 1


def test_a_missing_topic_is_one_clear_error(kafka_bootstrap, kafka_names) -> None:
    missing = kafka_names.topic("no-such-keys")
    with pytest.raises(SubjectKeyStoreError, match="mcpgov topics create"):
        store(kafka_bootstrap, Keyring.new(), missing)


def test_a_destroyed_key_leaves_the_log_only_with_the_roll_tick(kafka_bootstrap,
                                                                kafka_names) -> None:
    """The compaction bound, shrunk to seconds: with the tick the destroyed key's record
    is compacted away; without appends the segment holding it never rolls, so it stays."""
    fast = {"segment.ms": "1000", "max.compaction.lag.ms": "1000",
            "delete.retention.ms": "1000"}
    ring = Keyring.new()
    ticked = key_topic(kafka_bootstrap, kafka_names.topic("ticked"), **fast)
    quiet = key_topic(kafka_bootstrap, kafka_names.topic("quiet"), **fast)
    tenant, subject = SUBJECTS[0]

    def holds_key(topic: str, key_id: str) -> bool:
        rkey = f"{tenant}|{subject}|{key_id}".encode()
        return any(k == rkey and v is not None for _, _, k, v in
                   raw_records(kafka_bootstrap, topic))

    with fast_log_cleaner(kafka_bootstrap), \
            store(kafka_bootstrap, ring, ticked, tick_seconds=0.5) as t, \
            store(kafka_bootstrap, ring, quiet, tick_seconds=None) as q:
        gone_t, gone_q = t.get_or_create(tenant, subject), q.get_or_create(tenant, subject)
        t.destroy(tenant, subject)
        q.destroy(tenant, subject)
        assert holds_key(ticked, gone_t.key_id) and holds_key(quiet, gone_q.key_id)
        until(lambda: not holds_key(ticked, gone_t.key_id), 15, "compaction of the ticked log",
              every=0.5)
        facts = t.receipt_facts()
    assert holds_key(quiet, gone_q.key_id)  # no append, no roll, no compaction
    assert facts is not None and facts["topic"] == ticked
    assert facts["configs"]["max.compaction.lag.ms"] == "1000"
    assert facts["tombstones"] and "within max.compaction.lag.ms (1s)" in facts["bound"]
