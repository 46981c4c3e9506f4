"""Replay a JSONL file of envelopes to the raw topic (`mcpgov publish`).

Each line is checked with `parse_envelope`: a valid one is sent as Avro, exactly as a
gateway's `Publisher` sends it; an invalid one is sent as the line's bytes, because
the raw topic carries what gateways send and the governor is what dead-letters bad
input with a reason. Nothing is dropped here.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from streams.envelope import InvalidEnvelope, parse_envelope
from streams.errors import CheckFailed, UsageError
from streams.gateway.errors import SpoolFull
from streams.gateway.publisher import Publisher
from streams.schema_errors import SchemaError


@dataclass
class PublishSummary:
    """What a replay did, for the summary line and the exit code."""

    published: int
    invalid: int
    unacked: int
    seconds: float
    topic: str
    broker: str
    spool: Path | None

    def line(self) -> str:
        bad = (f" ({self.invalid} invalid: the governor will dead-letter them)"
               if self.invalid else "")
        text = (f"published {self.published} events to {self.topic} at {self.broker} in "
                f"{self.seconds:.1f}s{bad}")
        if self.unacked:
            text += (f"; {self.unacked} not acked by Kafka, kept in {self.spool} (deliver "
                     f"them with: mcpgov publish --input /dev/null --spool-dir {self.spool})")
        return text

    def check(self) -> None:
        if self.unacked:
            raise CheckFailed(f"{self.unacked} of {self.published} events not acked by Kafka")


def run(input_path: str, broker: str, *, topic: str = "mcp.events.raw",
        spool_dir: str | Path | None = None, timeout: float = 60.0,
        progress: bool = False) -> PublishSummary:
    """Send every line of `input_path` ('-' for stdin); wait up to `timeout` for the acks."""
    if input_path != "-" and not Path(input_path).is_file():
        raise UsageError(f"no such input file: {input_path}")
    began = time.monotonic()
    temporary = spool_dir is None
    spool = Path(spool_dir) if spool_dir else Path(tempfile.mkdtemp(prefix="mcpgov-publish-"))
    publisher = Publisher(broker, topic, spool_dir=spool, delivery_timeout=min(timeout, 30.0))
    published = invalid = 0
    deadline = began + timeout
    try:
        with _lines(input_path) as lines, _bar(progress, input_path) as bar:
            for line in lines:
                if not line.strip():
                    continue
                invalid += not _send(publisher, line, deadline)
                published += 1
                if bar is not None:
                    bar.update(1)
        unacked = publisher.flush(max(0.0, deadline - time.monotonic()))
    finally:
        publisher.close(timeout=1.0)
    if temporary and not unacked:
        shutil.rmtree(spool, ignore_errors=True)
    return PublishSummary(published, invalid, unacked, time.monotonic() - began, topic,
                          broker, spool)


def _send(publisher: Publisher, line: bytes, deadline: float) -> bool:
    """Publish one line; True when it was a valid envelope. Waits while the spool is full."""
    body = line.rstrip(b"\r\n")
    try:
        envelope: dict[str, Any] | None = parse_envelope(body)
    except InvalidEnvelope:
        envelope = None
    while True:
        try:
            if envelope is not None:
                try:
                    publisher.publish(envelope)
                    return True
                except SchemaError:
                    envelope = None
            publisher.publish_raw(_session_key(body), body)
            return False
        except SpoolFull:
            if time.monotonic() >= deadline:
                raise
            publisher.flush(1.0)


def _session_key(body: bytes) -> bytes | None:
    try:
        session = json.loads(body).get("session_id")
    except (ValueError, AttributeError, RecursionError):
        return None
    return session.encode("utf-8") if isinstance(session, str) else None


@contextlib.contextmanager
def _lines(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer
    else:
        with open(path, "rb") as fh:
            yield fh


@contextlib.contextmanager
def _bar(show: bool, path: str) -> Iterator[Any]:
    if not show:
        yield None
        return
    from tqdm import tqdm

    total = None
    if path != "-":
        with open(path, "rb") as fh:
            total = sum(1 for line in fh if line.strip())
    with tqdm(total=total, unit="ev", file=sys.stderr, desc="publishing", leave=False) as bar:
        yield bar
