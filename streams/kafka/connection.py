"""One Kafka connection: the bootstrap servers and the security settings every client uses.

Every mcpgov client (the gateway's producer, the lander's consumer, the subject key
store, the admin commands and the faust workers) is built from one `KafkaConnection`,
so a secured cluster (TLS, SASL PLAIN or SCRAM, mutual TLS) is configured once.

Settings come from, in increasing precedence:

1. a properties file, Java style (`key=value`), the file a Kafka user already has:
   `--kafka-config FILE` or `MCPGOV_KAFKA_CONFIG`;
2. the environment: `KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_SECURITY_PROTOCOL`,
   `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`,
   `KAFKA_SSL_CA_LOCATION`, `KAFKA_SSL_CERTIFICATE_LOCATION`, `KAFKA_SSL_KEY_LOCATION`,
   `KAFKA_SSL_KEY_PASSWORD`, `KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM`;
3. explicit values (`--broker`, keyword arguments).

Secrets (`sasl.password`, `ssl.key.password`) never appear in `repr`, logs or errors.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from streams.errors import UsageError
from streams.kafka.errors import InvalidTopicSpec, KafkaSetupError

if TYPE_CHECKING:
    import ssl

log = logging.getLogger(__name__)

CONFIG_ENV = "MCPGOV_KAFKA_CONFIG"
PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
IDENTIFICATION = ("https", "none")
SECRETS = frozenset({"sasl.password", "ssl.key.password"})
FILES = ("ssl.ca.location", "ssl.certificate.location", "ssl.key.location")
# property name -> dataclass field; bootstrap.servers first
PROPERTIES: dict[str, str] = {
    "bootstrap.servers": "bootstrap",
    "security.protocol": "security_protocol",
    "sasl.mechanism": "sasl_mechanism",
    "sasl.username": "sasl_username",
    "sasl.password": "sasl_password",
    "ssl.ca.location": "ssl_ca_location",
    "ssl.certificate.location": "ssl_certificate_location",
    "ssl.key.location": "ssl_key_location",
    "ssl.key.password": "ssl_key_password",
    "ssl.endpoint.identification.algorithm": "ssl_endpoint_identification_algorithm",
}
ALIASES = {"sasl.mechanisms": "sasl.mechanism"}  # librdkafka's older spelling


def env_name(prop: str) -> str:
    """`sasl.username` -> `KAFKA_SASL_USERNAME`."""
    return "KAFKA_" + prop.upper().replace(".", "_")


class ConnectionSettingsError(KafkaSetupError, UsageError):
    """A connection setting is unusable; `prop` names it (its value is never shown)."""

    def __init__(self, prop: str, reason: str, source: str = "") -> None:
        self.prop = prop
        self.reason = reason
        self.source = source
        where = f" (from {source})" if source else ""
        super().__init__(f"kafka connection: {prop}{where}: {reason}")


@dataclass(frozen=True, repr=False)
class KafkaConnection:
    """Bootstrap servers plus the standard client security properties (librdkafka names)."""

    bootstrap: str
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, compare=False)
    ssl_ca_location: str | None = None
    ssl_certificate_location: str | None = None
    ssl_key_location: str | None = None
    ssl_key_password: str | None = field(default=None, compare=False)
    ssl_endpoint_identification_algorithm: str | None = None

    def __post_init__(self) -> None:
        from streams.kafka.topics import bootstrap_servers

        try:
            object.__setattr__(self, "bootstrap", bootstrap_servers(self.bootstrap or ""))
        except InvalidTopicSpec as exc:
            raise ConnectionSettingsError("bootstrap.servers", str(exc)) from None
        protocol = (self.security_protocol or "PLAINTEXT").strip().upper()
        if protocol not in PROTOCOLS:
            raise ConnectionSettingsError(
                "security.protocol", f"unknown protocol {protocol!r}: use one of "
                + ", ".join(PROTOCOLS))
        object.__setattr__(self, "security_protocol", protocol)
        if self.sasl:
            mech = (self.sasl_mechanism or "").strip().upper()
            if not mech:
                raise ConnectionSettingsError("sasl.mechanism", f"required with {protocol}: "
                                              "use one of " + ", ".join(MECHANISMS))
            if mech not in MECHANISMS:
                raise ConnectionSettingsError("sasl.mechanism", f"unknown mechanism {mech!r}: "
                                              "use one of " + ", ".join(MECHANISMS))
            object.__setattr__(self, "sasl_mechanism", mech)
            if not self.sasl_username:
                raise ConnectionSettingsError("sasl.username", f"required with {protocol}")
            if not self.sasl_password:
                raise ConnectionSettingsError("sasl.password", f"required with {protocol}")
        elif self.sasl_username or self.sasl_password or self.sasl_mechanism:
            raise ConnectionSettingsError(
                "security.protocol", f"SASL settings given but the protocol is {protocol}: "
                "use SASL_SSL (or SASL_PLAINTEXT)")
        for prop in FILES:
            path = getattr(self, PROPERTIES[prop])
            if path is None:
                continue
            if not self.tls:
                raise ConnectionSettingsError(prop, f"given but the protocol is {protocol}: "
                                              "use SSL or SASL_SSL")
            if not Path(path).is_file():
                raise ConnectionSettingsError(prop, f"no such file: {path}")
        if bool(self.ssl_certificate_location) != bool(self.ssl_key_location):
            raise ConnectionSettingsError(
                "ssl.key.location" if self.ssl_certificate_location else
                "ssl.certificate.location",
                "a client certificate needs both ssl.certificate.location and ssl.key.location")
        ident = self.ssl_endpoint_identification_algorithm
        if ident is not None:
            ident = ident.strip().lower() or "none"
            if ident not in IDENTIFICATION:
                raise ConnectionSettingsError("ssl.endpoint.identification.algorithm",
                                              f"unknown value {ident!r}: use https or none")
            object.__setattr__(self, "ssl_endpoint_identification_algorithm", ident)

    # -- what it is --------------------------------------------------------------------

    @property
    def sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def tls(self) -> bool:
        return self.security_protocol.endswith("SSL")

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            prop = _PROP_OF[f.name]
            shown.append(f"{f.name}={'***' if prop in SECRETS else repr(value)}")
        return f"KafkaConnection({', '.join(shown)})"

    __str__ = __repr__

    def properties(self) -> dict[str, str]:
        """The set properties by their librdkafka names (secrets included: do not log)."""
        out = {}
        for prop, name in PROPERTIES.items():
            value = getattr(self, name)
            if value is not None:
                out[prop] = value
        return out

    # -- building ----------------------------------------------------------------------

    @classmethod
    def load(cls, bootstrap: str | None = None, *, config_file: str | os.PathLike[str] | None
             = None, environ: Mapping[str, str] | None = None,
             **explicit: str | None) -> KafkaConnection:
        """Properties file, then environment, then explicit values (None = not given).

        `config_file` defaults to $MCPGOV_KAFKA_CONFIG; explicit values use the field
        names (`security_protocol="SASL_SSL"`, `sasl_username=...`).
        """
        env = os.environ if environ is None else environ
        unknown = set(explicit) - set(_PROP_OF)
        if unknown:
            raise TypeError(f"unknown KafkaConnection settings: {', '.join(sorted(unknown))}")
        values: dict[str, str] = {}
        sources: dict[str, str] = {}
        path = config_file if config_file is not None else env.get(CONFIG_ENV) or None
        if path:
            for prop, value in read_properties(path).items():
                values[prop], sources[prop] = value, str(path)
        for prop in PROPERTIES:
            found = env.get(env_name(prop))
            if found:
                values[prop], sources[prop] = found, env_name(prop)
        if bootstrap:
            values["bootstrap.servers"], sources["bootstrap.servers"] = bootstrap, "--broker"
        for name, given in explicit.items():
            if given is not None:
                values[_PROP_OF[name]], sources[_PROP_OF[name]] = given, "arguments"
        if not values.get("bootstrap.servers"):
            raise ConnectionSettingsError("bootstrap.servers", "not given: pass --broker, set "
                                          "KAFKA_BOOTSTRAP_SERVERS or put it in the "
                                          "--kafka-config file")
        try:
            return cls(**{PROPERTIES[p]: v for p, v in values.items()})
        except ConnectionSettingsError as exc:
            if exc.source or exc.prop not in sources:
                raise
            raise ConnectionSettingsError(exc.prop, exc.reason, sources[exc.prop]) from None

    @classmethod
    def of(cls, broker: str | KafkaConnection) -> KafkaConnection:
        """A connection as given, or one built from a bootstrap string plus the
        environment and $MCPGOV_KAFKA_CONFIG (what every command does with --broker)."""
        if isinstance(broker, KafkaConnection):
            return broker
        return cls.load(broker)

    # -- clients -----------------------------------------------------------------------

    def confluent(self, *overrides: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        """librdkafka configuration for confluent-kafka clients; `overrides` and `extra`
        (e.g. `**{"group.id": "g"}`) are added last and win."""
        conf: dict[str, Any] = {"bootstrap.servers": self.bootstrap,
                                "security.protocol": self.security_protocol}
        conf.update((p, v) for p, v in self.properties().items() if p != "security.protocol")
        for more in overrides:
            conf.update(more)
        conf.update(extra)
        return conf

    def faust_url(self) -> str:
        """`kafka://h1:9092;h2:9092`, what faust's `broker` takes."""
        return "kafka://" + ";".join(self.bootstrap.split(","))

    def ssl_context(self) -> ssl.SSLContext:
        """A client TLS context from the CA, certificate and key (system CAs if no CA)."""
        import ssl

        try:
            ctx = ssl.create_default_context(cafile=self.ssl_ca_location)
        except (OSError, ssl.SSLError) as exc:
            raise ConnectionSettingsError("ssl.ca.location", "not a readable PEM CA file "
                                          f"({type(exc).__name__})") from None
        if self.ssl_certificate_location and self.ssl_key_location:
            try:
                ctx.load_cert_chain(self.ssl_certificate_location, self.ssl_key_location,
                                    password=self.ssl_key_password)
            except (OSError, ssl.SSLError) as exc:
                raise ConnectionSettingsError(
                    "ssl.key.location", "the certificate and key do not load (wrong "
                    f"ssl.key.password, or not PEM) ({type(exc).__name__})") from None
        if self.ssl_endpoint_identification_algorithm == "none":
            ctx.check_hostname = False
        return ctx

    def faust_kwargs(self) -> dict[str, Any]:
        """`broker` and, when secured, `broker_credentials`, for `faust.App(...)`."""
        import faust

        out: dict[str, Any] = {"broker": self.faust_url()}
        ctx = self.ssl_context() if self.tls else None
        if self.sasl:
            out["broker_credentials"] = faust.SASLCredentials(
                username=self.sasl_username, password=self.sasl_password, ssl_context=ctx,
                mechanism=self.sasl_mechanism)
        elif ctx is not None:
            out["broker_credentials"] = faust.SSLCredentials(ctx)
        return out


_PROP_OF = {name: prop for prop, name in PROPERTIES.items()}
_JAAS = re.compile(r'\b(username|password)\s*=\s*"((?:[^"\\]|\\.)*)"')


def read_properties(path: str | os.PathLike[str]) -> dict[str, str]:
    """The connection properties of a Java-style properties file, by librdkafka name.

    Understands what a Java client's file holds: `sasl.jaas.config` (its username and
    password), `ssl.truststore.location` with `ssl.truststore.type=PEM` (the CA). Other
    client properties (acks, client.id, ...) are ignored; keystores that are not PEM are
    refused with a hint.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConnectionSettingsError(CONFIG_ENV.lower().replace("_", "-"),
                                      f"cannot read {path}: {exc.strerror or exc}") from None
    raw = parse_properties(text)
    out: dict[str, str] = {}
    for key, value in raw.items():
        key = ALIASES.get(key, key)
        if key in PROPERTIES:
            out[key] = value.strip()
    jaas = raw.get("sasl.jaas.config")
    if jaas:
        for name, value in _JAAS.findall(jaas):
            out.setdefault(f"sasl.{name}", re.sub(r"\\(.)", r"\1", value))
    store_type = raw.get("ssl.truststore.type", "JKS").strip().upper()
    if raw.get("ssl.truststore.location") and "ssl.ca.location" not in out:
        if store_type != "PEM":
            raise ConnectionSettingsError(
                "ssl.truststore.location", f"a {store_type} truststore cannot be read here: "
                "convert it to PEM and set ssl.ca.location (or ssl.truststore.type=PEM)",
                str(path))
        out["ssl.ca.location"] = raw["ssl.truststore.location"].strip()
    if raw.get("ssl.keystore.location") and "ssl.certificate.location" not in out:
        raise ConnectionSettingsError(
            "ssl.keystore.location", "keystores cannot be read here: set "
            "ssl.certificate.location and ssl.key.location (PEM) instead", str(path))
    return out


def parse_properties(text: str) -> dict[str, str]:
    """java.util.Properties' format: `key=value`, `key: value` or `key value`, `#`/`!`
    comments, backslash continuation lines and escapes."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        line = line.lstrip()
        if not line or line[0] in "#!":
            continue
        while _continues(line):
            line = line[:-1] + next(lines, "").lstrip()
        match = re.match(r"((?:[^\\=:\s]|\\.)*)\s*[=:\s]?\s*(.*)$", line)
        assert match is not None  # the pattern matches any line
        out[_unescape(match.group(1))] = _unescape(match.group(2))
    return out


def _continues(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        c = m.group(1)
        if c.startswith("u"):
            return chr(int(c[1:], 16))
        return _ESCAPES.get(c, c)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", one, text)


_F = TypeVar("_F", bound=Callable[..., Any])


def kafka_config_option(func: _F) -> _F:
    """`--kafka-config FILE` [env MCPGOV_KAFKA_CONFIG]: the properties file every Kafka
    client of the command reads (the environment and --broker win over it)."""
    import click

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value:
            os.environ[CONFIG_ENV] = value  # read by KafkaConnection.of(--broker)

    return click.option(
        "--kafka-config", metavar="FILE", envvar=CONFIG_ENV, expose_value=False,
        is_eager=True, callback=remember, type=click.Path(dir_okay=False, exists=True),
        help="Kafka client properties file (security.protocol, sasl.*, ssl.*; "
             "docs/kafka.md); the KAFKA_* environment and --broker win over it "
             f"[env {CONFIG_ENV}].")(func)
