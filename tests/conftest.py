"""Shared fixtures: one real Kafka broker per test session, unique names per test, and a
real S3 endpoint (moto's server, over HTTP on loopback) for object-store lakes.

The broker comes from, in order: $KAFKA_BOOTSTRAP_SERVERS; a Docker engine through
testcontainers when `docker info` answers quickly; else Apache Kafka from its jars
(`streams.kafka.local.LocalKafka`). A broker that cannot start fails the tests that
need it, loudly: integration tests that silently skip prove nothing.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

log = logging.getLogger("tests.kafka")
_BROKER: dict[str, str] = {}  # what the session used, for the terminal summary


def _docker_answers(timeout: float = 5.0) -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    try:
        done = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"],
                              capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _record(source: str, bootstrap: str, seconds: float | None) -> None:
    took = f" started in {seconds:.1f}s" if seconds is not None else ""
    _BROKER["line"] = f"kafka: {source} at {bootstrap}{took}"
    log.info(_BROKER["line"])


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """`host:port` of a real Kafka broker shared by the session's `kafka` tests."""
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if env:
        _record("$KAFKA_BOOTSTRAP_SERVERS", env, None)
        yield env
        return
    began = time.monotonic()
    if _docker_answers():
        try:
            from testcontainers.community.kafka import KafkaContainer
        except ImportError:  # testcontainers before 4.10
            from testcontainers.kafka import KafkaContainer
        with KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft() as container:
            bootstrap = container.get_bootstrap_server()
            _record("testcontainers", bootstrap, time.monotonic() - began)
            yield bootstrap
        return
    from streams.kafka.local import LocalKafka

    broker = LocalKafka(heap="768m")
    bootstrap = broker.start()
    _record(f"Apache Kafka {broker.version} from jars (pid {broker.pid})", bootstrap,
            broker.start_seconds)
    try:
        yield bootstrap
    finally:
        broker.stop()


@dataclass(frozen=True)
class KafkaNames:
    """Topic names and consumer group ids no other test (or run) uses."""

    stem: str

    @property
    def prefix(self) -> str:
        """A topic-name prefix, e.g. for `TopicNames.build(prefix=...)`."""
        return f"test.{self.stem}."

    def topic(self, label: str = "topic") -> str:
        return f"{self.prefix}{label}"

    def group(self, label: str = "group") -> str:
        return f"{self.prefix}{label}.group"


@pytest.fixture
def kafka_names(request: pytest.FixtureRequest) -> KafkaNames:
    """Fresh names per test, so reruns and parallel tests never share offsets or data."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name).strip("-")[:48]
    return KafkaNames(f"{slug}.{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """`host:port` of an S3-compatible server on 127.0.0.1 (moto), for the whole session.

    pyarrow talks to it over HTTP exactly as to AWS: listing, multipart PUT, ranged GET,
    DELETE. Credentials are dummies, set only for this session.
    """
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    saved = {k: os.environ.get(k) for k in _S3_ENV}
    os.environ.update(_S3_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"{host}:{port}"
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_S3_ENV = {"AWS_ACCESS_KEY_ID": "mcpgov-test", "AWS_SECRET_ACCESS_KEY": "mcpgov-test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture
def s3_lake(s3_endpoint: str) -> Iterator[str]:
    """The URI of an empty lake in a fresh bucket of the loopback S3 server."""
    import pyarrow.fs as pafs

    bucket = f"lake-{uuid.uuid4().hex[:12]}"
    pafs.S3FileSystem(endpoint_override=s3_endpoint, scheme="http", region="us-east-1",
                      allow_bucket_creation=True).create_dir(bucket)
    yield (f"s3://{bucket}/lake?endpoint_override={s3_endpoint}&scheme=http"
           "&region=us-east-1")
    _release_leases()


def _release_leases() -> None:
    """Give back the write leases in-process commands (CliRunner) still hold, while the
    server is up: at exit, releasing them against a stopped server only waits on retries."""
    from streams.lake import lease

    lease._release_all()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once which broker the session used and how long it took to start."""
    if "line" in _BROKER:
        terminalreporter.write_sep("-", "kafka")
        terminalreporter.write_line(_BROKER["line"])
