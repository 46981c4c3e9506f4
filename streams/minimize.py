"""Apply the minimization policy to one message: what each string becomes.

For every string of the message the policy names an action by JSON path:
`tokenize` (the default: detected spans become tokens, secrets are redacted),
`keep` (the string stays, but card numbers and secrets are still protected),
`digest` (the whole value becomes a keyed digest), `redact` (the whole value
becomes `[REDACTED]`), `drop` (the field is removed). Findings are recorded
whatever the action, so the audit record says what data a call touched even when
the payload no longer holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detectors.api import Span, StringSite, replace_strings
from streams.policy import Policy, action_for
from streams.tokens import REDACTED_SECRET, Tokenizer

REDACTED = "[REDACTED]"
_NEVER_KEPT = frozenset({"PCI", "SECRET"})


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
) -> tuple[Any, list[dict[str, Any]], set[str]]:
    """Return (minimized message, findings, data classes) for one envelope.

    `on_token(entity_type, value, token)` is called for every value replaced by a
    token (never for redacted secrets or kept values): the vault's hook.
    """
    tenant = env["tenant"]
    rule = policy.rule_for(env)
    default = policy.minimization.default
    findings: list[dict[str, Any]] = []
    classes: set[str] = set()
    replacements: dict[str, Any] = {}

    for site, site_spans in zip(sites, spans, strict=True):
        action = action_for(rule, default, site.path)
        if not site_spans and action in ("tokenize", "keep"):
            continue
        text = site.text
        pieces: list[str] = []
        cursor = 0
        for span in sorted(site_spans, key=lambda s: s.start):
            cls = classes_of(span.entity_type)
            classes |= cls
            value = text[span.start: span.end]
            if action in ("tokenize", "keep"):
                protect = action == "tokenize" or bool(cls & _NEVER_KEPT)
                replacement = (tokenizer.token(span.entity_type, value, tenant, cls)
                               if protect else value)
                verdict = ("redacted" if replacement == REDACTED_SECRET
                           else "tokenized" if protect else "kept")
                if on_token is not None and verdict == "tokenized":
                    on_token(span.entity_type, value, replacement)
                pieces += [text[cursor: span.start], replacement]
                cursor = span.end
            else:
                verdict = {"drop": "dropped", "redact": "redacted", "digest": "tokenized"}[action]
            whole = span.start == 0 and span.end == len(text)
            findings.append({
                "entity_type": span.entity_type, "path": site.path,
                "start": None if whole else span.start, "end": None if whole else span.end,
                "score": round(float(span.score), 4), "detector": span.detector,
                "action": verdict,
            })
        if action in ("tokenize", "keep"):
            pieces.append(text[cursor:])
            replacements[site.path] = "".join(pieces)
        elif action == "drop":
            replacements[site.path] = _DROP
        elif action == "redact":
            replacements[site.path] = REDACTED
        else:
            replacements[site.path] = tokenizer.digest(text, tenant)

    message = env["message"]
    if replacements:
        message = replace_strings(message, replacements)
        if any(v is _DROP for v in replacements.values()):
            message = _prune(message)
    return message, findings, classes


def _prune(value: Any) -> Any:
    """Remove dropped values (the envelope's depth cap bounds this recursion)."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not _DROP}
    if isinstance(value, list):
        return [_prune(v) for v in value if v is not _DROP]
    return value
