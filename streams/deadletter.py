"""Dead letters: rejected input kept with its reason, never with its sensitive values.

A dead letter records where the input came from, why it was rejected, its size and
sha256 (so an operator can match it to the raw topic, which keeps the original for
its short retention), and a short excerpt that is redacted twice over: the
detectors' spans are masked, then every remaining run of digits, every long
token-like run, every e-mail-like string and every run of capitalised words (names)
is masked too, because input that failed
validation may be exactly what the detectors were not built for.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from detectors.api import Span, StringSite

EXCERPT_CHARS = 512
_NS = uuid.UUID("0e3b1c52-8f8a-4d0b-a0e4-646c71646c71")
_DIGITS = re.compile(r"\d(?:[\d\s\-./]{0,40}\d)?")
_LONG_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=]{16,}")
_EMAILISH = re.compile(r"[^\s\"'<>@]{1,64}@[^\s\"'<>@]{1,255}")
_NAMEISH = re.compile(r"\b[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)+\b")
_PEM = re.compile(r"-----BEGIN[^-]*-----.*?(?:-----END[^-]*-----|$)", re.S)


class _Classifier(Protocol):
    def classify(self, sites: list[StringSite], *, ner: bool = True) -> list[list[Span]]: ...


@dataclass(frozen=True, slots=True)
class Source:
    """Where one input came from: a topic position, or a line of a file."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.topic is not None:
            return f"{self.topic}[{self.partition}]@{self.offset}"
        return f"line {self.line}" if self.line is not None else "input"

    def as_record(self) -> dict[str, Any]:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset,
                "line": self.line}


def as_bytes(raw: Any) -> bytes:
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogatepass")
    return json.dumps(raw, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass")


def dead_letter(raw: Any, source: Source, code: str, reason: str, event_id: str | None,
                classifier: _Classifier | None = None) -> dict[str, Any]:
    """The dead-letter record for one rejected input (ids are stable across replays)."""
    data = as_bytes(raw)
    digest = hashlib.sha256(data).hexdigest()
    return {
        "schema_version": 1,
        "dlq_id": str(uuid.uuid5(_NS, f"{digest}|{source}")),
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reason_code": code,
        "reason": reason,
        "source": source.as_record(),
        "size_bytes": len(data),
        "sha256": digest,
        "excerpt": redacted_excerpt(data, classifier),
        "event_id": event_id if event_id and _is_uuid(event_id) else None,
    }


def redacted_excerpt(data: bytes, classifier: _Classifier | None = None,
                     limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters with detected values and anything value-like masked."""
    text = data[: limit * 4].decode("utf-8", "replace")[:limit]
    if classifier is not None:
        spans = classifier.classify([StringSite(path="$", key=None, text=text)], ner=True)[0]
        for span in sorted(spans, key=lambda s: s.start, reverse=True):
            text = f"{text[: span.start]}[{span.entity_type}]{text[span.end:]}"
    text = _PEM.sub("[SECRET]", text)
    text = _EMAILISH.sub("[EMAIL]", text)
    text = _NAMEISH.sub("[NAME]", text)
    text = _LONG_TOKEN.sub(lambda m: m.group(0) if m.group(0).isalpha() and m.group(0).islower()
                           else "[REDACTED]", text)
    text = _DIGITS.sub(lambda m: "#" * min(len(m.group(0)), 8), text)
    suffix = "…" if len(data) > len(text.encode("utf-8")) else ""
    return text + suffix


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
