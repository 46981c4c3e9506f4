"""Where a gateway's envelopes go: the `Sink` contract, the stats every sink keeps, a JSONL sink.

The proxy talks to a `Sink`, so `--out FILE` (demos, tests without a broker) and the
Kafka `Publisher` are interchangeable behind it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from streams.gateway.errors import PublisherClosed


@dataclass
class SinkStats:
    """Counters a gateway exports as metrics; every event is in exactly one outcome or pending.

    sent: acked by Kafka (drained ones included); spooled: written to the disk spool;
    drained: acked after waiting in the spool; failed: delivery attempts Kafka refused
    or timed out (each then spooled, so not lost); rejected: refused for good (too
    large), kept in the spool directory's rejected.log; pending: not yet acked.
    """

    sent: int = 0
    spooled: int = 0
    drained: int = 0
    failed: int = 0
    rejected: int = 0
    pending: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Sink(Protocol):
    """What the proxy needs from a destination of envelopes."""

    def publish(self, envelope: Mapping[str, Any]) -> None:
        """Accept one envelope, without blocking on the network."""
        ...

    def flush(self, timeout: float = 10.0) -> int:
        """Wait until everything accepted is delivered; return how many are not."""
        ...

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what can be within `timeout`, keep the rest durable, release resources."""
        ...

    def stats(self) -> SinkStats:
        """A snapshot of the counters."""
        ...


class JsonlSink:
    """Envelopes as JSON lines in a file (the contract's `.jsonl` form); thread-safe."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("a", encoding="utf-8")
        self._lock = threading.Lock()
        self._stats = SinkStats()

    def publish(self, envelope: Mapping[str, Any]) -> None:
        line = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=repr)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate relayed from a \ud800 escape
            line = json.dumps(envelope, separators=(",", ":"), default=repr)
        with self._lock:
            if self._fh.closed:
                raise PublisherClosed(f"sink {self.path} is closed")
            self._fh.write(line + "\n")
            self._fh.flush()
            self._stats.sent += 1

    def flush(self, timeout: float = 10.0) -> int:
        with self._lock:
            if not self._fh.closed:
                self._fh.flush()
        return 0

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            if not self._fh.closed:
                self._fh.close()

    def stats(self) -> SinkStats:
        with self._lock:
            return SinkStats(**self._stats.as_dict())
