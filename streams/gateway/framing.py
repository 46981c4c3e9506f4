"""The spool's on-disk record framing, and the values its API hands out.

A record is ``>I length``, ``>I crc32(length bytes + payload)``, then the payload. The
CRC covers the length too, so a flipped bit in either is caught; a length past the
end of the file is a torn write (the process died mid-append).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

HEADER = struct.Struct(">II")
MAX_RECORD = 64 * 1024 * 1024  # a length above this is corruption, not a record


@dataclass(frozen=True)
class Position:
    """Where a record starts: segment number and byte offset."""

    segment: int
    offset: int


@dataclass(frozen=True)
class Batch:
    """Records read from the head, each with the position just past it (what `commit` takes)."""

    start: Position
    records: list[bytes]
    ends: list[Position]

    @property
    def end(self) -> Position:
        return self.ends[-1] if self.ends else self.start

    @property
    def nbytes(self) -> int:
        return sum(HEADER.size + len(r) for r in self.records)

    def prefix(self, count: int) -> Batch:
        """The first `count` records: commit only those when a later one failed."""
        return Batch(self.start, self.records[:count], self.ends[:count])


@dataclass(frozen=True)
class TornRecord:
    """An unreadable record found at open; its bytes (and the rest of that segment) quarantined."""

    segment: str
    offset: int
    reason: str
    quarantined: Path | None


def frame(payload: bytes) -> bytes:
    """`payload` with its length and CRC header, as written to a segment."""
    length = len(payload).to_bytes(4, "big")
    return HEADER.pack(len(payload), zlib.crc32(payload, zlib.crc32(length))) + payload



def check(data: bytes, offset: int) -> str | None:
    """Why the record at `offset` is unreadable, or None when it is intact."""
    if len(data) - offset < HEADER.size:
        return f"torn record header ({len(data) - offset} of {HEADER.size} bytes)"
    length, crc = HEADER.unpack_from(data, offset)
    if length > MAX_RECORD:
        return "corrupt record length"
    body = data[offset + HEADER.size: offset + HEADER.size + length]
    if len(body) < length:
        return f"torn record ({len(body)} of {length} bytes)"
    if zlib.crc32(body, zlib.crc32(length.to_bytes(4, "big"))) != crc:
        return "record crc mismatch"
    return None
