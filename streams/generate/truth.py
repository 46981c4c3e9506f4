"""The ground truth written beside the traffic (`<out>.truth.json`).

One JSON object, keys in this order:

```
{
  "format": "mcpgov-truth/1",
  "seed": 7, "sessions_requested": 300, "attack_share": 0.1, "domains": ["ehr", ...],
  "summary": {"events": 7421, "sessions": 300, "attacks": 30, "values": 15112, "lookalikes": 9013},
  "tenants": {"acme-health": {"domain": "ehr", "health": true, "region": "eu"}, ...},
  "data_subjects": {"patient-1000231": {"tenant": "acme-health", "kind": "patient",
                                        "region": "uk"}},
  "sessions": {
    "sess-3f9c0a1b2c4d": {
      "label": "attack", "attack_kind": "exfiltration", "variant": "",
      "tenant": "acme-health", "domain": "ehr", "health": true,
      "agent": "discharge-writer", "user": "dr.okafor@acme-health.example", "client_id": "...",
      "data_subjects": ["patient-1000231"],
      "event_ids": ["..."],            # every event of the session, in time order
      "evidence_event_ids": ["..."]    # the events that make it an attack ([] if benign)
    }
  },
  "events": {
    "<event_id>": {
      "session_id": "sess-...",
      "values": [{"entity_type": "CREDIT_CARD", "value": "2221 0012 3456 7897",
                  "path": "$.params.arguments.card_number", "start": 0, "end": 19,
                  "subtype": "mastercard_2series"}],
      "lookalikes": [{"kind": "ORDER_NUMBER", "value": "ORD-4852791",
                      "path": "$.result.content[0].text", "start": 112, "end": 123}]
    }
  }
}
```

`label` is `benign` or `attack`; `attack_kind` is null or one of `exfiltration`,
`bulk_enumeration`, `scope_probing`, `first_use`. Each value names the string that
holds it inside the event's `message` by a JSON path (`.key` for identifier keys,
`['key name']` otherwise, `[i]` for array items) and its span there as Python string
indices (code points): `value == string_at(path)[start:end]` always holds. `subtype`
(values) says which kind of the entity it is (card network, SECRET kind, `given` /
`family` name part, `aba_routing` / `account`); `resembles` (look-alikes) names the
entity type it imitates. An event absent from `events` holds neither. A value inside
JSON that was serialized into a text block is recorded as that text holds it (a PEM
block's newlines as `\\n`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "mcpgov-truth/1"


@dataclass(slots=True)
class Truth:
    """The ground truth of one generated run (see the module docstring for the file)."""

    seed: int
    sessions_requested: int
    attack_share: float
    domains: list[str]
    tenants: dict[str, dict[str, Any]] = field(default_factory=dict)
    data_subjects: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    event_count: int = 0

    def values(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event_id, value) for every sensitive value, in event order."""
        for eid, rec in self.events.items():
            for v in rec["values"]:
                yield eid, v

    def lookalikes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event_id, look-alike) for every negative, in event order."""
        for eid, rec in self.events.items():
            for v in rec["lookalikes"]:
                yield eid, v

    def summary(self) -> dict[str, int]:
        """Counts for the CLI's last line and the file's header."""
        return {
            "events": self.event_count,
            "sessions": len(self.sessions),
            "attacks": sum(1 for s in self.sessions.values() if s["label"] == "attack"),
            "values": sum(len(r["values"]) for r in self.events.values()),
            "lookalikes": sum(len(r["lookalikes"]) for r in self.events.values()),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, keys in the documented order."""
        return {
            "format": FORMAT,
            "seed": self.seed,
            "sessions_requested": self.sessions_requested,
            "attack_share": self.attack_share,
            "domains": self.domains,
            "summary": self.summary(),
            "tenants": self.tenants,
            "data_subjects": self.data_subjects,
            "sessions": self.sessions,
            "events": self.events,
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Truth:
        """Read back a document written by `to_dict`."""
        if doc.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document")
        return cls(
            doc["seed"],
            doc["sessions_requested"],
            doc["attack_share"],
            doc["domains"],
            doc["tenants"],
            doc["data_subjects"],
            doc["sessions"],
            doc["events"],
            doc["summary"]["events"],
        )

    @classmethod
    def load(cls, path: str | Path) -> Truth:
        """Read a `.truth.json` file."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def string_at(message: Any, path: str) -> Any:
    """The item of `message` at a truth path (`$.result.content[0].text`, `$['a b']`)."""
    node, i = message, 1
    while i < len(path):
        if path[i] == ".":
            j = i + 1
            while j < len(path) and path[j] not in ".[":
                j += 1
            node, i = node[path[i + 1 : j]], j
        elif path.startswith("['", i):
            j, key = i + 2, []
            while path[j] != "'":
                if path[j] == "\\":
                    j += 1
                key.append(path[j])
                j += 1
            node, i = node["".join(key)], j + 2
        else:
            j = path.index("]", i)
            node, i = node[int(path[i + 1 : j])], j + 1
    return node
