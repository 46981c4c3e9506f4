"""Encoded layers inside a string: percent-encoding, base64, hex.

A value hidden as `4111%201111...`, `name%40host.com`, base64 of a JSON document or a
hex dump of a text is still that value. `layers(text)` finds such blocks, decodes the
ones that turn into readable text, and gives each decoded text with the span of the
source it came from; the classifier scans the decoded text like any other string and
masks the whole source block when something sensitive is inside.

Bounded: blocks are found with linear regexes, at most `MAX_LAYERS` per string are
decoded, decoded text is never longer than its source, and `decode_all` goes at most
`MAX_DEPTH` layers down (base64 of percent-encoding of ...).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_DEPTH = 2
MAX_LAYERS = 64
MIN_BASE64 = 16
MIN_HEX = 16

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{16,}={0,2}(?![A-Za-z0-9+/=_\-])")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Fa-f])")
_PRINTABLE_SHARE = 0.85


@dataclass(frozen=True, slots=True)
class Layer:
    """Text decoded from `source[start:end]` of the string it was found in."""

    start: int
    end: int
    text: str
    kind: str
    starts: tuple[int, ...] | None = None
    """For a character-exact layer: source start of each decoded character."""
    ends: tuple[int, ...] | None = None

    def source(self, start: int, end: int) -> tuple[int, int]:
        """The source span a decoded span [start, end) came from."""
        if self.starts is None or self.ends is None or end <= start:
            return self.start, self.end
        return self.starts[start], self.ends[end - 1]


def _readable(raw: bytes) -> str | None:
    """The bytes as text when they are mostly printable UTF-8, else None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text:
        return None
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return text if printable >= _PRINTABLE_SHARE * len(text) else None


def _percent(text: str) -> Iterator[Layer]:
    """The whole string with its %XX runs decoded, each character mapped to its source."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for m in _PERCENT_RUN.finditer(text):
        pieces.append(text[at : m.start()])
        starts.extend(range(at, m.start()))
        ends.extend(range(at + 1, m.start() + 1))
        decoded = bytes.fromhex(m.group().replace("%", "")).decode("utf-8", errors="replace")
        pieces.append(decoded)
        starts.extend([m.start()] * len(decoded))
        ends.extend([m.end()] * len(decoded))
        at = m.end()
    if not starts and at == 0:
        return
    pieces.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    yield Layer(0, len(text), "".join(pieces), "percent", tuple(starts), tuple(ends))


def _base64(text: str) -> Iterator[Layer]:
    for m in _BASE64.finditer(text):
        block = m.group()
        if block.isdigit() or block.isalpha() or block.islower() or block.isupper():
            continue  # ordinary words, digit runs and hex-ish ids are not base64 payloads
        bare = block.rstrip("=")
        padded = bare + "=" * (-len(bare) % 4)
        try:
            raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _readable(raw)
        if decoded is not None and len(decoded) >= 4:
            yield Layer(m.start(), m.end(), decoded, "base64")


def _hex(text: str) -> Iterator[Layer]:
    for m in _HEX.finditer(text):
        decoded = _readable(bytes.fromhex(m.group()))
        if decoded is not None and len(decoded) >= 4:
            yield Layer(m.start(), m.end(), decoded, "hex")


def layers(text: str) -> list[Layer]:
    """The decodable blocks of `text`, one level down, at most `MAX_LAYERS`."""
    out: list[Layer] = []
    if "%" in text:
        out.extend(_percent(text))
    if len(text) >= MIN_BASE64:
        out.extend(_hex(text))
        hexed = {(layer.start, layer.end) for layer in out}
        out.extend(b for b in _base64(text) if (b.start, b.end) not in hexed)
    return out[:MAX_LAYERS]


def decode_all(text: str, depth: int = MAX_DEPTH) -> list[Layer]:
    """Every decoded layer of `text` down to `depth`, spans in `text`'s offsets."""
    found: list[Layer] = []
    todo = [(layer, 1) for layer in layers(text)]
    while todo and len(found) < MAX_LAYERS:
        layer, level = todo.pop()
        found.append(layer)
        if level < depth:
            todo.extend(
                (Layer(*layer.source(inner.start, inner.end), inner.text,
                       f"{layer.kind}+{inner.kind}"), level + 1)
                for inner in layers(layer.text)
            )
    return found
