"""The governance policy: which tenants and servers are health, what to keep, where data lands.

One YAML file, validated by pydantic before anything runs; a bad file fails at load
with the file and the field named. With no file, `Policy.default()` applies the safe
default: metadata kept, sensitive spans in payload strings tokenized, data landing in
the data subject's region. See docs/policies.md for the grammar and examples.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from streams.errors import MCPGovError
from streams.yamlfile import YamlProblem, read_mapping, validate

Action = Literal["tokenize", "drop", "digest", "redact", "keep"]
REGION_RE = re.compile(r"^[a-z]{2,8}$")


class PolicyError(MCPGovError):
    """The policy file is unreadable or invalid; the message names the file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Match(_Strict):
    """Glob patterns over event metadata; an absent key matches anything."""

    tenant: str | None = None
    server: str | None = None
    tool: str | None = None
    method: str | None = None
    direction: Literal["request", "response", "notification"] | None = None

    def fits(self, event: dict[str, Any]) -> bool:
        probe = {
            "tenant": event.get("tenant"),
            "server": (event.get("server") or {}).get("name"),
            "tool": event.get("tool"),
            "method": event.get("method"),
            "direction": event.get("direction"),
        }
        for name, pattern in self.model_dump(exclude_none=True).items():
            value = probe[name]
            if value is None or not fnmatch.fnmatchcase(str(value), pattern):
                return False
        return True


class MinimizationRule(_Strict):
    name: str
    match: Match = Field(default_factory=Match)
    fields: dict[str, Action] = Field(default_factory=dict)
    default: Action | None = None

    @field_validator("fields")
    @classmethod
    def _paths(cls, value: dict[str, Action]) -> dict[str, Action]:
        for path in value:
            if not path.startswith("$"):
                raise ValueError(f"path {path!r} must start with '$'")
        return value


class Minimization(_Strict):
    default: Action = "tokenize"
    rules: list[MinimizationRule] = Field(default_factory=list)


class Transfer(_Strict):
    from_region: str = Field(alias="from")
    to_region: str = Field(alias="to")
    servers: list[str] | None = None
    basis: str

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Residency(_Strict):
    default_home: str = "us"
    transfers: list[Transfer] = Field(default_factory=list)


class Tenant(_Strict):
    home: str | None = None
    health: bool = False


class Health(_Strict):
    """Which tenants and servers handle health data (their personal data counts as PHI)."""

    tenants: list[str] = Field(default_factory=lambda: ["*health*", "*clinic*", "*hospital*"])
    servers: list[str] = Field(default_factory=lambda: ["ehr*", "*fhir*", "*clinical*"])


class Policy(_Strict):
    version: Literal[1] = 1
    name: str = "default"
    tenants: dict[str, Tenant] = Field(default_factory=dict)
    health: Health = Field(default_factory=Health)
    minimization: Minimization = Field(default_factory=Minimization)
    residency: Residency = Field(default_factory=Residency)

    @classmethod
    def default(cls) -> Policy:
        return cls()

    # -- questions the governor asks -------------------------------------------------

    def is_health(self, event: dict[str, Any]) -> bool:
        tenant = str(event.get("tenant") or "")
        server = str((event.get("server") or {}).get("name") or "")
        t = self.tenants.get(tenant)
        if t is not None and t.health:
            return True
        return any(fnmatch.fnmatchcase(tenant, p) for p in self.health.tenants) or any(
            fnmatch.fnmatchcase(server, p) for p in self.health.servers
        )

    def home(self, tenant: str) -> str:
        t = self.tenants.get(tenant)
        return (t.home if t and t.home else None) or self.residency.default_home

    def rule_for(self, event: dict[str, Any]) -> MinimizationRule | None:
        for rule in self.minimization.rules:
            if rule.match.fits(event):
                return rule
        return None

    def transfer_basis(self, src: str, dst: str, server: str | None) -> str | None:
        """The legal basis of a transfer src -> dst to `server`, or None when none allows it."""
        for t in self.residency.transfers:
            if t.from_region != src or t.to_region != dst:
                continue
            if t.servers is None or (server and any(fnmatch.fnmatchcase(server, p)
                                                    for p in t.servers)):
                return t.basis
        return None


def action_for(rule: MinimizationRule | None, default: Action, path: str) -> Action:
    """The action for one string path: the rule's first matching field, else its default."""
    if rule is not None:
        for pattern, action in rule.fields.items():
            if _path_regex(pattern).fullmatch(path):
                return action
        if rule.default is not None:
            return rule.default
    return default


@lru_cache(maxsize=1024)
def _path_regex(pattern: str) -> re.Pattern[str]:
    """`*` matches one key or index, `**` any run of them: `$.result.content[*].text`."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(r".*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^.\[\]]+")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def load_policy(path: str | Path | None) -> Policy:
    """Load and validate a policy file; None gives the default policy."""
    if path is None:
        return Policy.default()
    p = Path(path)
    try:
        policy = validate(Policy, read_mapping(p, "a mapping of policy sections"))
    except YamlProblem as problem:
        raise PolicyError(f"{p}: {problem}") from None
    for region in _regions(policy):
        if not REGION_RE.match(region):
            raise PolicyError(f"{p}: region {region!r} must be a short lower-case code")
    return policy


def _regions(policy: Policy) -> list[str]:
    out = [policy.residency.default_home]
    out += [t.home for t in policy.tenants.values() if t.home]
    for t in policy.residency.transfers:
        out += [t.from_region, t.to_region]
    return out
