"""Apply the minimization policy to one message: what each string becomes.

For every string of the message the policy names an action by JSON path:
`tokenize` (the default: detected spans become tokens, secrets are redacted),
`keep` (the string stays, but card numbers and secrets are still protected),
`digest` (the whole value becomes a keyed digest), `redact` (the whole value
becomes `[REDACTED]`), `drop` (the field is removed). Findings are recorded
whatever the action, so the audit record says what data a call touched even when
the payload no longer holds it.

Rules that hold whatever the policy says:

- Object keys are scanned like values and always tokenized (the policy addresses
  values; a key is renamed, never dropped).
- A span whose data classes include SECRET is redacted, never tokenized and never
  handed to `on_token` (the vault); so is every span overlapping one: overlapping
  spans are merged into one value first, and a secret anywhere in it wins.
- The data subject's id, wherever it occurs, becomes the subject token
  (`DATA_SUBJECT_ID`), even under `keep`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from detectors.api import Span, StringSite, replace_strings
from detectors.jsonwalk import is_key_path
from detectors.overlap import overlap_groups
from streams.policy import Policy, action_for
from streams.tokens import REDACTED_SECRET, Tokenizer

REDACTED = "[REDACTED]"
SUBJECT_ID = "DATA_SUBJECT_ID"
"""Entity type of the findings where the data subject's own id was replaced."""
SUBJECT_DETECTOR = "data_subject"
MIN_SUBJECT_IN_TEXT = 4
"""Shortest subject id looked for inside longer strings (whole values match at any length)."""
_NEVER_KEPT = frozenset({"PCI", "SECRET"})


@dataclass(frozen=True, slots=True)
class Subject:
    """The data subject the gateway named: raw id and its token."""

    id: str
    token: str

    def int_texts(self) -> frozenset[str]:
        """The id as a JSON number would print, when it is one (for `iter_strings`)."""
        return frozenset({self.id}) if self.id.isascii() and self.id.isdigit() else frozenset()


def subject_spans(text: str, subject: Subject | None) -> list[Span]:
    """Every occurrence of the subject id in `text` (case-sensitive, non-overlapping)."""
    if subject is None or not subject.id:
        return []
    needle = subject.id
    if text == needle:
        return [Span(SUBJECT_ID, 0, len(text), 1.0, SUBJECT_DETECTOR)]
    if len(needle) < MIN_SUBJECT_IN_TEXT:
        return []
    out: list[Span] = []
    i = text.find(needle)
    while i >= 0:
        out.append(Span(SUBJECT_ID, i, i + len(needle), 1.0, SUBJECT_DETECTOR))
        i = text.find(needle, i + len(needle))
    return out


class _Class:
    """Cached data classes per entity type (the lookup runs per span)."""

    def __init__(self, classes_of: Callable[[str], set[str]]) -> None:
        self._of = classes_of
        self._cache: dict[str, set[str]] = {}

    def __call__(self, entity_type: str) -> set[str]:
        found = self._cache.get(entity_type)
        if found is None:
            found = self._cache[entity_type] = set(self._of(entity_type))
        return found


@dataclass(slots=True)
class _Rewriter:
    """Turns one string and its spans into its replacement text and findings."""

    tenant: str
    tokenizer: Tokenizer
    classes_of: _Class
    on_token: Callable[[str, str, str], None] | None
    subject: Subject | None

    def rewrite(self, site: StringSite, spans: list[Span], action: str,
                keep_types: Collection[str] = ()) -> tuple[Any, list[dict[str, Any]], set[str]]:
        """(replacement text or None for unchanged, findings, classes) of one string."""
        text = site.text
        findings: list[dict[str, Any]] = []
        classes: set[str] = set()
        pieces: list[str] = []
        cursor = 0
        changed = False
        for group in overlap_groups([*spans, *subject_spans(text, self.subject)]):
            start, end = group[0].start, max(s.end for s in group)
            mine = [s for s in group if s.detector != SUBJECT_DETECTOR]
            if keep_types and len(mine) == len(group) and all(
                    s.entity_type in keep_types and not self.classes_of(s.entity_type)
                    & _NEVER_KEPT for s in group):
                continue  # an expected identifier of this field (identity.user's own e-mail)
            cls: set[str] = set()
            for s in group:
                cls |= self.classes_of(s.entity_type)
            classes |= cls
            secrets = [s for s in group if "SECRET" in self.classes_of(s.entity_type)]
            subject_whole = any(s.detector == SUBJECT_DETECTOR and s.start == start
                                and s.end == end for s in group)
            lead = (secrets[0] if secrets
                    else next(s for s in group if s.detector == SUBJECT_DETECTOR)
                    if subject_whole or not mine
                    else max(mine, key=lambda s: (s.score, s.end - s.start)))
            value = text[start:end]
            if action in ("tokenize", "keep"):
                if secrets:
                    replacement, verdict = REDACTED_SECRET, "redacted"
                elif lead.detector == SUBJECT_DETECTOR:
                    assert self.subject is not None
                    replacement, verdict = self.subject.token, "tokenized"
                elif action == "tokenize" or cls & _NEVER_KEPT or len(mine) < len(group):
                    replacement = self.tokenizer.token(lead.entity_type, value, self.tenant, cls)
                    verdict = "redacted" if replacement == REDACTED_SECRET else "tokenized"
                    if self.on_token is not None and verdict == "tokenized":
                        self.on_token(lead.entity_type, value, replacement)
                else:
                    replacement, verdict = value, "kept"
                pieces += [text[cursor:start], replacement]
                cursor = end
                changed = changed or replacement != value
            else:
                verdict = {"drop": "dropped", "redact": "redacted", "digest": "tokenized"}[action]
            whole = start == 0 and end == len(text)
            findings.append({
                "entity_type": lead.entity_type, "path": site.path,
                "start": None if whole else start, "end": None if whole else end,
                "score": round(float(max(s.score for s in group)), 4),
                "detector": lead.detector, "action": verdict,
            })
        if action in ("tokenize", "keep"):
            return ("".join([*pieces, text[cursor:]]) if changed else None), findings, classes
        if action == "drop":
            return _DROP, findings, classes
        if action == "redact":
            return REDACTED, findings, classes
        return self.tokenizer.digest(text, self.tenant), findings, classes


class _Drop:
    """Marks a value to remove from the payload."""


_DROP = _Drop()


def minimize(
    env: dict[str, Any],
    sites: list[StringSite],
    spans: list[list[Span]],
    policy: Policy,
    tokenizer: Tokenizer,
    classes_of: Callable[[str], set[str]],
    on_token: Callable[[str, str, str], None] | None = None,
    subject: Subject | None = None,
) -> tuple[Any, list[dict[str, Any]], set[str]]:
    """Return (minimized message, findings, data classes) for one envelope.

    `on_token(entity_type, value, token)` is called for every value replaced by a
    keyed token (never for redacted secrets, kept values or the subject id): the
    vault's hook. Findings name paths of the minimized message (a renamed key moves
    the paths below it).
    """
    rewriter = _Rewriter(env["tenant"], tokenizer, _Class(classes_of), on_token, subject)
    rule = policy.rule_for(env)
    default = policy.minimization.default
    findings: list[dict[str, Any]] = []
    classes: set[str] = set()
    replacements: dict[str, Any] = {}

    for site, site_spans in zip(sites, spans, strict=True):
        action = "tokenize" if is_key_path(site.path) else action_for(rule, default, site.path)
        if not site_spans and action in ("tokenize", "keep") and (
                subject is None or subject.id not in site.text):
            continue
        new, found, cls = rewriter.rewrite(site, site_spans, action)
        findings += found
        classes |= cls
        if new is not None:
            replacements[site.path] = new

    message = env["message"]
    if replacements:
        moved: dict[str, str] = {}
        message = replace_strings(message, replacements, moved=moved,
                                  extra_ints=subject.int_texts() if subject else ())
        if moved:
            for f in findings:
                f["path"] = moved.get(f["path"], f["path"])
        if any(v is _DROP for v in replacements.values()):
            message = _prune(message)
    return message, findings, classes


def minimize_metadata(
    tenant: str,
    sites: list[StringSite],
    spans: list[list[Span]],
    tokenizer: Tokenizer,
    classes_of: Callable[[str], set[str]],
    on_token: Callable[[str, str, str], None] | None = None,
    subject: Subject | None = None,
    keep: dict[str, Collection[str]] | None = None,
) -> tuple[dict[str, str], list[dict[str, Any]], set[str]]:
    """(path -> new text, findings, classes) for envelope metadata strings.

    Metadata is always tokenized (the policy addresses the message); `keep` names, per
    path, entity types that are the field's expected content and stay as they are
    (no finding): the authenticated user's own e-mail or name in `identity.user`.
    """
    rewriter = _Rewriter(tenant, tokenizer, _Class(classes_of), on_token, subject)
    keep = keep or {}
    out: dict[str, str] = {}
    findings: list[dict[str, Any]] = []
    classes: set[str] = set()
    for site, site_spans in zip(sites, spans, strict=True):
        if not site_spans and (subject is None or subject.id not in site.text):
            continue
        new, found, cls = rewriter.rewrite(site, site_spans, "tokenize", keep.get(site.path, ()))
        findings += found
        classes |= cls
        if new is not None:
            out[site.path] = new
    return out, findings, classes


def _prune(value: Any) -> Any:
    """Remove dropped values (the envelope's depth cap bounds this recursion)."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not _DROP}
    if isinstance(value, list):
        return [_prune(v) for v in value if v is not _DROP]
    return value
