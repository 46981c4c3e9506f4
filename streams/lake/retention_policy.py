"""The retention policy: how long each kind of lake record must be kept, and legal holds.

A rule keeps rows of one tree (`events` or `alerts`), optionally only those carrying
one of some data classes, for at least `days` after their time. A row is kept for the
longest of the rules that apply to it, and a file expires only when all its rows have
(files are the unit of deletion: the manifest chains whole files). The defaults below
come from the frameworks named in each rule (docs/records.md has the table); a policy
file replaces a default by using its id, adds rules under new ids, and adds legal
holds, which block deletion of every file holding a matching row whatever its age.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from streams.errors import UsageError
from streams.lake.errors import LakeError

DATA_CLASSES = ("PCI", "PHI", "PII", "FINANCIAL", "SECRET")


class RetentionPolicyError(LakeError, UsageError):
    """The retention policy file is unreadable or invalid; names the file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """Keep the rows of `tree` (only those with one of `data_classes`, when given)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    days: int = Field(ge=1, le=36500)
    tree: Literal["events", "alerts"] = "events"
    data_classes: tuple[Literal["PCI", "PHI", "PII", "FINANCIAL", "SECRET"], ...] = ()
    source: str = Field(min_length=1, description="the law or framework the period comes from")

    @model_validator(mode="after")
    def _classes_only_on_events(self) -> Rule:
        if self.data_classes and self.tree != "events":
            raise ValueError("data_classes apply to events only (alerts carry none)")
        return self


class Hold(_Strict):
    """A legal hold: files with a row matching every given selector are never deleted."""

    id: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    tenant: str | None = None
    subject_token: str | None = None
    session_id: str | None = None

    @model_validator(mode="after")
    def _has_selector(self) -> Hold:
        if not (self.tenant or self.subject_token or self.session_id):
            raise ValueError("a hold needs tenant, subject_token or session_id")
        return self


class RetentionPolicy(_Strict):
    """The effective policy: rules (by id) and legal holds."""

    rules: tuple[Rule, ...] = ()
    legal_holds: tuple[Hold, ...] = ()
    defaults: bool = Field(True, description="start from the built-in rules")

    def applicable(self, tree: str, classes: frozenset[str]) -> list[Rule]:
        """The rules that apply to one row of `tree` carrying `classes`."""
        return [r for r in self.rules if r.tree == tree
                and (not r.data_classes or classes.intersection(r.data_classes))]

    def binding(self, tree: str, classes: frozenset[str]) -> Rule | None:
        """The longest applicable rule: it decides the row's end (ties: the class-specific)."""
        return max(self.applicable(tree, classes), key=lambda r: (r.days, bool(r.data_classes)),
                   default=None)


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(id="soc2.audit-evidence", days=365,
         source="SOC 2 Type II: evidence for a 12-month observation window (AICPA TSC CC7.2)"),
    Rule(id="eu-ai-act.art12-logs", days=183,
         source="EU AI Act Art. 12 logs, kept at least 6 months (Art. 19(1), 26(6))"),
    Rule(id="pci-dss.10.5.1", days=365, data_classes=("PCI",),
         source="PCI DSS v4.0 10.5.1: audit log history kept at least 12 months"),
    Rule(id="hipaa.documentation", days=2190, data_classes=("PHI",),
         source="HIPAA 45 CFR 164.316(b)(2)(i) and 164.528: 6 years"),
    Rule(id="soc2.alerts", days=365, tree="alerts",
         source="SOC 2 Type II: incident evidence for the 12-month window (CC7.3-CC7.5)"),
)


def effective(doc: dict[str, object]) -> RetentionPolicy:
    """The policy a parsed document gives: defaults (unless `defaults: false`) overlaid."""
    given = RetentionPolicy.model_validate(doc)
    rules = {r.id: r for r in (DEFAULT_RULES if given.defaults else ())}
    for rule in given.rules:
        rules[rule.id] = rule
    seen: set[str] = set()
    for hold in given.legal_holds:
        if hold.id in seen:
            raise ValueError(f"legal hold id {hold.id!r} appears twice")
        seen.add(hold.id)
    return RetentionPolicy(rules=tuple(rules.values()), legal_holds=given.legal_holds,
                           defaults=given.defaults)


def load_retention(path: str | Path | None) -> RetentionPolicy:
    """Load and validate a policy file; None gives the built-in defaults."""
    if path is None:
        return effective({})
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RetentionPolicyError(f"{p}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise RetentionPolicyError(f"{p}:{where} is not valid YAML") from None
    if doc is not None and not isinstance(doc, dict):
        raise RetentionPolicyError(f"{p}: (top level): must be a mapping")
    try:
        return effective(doc or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        raise RetentionPolicyError(f"{p}: {loc}: {err['msg']}") from None
    except ValueError as exc:
        raise RetentionPolicyError(f"{p}: legal_holds: {exc}") from None


def describe(policy: RetentionPolicy) -> str:
    """The effective policy as readable text (what `mcpgov retention show` prints)."""
    lines = ["rules (a row is kept for the longest rule that applies to it):"]
    width = max((len(r.id) for r in policy.rules), default=0)
    for r in sorted(policy.rules, key=lambda r: (r.tree, -r.days, r.id)):
        scope = f"{r.tree} with {'/'.join(r.data_classes)}" if r.data_classes else f"all {r.tree}"
        lines.append(f"  {r.id.ljust(width)}  {r.days:>5} days  {scope}: {r.source}")
    lines.append("legal holds:" if policy.legal_holds else "legal holds: none")
    for h in policy.legal_holds:
        sel = ", ".join(f"{k}={v}" for k, v in (("tenant", h.tenant),
                        ("subject_token", h.subject_token), ("session_id", h.session_id)) if v)
        lines.append(f"  {h.id}  {sel}: {h.reason}")
    return "\n".join(lines) + "\n"
