"""A real Apache Kafka broker from the official jars, for tests and local development.

No Docker: Maven copies the broker's runtime classpath into a cache outside the
repository, and the broker runs as one combined KRaft node (broker + controller) on
loopback ports picked here. Mocks are not integration tests; this is the real thing.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from streams.kafka import procs
from streams.kafka.errors import BrokerNotReady, KafkaSetupError, MavenFailed
from streams.kafka.procs import find_java, find_mvn, free_ports, port_open, tail

log = logging.getLogger(__name__)

DEFAULT_VERSION = "4.1.1"
COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
POM = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "pom.xml"
_MARKER = ".mcpgov-complete"

_SERVER_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:{cport}
listeners=PLAINTEXT://127.0.0.1:{port}{secure},CONTROLLER://127.0.0.1:{cport}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}{secure},CONTROLLER://127.0.0.1:{cport}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT{secure_map}
log.dirs={log_dirs}
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=16777216
num.network.threads=2
num.io.threads=2
"""

# Quiet: nothing on the console, warnings plus the server's lifecycle lines in a file.
_LOG4J2 = """\
status = warn
name = mcpgov-local-kafka
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log_file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
logger.lifecycle.name = kafka.server.KafkaRaftServer
logger.lifecycle.level = info
"""


def cache_root() -> Path:
    """Where mcpgov caches downloads: $MCPGOV_CACHE_DIR, else ~/.cache/mcpgov."""
    env = os.environ.get("MCPGOV_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "mcpgov"


def jars_dir(version: str = DEFAULT_VERSION) -> Path:
    """The classpath folder of one Kafka version (complete only once fetched)."""
    return cache_root() / "kafka" / version / "lib"


def is_fetched(version: str = DEFAULT_VERSION) -> bool:
    """True when every jar the last fetch listed is present, so start needs no network."""
    marker = jars_dir(version) / _MARKER
    if not marker.is_file():
        return False
    names = marker.read_text(encoding="utf-8").split()
    return bool(names) and all((marker.parent / n).is_file() for n in names)


def fetch(version: str = DEFAULT_VERSION, *, pom: Path = POM, timeout: float = 900.0) -> Path:
    """Copy the broker jars with Maven into the cache; a no-op when already complete.

    Maven writes into a temporary folder renamed into place at the end, so an
    interrupted fetch never looks complete.
    """
    lib = jars_dir(version)
    if is_fetched(version):
        return lib
    mvn = find_mvn()
    if not pom.is_file():
        raise KafkaSetupError(f"the Kafka pom is missing at {pom} (it ships in deploy/kafka/)")
    lib.parent.mkdir(parents=True, exist_ok=True)
    with procs.file_lock(lib.parent / ".fetch.lock"):
        if is_fetched(version):
            return lib
        tmp = Path(tempfile.mkdtemp(prefix=".lib-", dir=lib.parent))
        try:
            cmd = [mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(pom),
                   f"-Dkafka.version={version}", COPY_DEPENDENCIES,
                   f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"]
            log.info("fetching Apache Kafka %s jars into %s", version, lib)
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                      stdin=subprocess.DEVNULL, check=False)
            except subprocess.TimeoutExpired as exc:
                raise MavenFailed(-1, f"timed out after {timeout:.0f}s") from exc
            if done.returncode != 0:
                raise MavenFailed(done.returncode, tail(done.stdout + done.stderr))
            jars = sorted(p.name for p in tmp.glob("*.jar"))
            if not any(j.startswith(f"kafka_2.13-{version}") for j in jars):
                raise MavenFailed(0, f"no kafka_2.13-{version} jar among {len(jars)} copied")
            (tmp / _MARKER).write_text("\n".join(jars) + "\n", encoding="utf-8")
            procs.remove_tree(lib)  # a partial folder left by an older layout
            os.rename(tmp, lib)
        finally:
            procs.remove_tree(tmp)
    return lib


SCRAM = "SCRAM-SHA-512"
_SCRAM_WORD = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# The broker's own traffic (controller, inter-broker, the readiness probe) stays on the
# PLAINTEXT loopback listeners, whose principal is ANONYMOUS: a super user, or the node
# could not talk to itself once an authorizer is on.
BROKER_PRINCIPAL = "User:ANONYMOUS"


@dataclass(frozen=True)
class SecureListener:
    """An extra SASL_SSL listener (SCRAM-SHA-512 over TLS) and a StandardAuthorizer.

    PEM text, as Kafka 4 reads it inline: `certificate_chain` is the server certificate
    (then any intermediates) for 127.0.0.1, `private_key` its unencrypted PKCS#8 key,
    `ca_certificates` the CAs trusted for client certificates (mutual TLS when
    `client_auth` is `required`). `users` become SCRAM-SHA-512 credentials at format
    time; `super_users` (names) bypass ACLs. Every other principal needs ACLs.
    """

    certificate_chain: str
    private_key: str = field(repr=False)
    ca_certificates: str
    users: Mapping[str, str] = field(repr=False, default_factory=dict)
    super_users: tuple[str, ...] = ("admin",)
    client_auth: str = "none"

    def __post_init__(self) -> None:
        for name, password in self.users.items():
            if not _SCRAM_WORD.match(name) or not _SCRAM_WORD.match(password):
                raise KafkaSetupError(f"SCRAM user {name!r}: names and passwords are 1-64 of "
                                      "A-Z a-z 0-9 . _ - here")
        if self.client_auth not in ("none", "requested", "required"):
            raise KafkaSetupError(f"client_auth {self.client_auth!r}: use none, requested "
                                  "or required")

    def server_properties(self) -> str:
        """The broker settings of the listener and the authorizer."""
        def pem(text: str) -> str:  # one properties line: newlines as \n escapes
            return text.strip().replace("\n", "\\n")

        ln = "listener.name.sasl_ssl."
        supers = ";".join([BROKER_PRINCIPAL, *(f"User:{u}" for u in self.super_users)])
        return "\n".join([
            f"sasl.enabled.mechanisms={SCRAM}",
            f"{ln}sasl.enabled.mechanisms={SCRAM}",
            f"{ln}{SCRAM.lower()}.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            f"{ln}ssl.keystore.type=PEM",
            f"{ln}ssl.keystore.certificate.chain={pem(self.certificate_chain)}",
            f"{ln}ssl.keystore.key={pem(self.private_key)}",
            f"{ln}ssl.truststore.type=PEM",
            f"{ln}ssl.truststore.certificates={pem(self.ca_certificates)}",
            f"{ln}ssl.client.auth={self.client_auth}",
            "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found=false",
            f"super.users={supers}",
        ]) + "\n"

    def format_args(self) -> list[str]:
        """`--add-scram` arguments of `kafka-storage format` (secrets: never log them)."""
        args = []
        for name, password in sorted(self.users.items()):
            args += ["--add-scram", f"{SCRAM}=[name={name},password={password}]"]
        return args


class LocalKafka:
    """One Kafka node on 127.0.0.1; `with LocalKafka() as k: k.bootstrap`.

    With `secure=SecureListener(...)` the node also listens SASL_SSL on
    `k.secure_bootstrap`, with SCRAM users and ACLs enforced (docs/kafka.md).

    detach=True leaves the broker running after this Python process exits (the CLI's
    `kafka start`); otherwise Linux stops it if this process dies without `stop()`.
    """

    def __init__(self, version: str = DEFAULT_VERSION, *, data_dir: Path | None = None,
                 heap: str = "1g", start_timeout: float = 120.0, stop_timeout: float = 20.0,
                 detach: bool = False, secure: SecureListener | None = None) -> None:
        self.version = version
        self.secure = secure
        self.secure_port = 0
        self.heap = heap
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.detach = detach
        self._given_dir = data_dir
        self.data_dir: Path | None = None
        self.port = 0
        self.controller_port = 0
        self.start_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """`127.0.0.1:PORT`, what clients put in bootstrap.servers."""
        if not self.port:
            raise KafkaSetupError("the local broker is not started")
        return f"127.0.0.1:{self.port}"

    @property
    def secure_bootstrap(self) -> str:
        """`127.0.0.1:PORT` of the SASL_SSL listener (with `secure=`)."""
        if not self.secure_port:
            raise KafkaSetupError("the local broker has no SASL_SSL listener (pass secure=)")
        return f"127.0.0.1:{self.secure_port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def log_file(self) -> Path:
        if self.data_dir is None:
            raise KafkaSetupError("the local broker is not started")
        return self.data_dir / "logs" / "broker.log"

    def start(self) -> str:
        """Fetch if needed, format fresh storage, launch, wait until ready; return bootstrap."""
        if self._proc is not None:
            raise KafkaSetupError("this LocalKafka is already started")
        java = find_java()
        lib = fetch(self.version)
        began = time.monotonic()
        self.data_dir = self._given_dir or Path(tempfile.mkdtemp(prefix="mcpgov-kafka-"))
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        ports = free_ports(3 if self.secure else 2)
        self.port, self.controller_port = ports[:2]
        self.secure_port = ports[2] if self.secure else 0
        secure = f",SASL_SSL://127.0.0.1:{self.secure_port}" if self.secure else ""
        props = self.data_dir / "server.properties"
        text = _SERVER_PROPERTIES.format(
            port=self.port, cport=self.controller_port, log_dirs=self.data_dir / "data",
            secure=secure, secure_map=",SASL_SSL:SASL_SSL" if self.secure else "")
        if self.secure:
            text += self.secure.server_properties()
        props.touch(mode=0o600)  # PEM keys inline: readable by this user only
        props.write_text(text, encoding="utf-8")
        log4j = self.data_dir / "log4j2.properties"
        log4j.write_text(_LOG4J2.format(log_file=self.log_file), encoding="utf-8")
        classpath = f"{lib}/*"
        logging_flag = f"-Dlog4j2.configurationFile={log4j}"
        fmt = [java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", logging_flag,
               "-cp", classpath, "kafka.tools.StorageTool", "format", "--standalone",
               "-t", procs.cluster_id(), "-c", str(props),
               *(self.secure.format_args() if self.secure else [])]
        done = subprocess.run(fmt, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            raise BrokerNotReady("formatting the storage failed", tail(done.stdout + done.stderr))
        formatted = time.monotonic() - began
        return self._launch(java, lib, began, formatted)

    def restart(self) -> str:
        """Start again a broker stopped with `stop(remove=False)` (or killed): same ports,
        same data, no format, so clients reconnect to the address they know and find
        their topics and offsets. For outage tests and for operators."""
        if self._proc is not None and self._proc.poll() is None:
            raise KafkaSetupError("this LocalKafka is running; stop it before restart()")
        self._proc = None  # killed from outside: already reaped by poll()
        if self.data_dir is None or not (self.data_dir / "server.properties").is_file() \
                or not self.port:
            raise KafkaSetupError("nothing to restart: start() then stop(remove=False) first")
        return self._launch(find_java(), fetch(self.version), time.monotonic(), 0.0)

    def _launch(self, java: str, lib: Path, began: float, formatted: float) -> str:
        assert self.data_dir is not None
        props = self.data_dir / "server.properties"
        logs = self.data_dir / "logs"
        logging_flag = f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}"
        cmd = [java, "-Xms256m", f"-Xmx{self.heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
               logging_flag, "-cp", f"{lib}/*", "kafka.Kafka", str(props)]
        with open(logs / "jvm.out", "ab") as out:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                cwd=self.data_dir, start_new_session=True,
                preexec_fn=None if self.detach else procs.die_with_parent())
        try:
            self._wait_ready()
        except BaseException:  # not ready, or Ctrl-C while waiting: leave no broker behind
            self.stop(remove=False)
            raise
        self.start_seconds = time.monotonic() - began
        log.info("Apache Kafka %s ready at %s in %.1fs (storage format %.1fs), pid %d, dir %s",
                 self.version, self.bootstrap, self.start_seconds, formatted, self._proc.pid,
                 self.data_dir)
        return self.bootstrap

    def _log_tail(self) -> str:
        parts = [tail(p.read_text(encoding="utf-8", errors="replace"))
                 for p in (self.log_file, self.log_file.with_name("jvm.out")) if p.is_file()]
        return "\n".join(p for p in parts if p) or "(the broker wrote no log)"

    def _wait_ready(self) -> None:
        """Ready = the port answers AND a metadata request lists this broker."""
        assert self._proc is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            code = self._proc.poll()
            if code is not None:
                raise BrokerNotReady(f"the broker exited with code {code} (dir {self.data_dir})",
                                     self._log_tail())
            if time.monotonic() > deadline:
                raise BrokerNotReady(f"no answer on {self.bootstrap} within "
                                     f"{self.start_timeout:.0f}s (dir {self.data_dir})",
                                     self._log_tail())
            if port_open(self.port) and procs.metadata_ok(self.bootstrap, timeout=3.0):
                return
            time.sleep(0.2)

    def stop(self, *, remove: bool = True) -> None:
        """SIGTERM the broker's process group, SIGKILL it after stop_timeout; drop its dir."""
        proc, self._proc = self._proc, None
        if proc is not None:
            procs.terminate_group(proc.pid, self.stop_timeout, child=proc)
        if remove and self.data_dir is not None and self._given_dir is None:
            procs.remove_tree(self.data_dir)

    def __enter__(self) -> LocalKafka:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()



if __name__ == "__main__":  # `python -m streams.kafka.local fetch`, as deploy/kafka/pom.xml says
    import sys

    if sys.argv[1:] != ["fetch"]:
        sys.exit("usage: python -m streams.kafka.local fetch")
    print(fetch())
