"""Every mcpgov Kafka client through one `KafkaConnection`, against a real broker with a
SASL_SSL listener (SCRAM-SHA-512 over TLS) and a StandardAuthorizer enforcing ACLs.

The broker is this module's own (its users and ACLs would disturb the shared one),
started once with a CA and a server certificate for 127.0.0.1 made here. Principals:
`admin` (super user) creates topics; `gateway` may WRITE mcp.events.raw only; `soc` may
READ mcp.alerts only (and use consumer groups named `soc.*`). Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tls_support
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import (
    AclBinding,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ResourcePatternType,
    ResourceType,
)
from procs_support import stop

from streams.avro import encode
from streams.erasure.kafka_keys import KafkaSubjectKeyStore
from streams.faust_app import make_app
from streams.gateway.delivery import producer_config
from streams.generate.api import generate
from streams.kafka.connection import CONFIG_ENV, KafkaConnection
from streams.kafka.local import LocalKafka, SecureListener
from streams.kafka.topics import (
    MAX_MESSAGE_BYTES,
    TopicNames,
    contract_topics,
    create_topics,
    list_topics,
    topic_configs,
)
from streams.keyring import Keyring
from streams.lake import Signer
from streams.lander import run_lander

pytestmark = pytest.mark.kafka

NAMES = TopicNames()
PASSWORDS = {"admin": "admin-Secret-1", "gateway": "gateway-Secret-2", "soc": "soc-Secret-3"}
AUTH_ERRORS = {KafkaError.TOPIC_AUTHORIZATION_FAILED, KafkaError.GROUP_AUTHORIZATION_FAILED}


@dataclass(frozen=True)
class Secured:
    broker: LocalKafka
    files: dict[str, Path]

    @property
    def bootstrap(self) -> str:
        return self.broker.secure_bootstrap

    def connection(self, user: str, *, mtls: bool = False) -> KafkaConnection:
        return KafkaConnection.load(
            self.bootstrap, environ={}, security_protocol="SASL_SSL",
            sasl_mechanism="SCRAM-SHA-512", sasl_username=user, sasl_password=PASSWORDS[user],
            ssl_ca_location=str(self.files["ca"]),
            ssl_certificate_location=str(self.files["cert"]) if mtls else None,
            ssl_key_location=str(self.files["key"]) if mtls else None)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    pki = tls_support.make_pki()
    listener = SecureListener(certificate_chain=pki.server_cert_pem,
                              private_key=pki.server_key_pem, ca_certificates=pki.ca_pem,
                              users=PASSWORDS, super_users=("admin",), client_auth="requested")
    broker = LocalKafka(heap="512m", secure=listener, start_timeout=60.0)
    broker.start()
    try:
        env = Secured(broker, pki.write(tmp_path_factory.mktemp("tls")))
        admin = env.connection("admin")
        create_topics(admin, contract_topics(["eu"], partitions=1), timeout=20)
        acls = [
            _acl(ResourceType.TOPIC, NAMES.raw, "gateway", AclOperation.WRITE),
            _acl(ResourceType.TOPIC, NAMES.alerts, "soc", AclOperation.READ),
            _acl(ResourceType.GROUP, "soc.", "soc", AclOperation.READ,
                 ResourcePatternType.PREFIXED),
        ]
        client = AdminClient(admin.confluent())  # keep it: its futures die with it
        for future in client.create_acls(acls, request_timeout=15).values():
            future.result(timeout=15)
        time.sleep(0.5)  # ACLs apply once the metadata record is replayed: a moment
        yield env
    finally:
        broker.stop()


def _acl(kind: ResourceType, name: str, user: str, op: AclOperation,
         pattern: ResourcePatternType = ResourcePatternType.LITERAL) -> AclBinding:
    return AclBinding(kind, name, pattern, f"User:{user}", "*", op, AclPermissionType.ALLOW)


def _produce(conf: dict[str, Any], topic: str, value: bytes = b"x",
             timeout: float = 15.0) -> KafkaError | None:
    """Produce one record; the delivery error, or None when acknowledged."""
    outcome: list[KafkaError | None] = []
    producer = Producer({**conf, "message.timeout.ms": int(timeout * 1000)})
    producer.produce(topic, key=b"k", value=value,
                     on_delivery=lambda err, _msg: outcome.append(err))
    assert producer.flush(timeout + 5) == 0, f"no delivery report from {topic}"
    return outcome[0]


def _consume_errors(conf: dict[str, Any], topic: str, timeout: float = 15.0) -> set[int]:
    """Error codes a consumer of topic meets before timeout (or its first record)."""
    consumer = Consumer({**conf, "auto.offset.reset": "earliest"})
    codes: set[int] = set()
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not codes:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            err = msg.error()
            if err is None:
                raise AssertionError(f"read a record of {topic} without the right")
            codes.add(err.code())
    finally:
        consumer.close()
    return codes


def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        time.sleep(0.2)


def test_admin_topics_through_the_connection(secured: Secured) -> None:
    admin = secured.connection("admin")
    found = list_topics(admin, timeout=10)
    assert {NAMES.raw, NAMES.alerts, NAMES.subject_keys} <= set(found)
    assert topic_configs(admin, NAMES.subject_keys, ["cleanup.policy"],
                         timeout=10) == {"cleanup.policy": "compact"}


def test_a_java_properties_file_via_the_environment(secured: Secured, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The file a Java client already has (JAAS line, PEM truststore) serves a plain
    `--broker` string: what every command does."""
    props = tmp_path / "client.properties"
    props.write_text(
        "# a Java client's file\n"
        f"bootstrap.servers={secured.bootstrap}\n"
        "security.protocol=SASL_SSL\n"
        "sasl.mechanism=SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n"
        f'    username="admin" password="{PASSWORDS["admin"]}";\n'
        "ssl.truststore.type=PEM\n"
        f"ssl.truststore.location={secured.files['ca']}\n"
        "acks=all\n", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(props))
    assert NAMES.raw in list_topics(secured.bootstrap, timeout=10)


def test_a_client_without_credentials_is_refused(secured: Secured,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for conf in ({"bootstrap.servers": secured.bootstrap},
                 {"bootstrap.servers": secured.bootstrap, "security.protocol": "SSL",
                  "ssl.ca.location": str(secured.files["ca"])}):
        with pytest.raises(KafkaException):
            AdminClient({**conf, "socket.timeout.ms": 3000}).list_topics(timeout=4)
    wrong = KafkaConnection.load(secured.bootstrap, environ={}, security_protocol="SASL_SSL",
                                 sasl_mechanism="SCRAM-SHA-512", sasl_username="gateway",
                                 sasl_password="not-the-Password",
                                 ssl_ca_location=str(secured.files["ca"]))
    with pytest.raises(KafkaException) as refused:
        AdminClient(wrong.confluent()).list_topics(timeout=4)
    assert "not-the-Password" not in str(refused.value) + caplog.text + repr(wrong)


def test_gateway_writes_raw_but_cannot_read_it(secured: Secured) -> None:
    gateway = secured.connection("gateway")
    conf = producer_config(gateway, delivery_timeout=15.0, max_message_bytes=MAX_MESSAGE_BYTES)
    assert conf["security.protocol"] == "SASL_SSL" and conf["enable.idempotence"] is True
    assert _produce(conf, NAMES.raw) is None
    refused = _produce(conf, NAMES.alerts, timeout=8)
    assert refused is not None and refused.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED
    codes = _consume_errors(gateway.confluent({"group.id": "gateway.reader"}), NAMES.raw)
    assert codes & AUTH_ERRORS, codes


def test_soc_reads_alerts_with_the_lander_but_cannot_write_them(secured: Secured,
                                                                 tmp_path: Path) -> None:
    assert _produce(secured.connection("admin").confluent(), NAMES.alerts,
                    value=b"not avro") is None
    soc = secured.connection("soc")
    stats = run_lander(soc, tmp_path / "lake", signer=Signer.from_keyring(Keyring.new()),
                       alerts_topic=NAMES.alerts, group_id="soc.lander", vault_topic=None,
                       max_events=1, max_seconds=25, flush_seconds=0.5)
    assert stats.records >= 1 and stats.dead_letters >= 1  # read (and dead-lettered: no Avro)
    refused = _produce(soc.confluent(), NAMES.alerts, timeout=8)
    assert refused is not None and refused.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED
    codes = _consume_errors(soc.confluent({"group.id": "soc.raw"}), NAMES.raw, timeout=10)
    assert codes & AUTH_ERRORS, codes


def test_subject_key_store_over_mutual_tls(secured: Secured) -> None:
    conn = secured.connection("admin", mtls=True)
    assert conn.ssl_certificate_location
    with KafkaSubjectKeyStore(conn, Keyring.new(), topic=NAMES.subject_keys,
                              timeout=15, tick_seconds=None) as store:
        made = store.get_or_create("acme", "tok_subject")
        assert store.get("acme", "tok_subject") == made
        assert PASSWORDS["admin"] not in repr(store)


def test_a_faust_app_produces_one_record(secured: Secured) -> None:
    admin = secured.connection("admin")
    app = make_app(admin, app_id="mcpgov-sasl-test")
    assert app.conf.broker_credentials is not None

    async def send() -> None:
        producer = app.producer
        await asyncio.wait_for(producer.start(), 20)
        try:
            await asyncio.wait_for(producer.send_and_wait(
                NAMES.governed_for("eu"), b"session", b"from-faust", partition=None,
                timestamp=None, headers=None), 20)
        finally:
            await producer.stop()

    asyncio.run(send())
    consumer = Consumer(admin.confluent({"group.id": "admin.check",
                                         "auto.offset.reset": "earliest"}))
    seen: list[bytes] = []
    try:
        consumer.subscribe([NAMES.governed_for("eu")])

        def got() -> bool:
            msg = consumer.poll(0.5)
            if msg is not None and msg.error() is None:
                seen.append(msg.value() or b"")
            return b"from-faust" in seen

        _until(got, 20, "the faust record read back")
    finally:
        consumer.close()


def test_governor_worker_with_kafka_config(secured: Secured, tmp_path: Path) -> None:
    """`mcpgov worker governor --kafka-config FILE` as an operator runs it: the gateway
    principal publishes raw events, the worker (faust consumer and producer over
    SASL_SSL) governs them."""
    props = tmp_path / "governor.properties"
    props.touch(mode=0o600)
    props.write_text("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                     f"sasl.username=admin\nsasl.password={PASSWORDS['admin']}\n"
                     f"ssl.ca.location={secured.files['ca']}\n", encoding="utf-8")
    Keyring.new().save(tmp_path / "keyring.json")
    events, _ = generate(2, seed=3)
    sessions = {ev["session_id"].encode() for ev in events}
    gateway = Producer(producer_config(secured.connection("gateway"), 15.0, MAX_MESSAGE_BYTES))
    for ev in events:
        gateway.produce(NAMES.raw, key=ev["session_id"].encode(), value=encode("raw_event", ev))
    assert gateway.flush(20) == 0
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "MCPGOV_KAFKA"))}
    cmd = [sys.executable, "-m", "streams.cli", "worker", "governor", "--broker",
           secured.bootstrap, "--kafka-config", str(props), "--app-id", "mcpgov-sasl-governor",
           "--no-ner", "--batch", "64", "--session-timeout", "6",
           "--keyring", str(tmp_path / "keyring.json"), "--data-dir", str(tmp_path / "faust"),
           "--loglevel", "warning"]
    proc = subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            env={**env, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""},
                            start_new_session=True)
    consumer = Consumer(secured.connection("admin").confluent(
        {"group.id": "admin.governed", "auto.offset.reset": "earliest",
         "topic.metadata.refresh.interval.ms": 1000}))
    seen = 0
    try:
        consumer.subscribe(["^mcp[.]events[.]governed[.].*"])

        def governed() -> bool:
            nonlocal seen
            msg = consumer.poll(0.5)
            if msg is not None and msg.error() is None and msg.key() in sessions:
                seen += 1
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            return seen >= len(events)

        _until(governed, 45, f"{len(events)} governed events (worker log {log})")
    finally:
        consumer.close()
        stop(proc, timeout=15)
    assert PASSWORDS["admin"] not in log.read_text(errors="replace")
