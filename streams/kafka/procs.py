"""Process and socket helpers for the local broker: tools on PATH, ports, signals.

Kept apart from `local.py` so the broker's lifecycle reads top to bottom there, and
so `mcpgov kafka status|stop` can check or stop a broker this process did not start.
"""

from __future__ import annotations

import base64
import ctypes
import fcntl
import functools
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from streams.kafka.errors import ToolNotFound

if TYPE_CHECKING:
    from streams.kafka.connection import KafkaConnection

log = logging.getLogger(__name__)
_client_log = logging.getLogger("streams.kafka.librdkafka")


@functools.lru_cache(maxsize=1)
def find_java() -> str:
    """The java binary ($JAVA_HOME first, then PATH), checked to be 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").is_file() \
        else shutil.which("java")
    if not java:
        raise ToolNotFound("java", "install a Java 17+ runtime (e.g. openjdk-17-jre-headless) "
                                   "or set JAVA_HOME")
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60,
                         check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = int(found.group(1)) if found else 0
    if major == 1 and found and found.group(2):
        major = int(found.group(2))
    if major < 17:
        raise ToolNotFound("java 17+", f"{java} reports Java {major or 'unknown'}; "
                                       "Apache Kafka 4 needs Java 17 or newer")
    return java


def find_mvn() -> str:
    """The mvn binary; only a first fetch needs it."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise ToolNotFound("mvn", "install Apache Maven 3.6+ (e.g. apt-get install maven) to "
                                  "fetch the Kafka jars once")
    return mvn


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 now, all distinct (the controller cannot use port 0)."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                 for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def metadata_ok(bootstrap: str | KafkaConnection, timeout: float = 3.0) -> bool:
    """True when a metadata request is answered with at least one broker."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    from streams.kafka.connection import KafkaConnection

    conn = bootstrap if isinstance(bootstrap, KafkaConnection) else KafkaConnection(bootstrap)
    admin = AdminClient(conn.confluent({"socket.connection.setup.timeout.ms":
                                        int(timeout * 1000)}), logger=_client_log)
    try:
        return bool(admin.list_topics(timeout=timeout).brokers)
    except KafkaException:
        return False


def tail(text: str, lines: int = 25) -> str:
    """The last lines of a log, which is where the reason for a failure usually is."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    """True when pid runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def is_broker(pid: int) -> bool:
    """True when pid is a live `kafka.Kafka` JVM (guards against a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return pid_alive(pid) and b"kafka.Kafka" in cmdline


def terminate_group(pgid: int, timeout: float,
                    child: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM a process group, SIGKILL it after timeout, and wait until it is gone."""
    def gone(limit: float) -> bool:
        if child is not None:
            try:
                child.wait(limit)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not pid_alive(pgid):
                return True
            time.sleep(0.1)
        return not pid_alive(pgid)

    for sig, limit in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            gone(1.0)
            return
        if gone(limit):
            return
        log.warning("kafka process group %d still alive %.0fs after %s", pgid, limit, sig.name)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialize fetches across processes (two pytest runs may start at once)."""
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cluster_id() -> str:
    """A KRaft cluster id as `StorageTool random-uuid` prints it, without starting a JVM."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def die_with_parent() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to SIGTERM the broker if its parent dies abruptly."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def hook() -> None:
        libc.prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)

    return hook
