"""The governor stage: raw envelope in, governed event (or dead letter) out.

Plain Python with no Kafka in it: the faust worker and the embedded runner both call
`Governor.process` on a batch. Batching matters because NER is the expensive part and
spaCy is far faster over many texts at once. Raw values stop here: what leaves is
tokens, redactions and metadata.

Everything that lands is scanned in that one pass: the message's string values, its
object keys, and the envelope's free-text and identifier metadata (`METADATA`; paths
`$envelope.<field>`, see docs/schemas.md). The data subject's own id is replaced by
its token wherever it occurs. Policy globs, health and residency decisions read the
raw metadata (they run here, before anything leaves); the event carries the governed
copy, and the Kafka key is the governed `session_id` (tokens are deterministic, so a
session stays on one partition).
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from detectors.api import Classifier, Span, StringSite, entity_classes, iter_strings
from streams.alerts import make_alert
from streams.deadletter import Source, dead_letter
from streams.echo import SessionMemory
from streams.envelope import InvalidEnvelope, parse_envelope
from streams.minimize import Subject, minimize, minimize_metadata
from streams.policy import Policy
from streams.tokens import Tokenizer

if TYPE_CHECKING:
    from streams.erasure.keys import SubjectKeys

log = logging.getLogger(__name__)

MAX_EVENT_BYTES = 1_048_576
MAX_DEPTH = 64
ENVELOPE = "$envelope"
"""Path root of envelope metadata in findings: `$envelope.purpose`, `$envelope.tool`."""
METADATA: tuple[tuple[str, ...], ...] = (
    ("gateway", "id"), ("session_id",), ("identity", "user"), ("identity", "agent"),
    ("identity", "client_id"), ("identity", "scopes"), ("identity", "auth", "policy"),
    ("identity", "auth", "reason"), ("server", "name"), ("server", "version"),
    ("server", "transport"), ("purpose",), ("method",), ("tool",), ("trace", "trace_id"),
    ("trace", "span_id"),
)
"""Envelope string fields the governor scans. Not scanned, because their syntax is fixed at
the contract: event_id (UUID), time, regions, direction, auth.decision, and tenant (the
key namespace: letters, digits, '.', '_', '-'; chosen by the operator, never tokenized)."""
_USER_KEEPS = frozenset({"EMAIL_ADDRESS", "PERSON"})
"""What identity.user is expected to hold (the authenticated principal, whom the
accounting of disclosures must name): kept; anything else found in it is tokenized."""


@dataclass(slots=True)
class Outcome:
    """What one input became: a governed event for a region, or a dead letter; plus alerts."""

    source: Source
    region: str | None = None
    key: str | None = None
    event: dict[str, Any] | None = None
    dead_letter: dict[str, Any] | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)
    vault: list[dict[str, Any]] = field(default_factory=list)


class Governor:
    """Classify, tokenize, minimize and route batches of raw events."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        classifier: Classifier,
        policy: Policy | None = None,
        *,
        ner: bool = True,
        max_bytes: int = MAX_EVENT_BYTES,
        max_depth: int = MAX_DEPTH,
        subject_keys: SubjectKeys | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.subject_keys = subject_keys
        self.classifier = classifier
        self.policy = policy or Policy.default()
        self.ner = ner
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.memory = SessionMemory()

    def process(self, batch: Sequence[tuple[Any, Source]]) -> list[Outcome]:
        """Govern a batch; every input yields exactly one Outcome, in order."""
        outcomes: list[Outcome] = []
        parsed: list[tuple[int, dict[str, Any], list[StringSite], int]] = []
        for raw, source in batch:
            out = Outcome(source=source)
            outcomes.append(out)
            try:
                env = parse_envelope(raw, max_bytes=self.max_bytes, max_depth=self.max_depth)
            except InvalidEnvelope as exc:
                out.dead_letter = self._dead(raw, source, exc.code, exc.reason, exc.event_id)
                continue
            subject = env.get("data_subject")
            ints = Subject(str(subject["id"]), "").int_texts() if subject else ()
            sites = iter_strings(env["message"], extra_ints=ints)
            parsed.append((len(outcomes) - 1, env, [*sites, *metadata_sites(env)], len(sites)))

        spans = self._classify([s for _, _, sites, _ in parsed for s in sites])
        offset = 0
        for i, env, sites, n in parsed:
            mine = spans[offset: offset + len(sites)]
            offset += len(sites)
            try:
                mine = self._with_echoes(env, sites, mine)
                self._govern(outcomes[i], env, (sites[:n], mine[:n]), (sites[n:], mine[n:]))
            except Exception as exc:  # noqa: BLE001 - one bad event must not stop the batch
                log.warning("governor: %s: %s while governing event %s", outcomes[i].source,
                            type(exc).__name__, env.get("event_id"))
                outcomes[i].dead_letter = self._dead(
                    batch[i][0], outcomes[i].source, "processing_error",
                    f"governing failed with {type(exc).__name__}", env.get("event_id"))
        return outcomes

    # -- internals ---------------------------------------------------------------------

    def _classify(self, sites: list[StringSite]) -> list[list[Span]]:
        """Classify in one call (repeated short texts are classified once: the classifier
        remembers them, "jsonrpc" or "tools/call" in every event's keys and metadata)."""
        if not sites:
            return []
        return self.classifier.classify(sites, ner=self.ner)

    def _with_echoes(self, env: dict[str, Any], sites: list[StringSite],
                     spans: list[list[Span]]) -> list[list[Span]]:
        """Remember this event's detected values, then find earlier ones echoed in it."""
        session = f"{env['tenant']}\x00{env['session_id']}"
        for site, found in zip(sites, spans, strict=True):
            for sp in found:
                self.memory.remember(session, sp.entity_type, site.text[sp.start: sp.end])
        out = []
        for site, found in zip(sites, spans, strict=True):
            extra = self.memory.echoes(session, site.text, found)
            out.append(sorted([*found, *extra], key=lambda sp: sp.start) if extra else found)
        return out

    def _dead(self, raw: Any, source: Source, code: str, reason: str,
              event_id: str | None) -> dict[str, Any]:
        return dead_letter(raw, source, code, reason, event_id, self.classifier)

    def _govern(self, out: Outcome, env: dict[str, Any],
                message: tuple[list[StringSite], list[list[Span]]],
                meta: tuple[list[StringSite], list[list[Span]]]) -> None:
        tenant = env["tenant"]
        health = self.policy.is_health(env)
        subject = env.get("data_subject")
        subject_token = (self.tokenizer.subject_token(str(subject["id"]), tenant)
                         if subject else None)
        named = Subject(str(subject["id"]), subject_token) if subject and subject_token else None
        vault: list[dict[str, Any]] = []
        on_token = None
        if self.subject_keys is not None and subject_token is not None:
            from streams.erasure.vault import sealer

            on_token = sealer(self.subject_keys, tenant, subject_token, env["event_id"],
                              env["time"], vault)
        def classes_of(entity_type: str) -> set[str]:
            return entity_classes(entity_type, health_context=health)

        payload, findings, classes = minimize(
            env, *message, self.policy, self.tokenizer, classes_of=classes_of,
            on_token=on_token, subject=named)
        new_meta, meta_findings, meta_classes = minimize_metadata(
            tenant, *meta, self.tokenizer, classes_of, on_token=on_token, subject=named,
            keep={f"{ENVELOPE}.identity.user": _USER_KEEPS})
        findings += meta_findings
        classes |= meta_classes
        governed = governed_metadata(env, new_meta)
        residency, alert = self._route(env, governed, personal=bool(findings) or bool(subject))
        event = {
            "schema_version": 1,
            "event_id": env["event_id"],
            "time": env["time"],
            "governed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "tenant": tenant,
            "gateway": governed["gateway"],
            "session_id": governed["session_id"],
            "identity": governed["identity"],
            "server": governed["server"],
            "data_subject": None if not subject else {
                "token": subject_token,
                "region": subject.get("region"),
            },
            "purpose": governed.get("purpose"),
            "direction": env["direction"],
            "method": governed["method"],
            "tool": governed.get("tool"),
            "latency_ms": env.get("latency_ms"),
            "trace": governed.get("trace"),
            "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            "findings": findings,
            "data_classes": sorted(classes),
            "residency": residency,
            "key_id": self.tokenizer.key_id(tenant),
            "policy": self.policy.name,
        }
        out.region, out.key, out.event = residency["region"], governed["session_id"], event
        out.vault = vault
        if alert is not None:
            out.alerts.append(alert(event))

    def _route(self, env: dict[str, Any], governed: dict[str, Any], *,
               personal: bool) -> tuple[dict[str, Any], Any]:
        """Landing region and transfer; a forbidden transfer still lands at home, with an alert.

        Decided on the raw metadata; what the alert says comes from the `governed` copy."""
        subject_region = (env.get("data_subject") or {}).get("region")
        gateway_region = env["gateway"].get("region")
        server = env.get("server") or {}
        tenant_home = self.policy.tenants.get(env["tenant"])
        home = (subject_region
                or (tenant_home.home if tenant_home and tenant_home.home else None)
                or gateway_region or self.policy.residency.default_home)
        residency: dict[str, Any] = {
            "region": home, "subject_region": subject_region,
            "server_region": server.get("region"), "gateway_region": gateway_region,
            "transfer": None,
        }
        dst = server.get("region")
        if not personal or not dst or dst == home:
            return residency, None
        basis = self.policy.transfer_basis(home, dst, server.get("name"))
        residency["transfer"] = {"from_region": home, "to_region": dst,
                                 "allowed": basis is not None, "basis": basis}
        if basis is not None:
            return residency, None

        name = governed["server"].get("name")

        def alert(event: dict[str, Any]) -> dict[str, Any]:
            return make_alert(
                rule_id="residency.forbidden_transfer", severity="high",
                title=f"Personal data of a {home} subject sent to a {dst} server without a basis",
                description=(f"Server {name!r} in region {dst!r} handled personal "
                             f"data whose home is {home!r}; no transfer rule of policy "
                             f"{self.policy.name!r} allows {home}->{dst}. The event landed in "
                             f"{home!r}."),
                incident_key=f"{env['tenant']}|{governed['session_id']}|{home}|{dst}|{name}",
                events=[event],
                observables={"from_region": home, "to_region": dst, "server": name},
            )

        return residency, alert


def _field_path(where: tuple[str | int, ...]) -> str:
    return ENVELOPE + "".join(f"[{f}]" if isinstance(f, int) else f".{f}" for f in where)


def _metadata_fields(env: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(field, text) of every scanned metadata string present in `env`."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for where in METADATA:
        node: Any = env
        for name in where:
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, str):
            out.append((where, node))
        elif isinstance(node, list):
            out += [((*where, i), v) for i, v in enumerate(node) if isinstance(v, str)]
    return out


def metadata_sites(env: dict[str, Any]) -> list[StringSite]:
    """The envelope's scanned metadata as sites (no key: field names are not value hints)."""
    return [StringSite(_field_path(f), None, text) for f, text in _metadata_fields(env)]


def governed_metadata(env: dict[str, Any], new_text: dict[str, str]) -> dict[str, Any]:
    """The envelope's metadata records with the scanned strings replaced (a copy)."""
    out = {k: copy.deepcopy(env.get(k)) for k in ("gateway", "session_id", "identity", "server",
                                                  "purpose", "method", "tool", "trace")}
    if not new_text:
        return out
    for where, _ in _metadata_fields(env):
        path = _field_path(where)
        if path not in new_text:
            continue
        node: Any = out
        for name in where[:-1]:
            node = node[name]
        node[where[-1]] = new_text[path]
    return out
