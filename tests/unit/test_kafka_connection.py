"""`KafkaConnection`: precedence, validation, client configs, and no secret ever shown."""

from __future__ import annotations

import logging
import ssl
import sys
from pathlib import Path
from typing import Any

import faust
import pytest
from click.testing import CliRunner

from streams.kafka.connection import (
    CONFIG_ENV,
    ConnectionSettingsError,
    KafkaConnection,
    parse_properties,
    read_properties,
)

SECRET = "pa55-Word-never-shown"


def _tls_support() -> Any:
    """tests/integration/tls_support.py (tests/ is not a package)."""
    import importlib.util

    path = Path(__file__).parents[1] / "integration" / "tls_support.py"
    spec = importlib.util.spec_from_file_location("tls_support_unit", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclass looks itself up
    spec.loader.exec_module(module)
    return module


def _sasl(**more: str) -> KafkaConnection:
    return KafkaConnection.load("127.0.0.1:9093", environ={}, security_protocol="SASL_PLAINTEXT",
                                sasl_mechanism="SCRAM-SHA-512", sasl_username="gw",
                                sasl_password=SECRET, **more)


def test_plain_bootstrap_keeps_the_old_parsing() -> None:
    conn = KafkaConnection.load("kafka://h1:9092;h2:9092", environ={})
    assert conn.bootstrap == "h1:9092,h2:9092"
    assert conn.confluent() == {"bootstrap.servers": "h1:9092,h2:9092",
                                "security.protocol": "PLAINTEXT"}
    assert conn.faust_kwargs() == {"broker": "kafka://h1:9092;h2:9092"}


def test_file_then_environment_then_explicit(tmp_path: Path) -> None:
    props = tmp_path / "client.properties"
    props.write_text("bootstrap.servers=file:1\nsecurity.protocol=SASL_SSL\n"
                     "sasl.mechanisms=PLAIN\nsasl.username=from-file\n"
                     f"sasl.password={SECRET}\nlinger.ms=5\n", encoding="utf-8")
    env = {CONFIG_ENV: str(props), "KAFKA_BOOTSTRAP_SERVERS": "env:2",
           "KAFKA_SASL_USERNAME": "from-env"}
    conn = KafkaConnection.load(environ=env)
    assert (conn.bootstrap, conn.sasl_username, conn.sasl_mechanism) == ("env:2", "from-env",
                                                                         "PLAIN")
    conn = KafkaConnection.load("flag:3", environ=env, sasl_username="from-flag")
    assert (conn.bootstrap, conn.sasl_username, conn.sasl_password) == ("flag:3", "from-flag",
                                                                        SECRET)
    assert "linger.ms" not in conn.confluent()


def test_of_reads_the_environment_for_a_bootstrap_string(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "sasl_plaintext")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "scram-sha-256")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "u")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", SECRET)
    conn = KafkaConnection.of("127.0.0.1:1")
    assert conn.confluent()["sasl.mechanism"] == "SCRAM-SHA-256"
    assert KafkaConnection.of(conn) is conn


def test_java_properties_file(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x", encoding="utf-8")
    props = tmp_path / "java.properties"
    props.write_text(
        "! comment\nbootstrap.servers = b:9093\nsecurity.protocol: SASL_SSL\n"
        "sasl.mechanism SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n"
        f'   username="soc" password="{SECRET}";\n'
        f"ssl.truststore.type=PEM\nssl.truststore.location={ca}\n", encoding="utf-8")
    assert read_properties(props) == {
        "bootstrap.servers": "b:9093", "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "soc", "sasl.password": SECRET,
        "ssl.ca.location": str(ca)}


def test_parse_properties_escapes() -> None:
    assert parse_properties("a\\=b=c\\nd\nempty=\nk=v\\\\\n") == {
        "a=b": "c\nd", "empty": "", "k": "v\\"}


@pytest.mark.parametrize(("settings", "prop"), [
    ({"security_protocol": "TLS"}, "security.protocol"),
    ({"security_protocol": "SASL_SSL", "sasl_mechanism": "GSSAPI", "sasl_username": "u",
      "sasl_password": SECRET}, "sasl.mechanism"),
    ({"security_protocol": "SASL_SSL", "sasl_mechanism": "PLAIN", "sasl_password": SECRET},
     "sasl.username"),
    ({"security_protocol": "SASL_SSL", "sasl_username": "u", "sasl_password": SECRET},
     "sasl.mechanism"),
    ({"security_protocol": "SSL", "ssl_ca_location": "/no/such/ca.pem"}, "ssl.ca.location"),
    ({"ssl_ca_location": __file__}, "ssl.ca.location"),
    ({"sasl_username": "u"}, "security.protocol"),
    ({"security_protocol": "SSL", "ssl_endpoint_identification_algorithm": "x"},
     "ssl.endpoint.identification.algorithm"),
])
def test_clear_errors_name_the_property(settings: dict[str, str], prop: str) -> None:
    with pytest.raises(ConnectionSettingsError) as err:
        KafkaConnection.load("h:1", environ={}, **settings)
    assert err.value.prop == prop and prop in str(err.value)
    assert SECRET not in str(err.value)


def test_errors_say_where_a_value_came_from(tmp_path: Path) -> None:
    with pytest.raises(ConnectionSettingsError, match="KAFKA_SECURITY_PROTOCOL"):
        KafkaConnection.load("h:1", environ={"KAFKA_SECURITY_PROTOCOL": "SASL"})
    with pytest.raises(ConnectionSettingsError, match="bootstrap.servers"):
        KafkaConnection.load(environ={})
    with pytest.raises(ConnectionSettingsError, match="cannot read"):
        KafkaConnection.load("h:1", environ={CONFIG_ENV: str(tmp_path / "missing")})
    jks = tmp_path / "jks.properties"
    jks.write_text("ssl.truststore.location=/x.jks\n", encoding="utf-8")
    with pytest.raises(ConnectionSettingsError, match="convert it to PEM"):
        KafkaConnection.load("h:1", environ={CONFIG_ENV: str(jks)})


def test_secrets_never_in_repr_str_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    conn = _sasl()
    shown = repr(conn) + str(conn) + f"{conn}" + repr(conn.faust_kwargs())
    logging.getLogger("test").info("connection %s %r", conn, conn)
    assert SECRET not in shown + caplog.text
    assert "sasl_password=***" in repr(conn) and "gw" in repr(conn)
    assert conn.confluent()["sasl.password"] == SECRET  # the client itself gets it


def test_faust_credentials_and_tls_context(tmp_path: Path) -> None:
    files = _tls_support().make_pki().write(tmp_path)
    sasl = _sasl()
    creds = sasl.faust_kwargs()["broker_credentials"]
    assert isinstance(creds, faust.SASLCredentials) and creds.ssl_context is None
    assert creds.mechanism.value == "SCRAM-SHA-512" and creds.password == SECRET
    tls = KafkaConnection.load("h:1", environ={}, security_protocol="SASL_SSL",
                               sasl_mechanism="PLAIN", sasl_username="u", sasl_password=SECRET,
                               ssl_ca_location=str(files["ca"]),
                               ssl_certificate_location=str(files["cert"]),
                               ssl_key_location=str(files["key"]))
    creds = tls.faust_kwargs()["broker_credentials"]
    assert isinstance(creds.ssl_context, ssl.SSLContext) and creds.ssl_context.check_hostname
    mtls = KafkaConnection.load("h:1", environ={}, security_protocol="SSL",
                                ssl_ca_location=str(files["ca"]),
                                ssl_certificate_location=str(files["cert"]),
                                ssl_key_location=str(files["key"]),
                                ssl_endpoint_identification_algorithm="none")
    out = mtls.faust_kwargs()["broker_credentials"]
    assert isinstance(out, faust.SSLCredentials) and not out.context.check_hostname
    assert mtls.confluent()["ssl.key.location"] == str(files["key"])
    with pytest.raises(ConnectionSettingsError, match="ssl.key.location"):
        KafkaConnection.load("h:1", environ={}, security_protocol="SSL",
                             ssl_certificate_location=str(files["cert"]))


def test_make_app_takes_a_connection() -> None:
    from streams.faust_app import make_app

    app = make_app(_sasl(), app_id="mcpgov-conn-test")
    assert str(app.conf.broker[0]) == "kafka://127.0.0.1:9093"
    assert isinstance(app.conf.broker_credentials, faust.SASLCredentials)
    assert str(make_app("127.0.0.1:9092", app_id="x").conf.broker[0]) == "kafka://127.0.0.1:9092"


def test_clients_take_a_connection_or_a_string() -> None:
    from streams.gateway.delivery import producer_config

    conf = producer_config(_sasl(), 10.0, 1000)
    assert conf["security.protocol"] == "SASL_PLAINTEXT" and conf["acks"] == "all"
    assert producer_config("kafka://h:1", 10.0, 1000)["bootstrap.servers"] == "h:1"


def test_kafka_config_option_is_on_every_broker_command(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from streams.cli import main

    props = tmp_path / "c.properties"
    props.write_text("security.protocol=SASL_SSL\n", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, "")  # the option sets it for the command's clients: undo
    seen: list[str | None] = []

    def fake_list(bootstrap: str, *_: object, **__: object) -> dict[str, int]:
        import os

        seen.append(os.environ.get(CONFIG_ENV))
        return {}

    monkeypatch.setattr("streams.kafka.command.list_topics", fake_list)
    result = CliRunner().invoke(main, ["topics", "list", "--broker", "h:1",
                                       "--kafka-config", str(props)])
    assert result.exit_code == 0, result.output
    assert seen == [str(props)]
    for args in (["worker", "governor"], ["publish"], ["proxy"], ["erase"], ["topics", "create"]):
        help_text = CliRunner().invoke(main, [*args, "--help"]).output
        assert "--kafka-config" in help_text, args
