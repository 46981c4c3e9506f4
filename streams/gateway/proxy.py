"""A stdio MCP proxy: relay every line between a client and a server, publish each message.

Three threads: client -> server, server -> client, and a publisher. The relay threads
copy lines byte for byte and only stamp and enqueue them (a non-blocking put), so
nothing the sink does (Kafka down, a slow disk, a full spool) ever delays or breaks
the conversation; the publisher thread builds envelopes and hands them to the sink,
and logs and counts what it cannot publish. A line is enqueued before it is written,
so a request is always built before the response that answers it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from streams.errors import MCPGovError
from streams.gateway.envelope import EnvelopeBuilder, Stamp, stamp
from streams.gateway.sinks import Sink
from streams.gateway.throttle import Throttle

log = logging.getLogger(__name__)
_STOP = object()


@dataclass
class ProxyStats:
    """What the relay did: lines each way, events published, and what could not be."""

    from_client: int = 0
    from_server: int = 0
    published: int = 0
    publish_errors: int = 0
    dropped: int = 0


class StdioProxy:
    """Launch `command`, relay its stdio with the client's, publish every message to `sink`."""

    def __init__(self, command: Sequence[str], sink: Sink, builder: EnvelopeBuilder, *,
                 client_in: IO[bytes], client_out: IO[bytes], queue_size: int = 10_000,
                 close_timeout: float = 1.0) -> None:
        if not command:
            raise ValueError("no server command given")
        self.command = list(command)
        self.sink = sink
        self.builder = builder
        self.client_in = client_in
        self.client_out = client_out
        self.close_timeout = close_timeout
        self.stats = ProxyStats()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._errors = Throttle(log, 10.0)
        self._proc: subprocess.Popen[bytes] | None = None

    def run(self) -> int:
        """Relay until the server exits; return its exit code (128+N when killed by signal N)."""
        self._proc = proc = subprocess.Popen(self.command, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE)
        assert proc.stdin is not None and proc.stdout is not None
        restore = self._forward_signals(proc)
        worker = threading.Thread(target=self._publish_loop, name="mcpgov-proxy-publish",
                                  daemon=True)
        up = threading.Thread(target=self._relay, name="mcpgov-proxy-client", daemon=True,
                              args=(self.client_in, proc.stdin, True))
        down = threading.Thread(target=self._relay, name="mcpgov-proxy-server", daemon=True,
                                args=(proc.stdout, self.client_out, False))
        for thread in (worker, up, down):
            thread.start()
        try:
            code = proc.wait()
            down.join(timeout=2.0)  # the rest of what the server wrote before it exited
        finally:  # signals stay forwarded until the sink has spooled what it holds
            self._queue.put(_STOP)  # blocking put: the worker is draining, the relay is over
            worker.join(timeout=max(self.close_timeout, 1.0) + 1.0)
            self.sink.close(timeout=self.close_timeout)
            restore()
            log.info("proxy done: %s; sink %s", self.stats, self.sink.stats().as_dict())
        return 128 - code if code < 0 else code

    # -- relay --------------------------------------------------------------------

    def _relay(self, src: IO[bytes], dst: IO[bytes], from_client: bool) -> None:
        """Copy lines src -> dst unchanged; at the client's EOF, close the server's stdin."""
        dst_open = True
        for line in iter(src.readline, b""):
            self._enqueue(line, from_client, stamp())
            if dst_open:
                try:
                    dst.write(line)
                    dst.flush()
                except (BrokenPipeError, ValueError, OSError):
                    dst_open = False  # the other side is gone; keep reading so it can exit
                    log.info("the %s closed its end", "server" if from_client else "client")
        if from_client:  # the MCP stdio shutdown: the client closed stdin, so do we
            with contextlib.suppress(OSError, ValueError):
                dst.close()

    def _enqueue(self, line: bytes, from_client: bool, at: Stamp) -> None:
        if from_client:
            self.stats.from_client += 1
        else:
            self.stats.from_server += 1
        try:
            self._queue.put_nowait((line, from_client, at))
        except queue.Full:
            self.stats.dropped += 1
            self._errors.warn("proxy publish queue full: %d events not published so far",
                              self.stats.dropped)

    # -- publishing ---------------------------------------------------------------

    def _publish_loop(self) -> None:
        while (item := self._queue.get()) is not _STOP:
            line, from_client, at = item
            try:
                envelopes = self.builder.from_line(line, from_client=from_client, at=at)
            except Exception as exc:  # noqa: BLE001 - a bug here must not stop the relay
                self.stats.publish_errors += 1
                self._errors.warn("could not build an envelope: %s", type(exc).__name__)
                continue
            for envelope in envelopes:
                try:
                    self.sink.publish(envelope)
                    self.stats.published += 1
                except Exception as exc:  # noqa: BLE001 - the client keeps working regardless
                    self.stats.publish_errors += 1
                    reason = exc if isinstance(exc, MCPGovError) else type(exc).__name__
                    self._errors.warn("event %s not published: %s", envelope["event_id"],
                                      reason)

    # -- signals --------------------------------------------------------------------

    def _forward_signals(self, proc: subprocess.Popen[bytes]) -> Any:
        """SIGTERM/SIGINT/SIGHUP go to the server; the proxy exits when the server does."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {}

        def forward(signum: int, _frame: Any) -> None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signum)

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            previous[sig] = signal.signal(sig, forward)

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return restore
