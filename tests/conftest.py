"""Shared fixtures: one real Kafka broker per test session, unique names per test, and
real S3 and GCS endpoints (moto's server and fake-gcs-server, over HTTP on loopback) for
object-store lakes.

The broker comes from, in order: $KAFKA_BOOTSTRAP_SERVERS; a Docker engine through
testcontainers when `docker info` answers quickly; else Apache Kafka from its jars
(`streams.kafka.local.LocalKafka`). A broker that cannot start fails the tests that
need it, loudly: integration tests that silently skip prove nothing. The same holds for
the GCS emulator, which `make gcs-emulator` builds (`make unit` and `make test` do).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run unless asked otherwise: `ci` (the
# default, so `make test` is deterministic) derives them from each test's source and
# keeps no example database; a failure prints the blob that reproduces it.
# `HYPOTHESIS_PROFILE=dev` explores with fresh random examples, more of them, and the
# local database, to find new failures (then pin each one with `@example`).
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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


FAKE_GCS_PIN = Path(__file__).resolve().parents[1] / "requirements" / "fake-gcs-server.txt"


def fake_gcs_server() -> Path:
    """The fake-gcs-server binary: $MCPGOV_FAKE_GCS_SERVER, else where `make gcs-emulator`
    puts the pinned version (the mcpgov cache)."""
    env = os.environ.get("MCPGOV_FAKE_GCS_SERVER")
    if env:
        return Path(env)
    from streams.kafka.local import cache_root

    version = FAKE_GCS_PIN.read_text(encoding="utf-8").strip().rpartition("@")[2]
    return cache_root() / "fake-gcs-server" / version / "fake-gcs-server"


@pytest.fixture(scope="session")
def gcs_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`host:port` of a GCS JSON API on 127.0.0.1 (fake-gcs-server), for the whole session.

    pyarrow's GcsFileSystem talks to it over HTTP as to Google: listing, resumable
    uploads, ranged reads, deletes. Objects live in memory; credentials are anonymous.
    """
    from streams.kafka.procs import free_ports, tail

    binary = fake_gcs_server()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no GCS emulator at {binary}: build it with `make gcs-emulator`",
                    pytrace=False)
    port = free_ports(1)[0]
    endpoint = f"127.0.0.1:{port}"
    log_file = tmp_path_factory.mktemp("fake-gcs") / "server.log"
    with open(log_file, "wb") as out:
        server = subprocess.Popen(
            [str(binary), "-scheme", "http", "-host", "127.0.0.1", "-port", str(port),
             "-backend", "memory", "-external-url", f"http://{endpoint}",
             "-public-host", endpoint, "-log-level", "warn"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30.0
        while True:
            try:
                with urllib.request.urlopen(f"http://{endpoint}/storage/v1/b",  # noqa: S310
                                            timeout=1.0):
                    break
            except (urllib.error.URLError, OSError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"fake-gcs-server did not answer on {endpoint} (exit "
                            f"{server.poll()}):\n{tail(log_file.read_text(errors='replace'))}",
                            pytrace=False)
            time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def gcs_lake(gcs_endpoint: str) -> Iterator[str]:
    """The URI of an empty lake in a fresh bucket of the loopback GCS server."""
    import pyarrow.fs as pafs

    bucket = f"lake-{uuid.uuid4().hex[:12]}"
    pafs.GcsFileSystem(anonymous=True, scheme="http", endpoint_override=gcs_endpoint,
                       project_id="mcpgov-test").create_dir(bucket)
    # `anonymous@` is pyarrow's way to ask for no credentials in a gs:// URI
    yield f"gs://anonymous@{bucket}/lake?scheme=http&endpoint_override={gcs_endpoint}"
    _release_leases()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once which broker the session used and how long it took to start."""
    if "line" in _BROKER:
        terminalreporter.write_sep("-", "kafka")
        terminalreporter.write_line(_BROKER["line"])
