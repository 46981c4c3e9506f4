"""What a domain is made of: a server with its tools, agent profiles, data subjects.

A domain module (ehr, payments, banking, crm, workspace) declares its tools and, per
tool, a builder that turns a data subject into the call's arguments and its result.
Builders write every sensitive value and look-alike through `Ctx.pos` / `Ctx.neg`,
so the ground truth follows from construction (see `streams.generate.marks`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from streams.generate import values


class Ctx(Protocol):
    """What a builder may use: the session's generator and its markers."""

    rng: random.Random
    tenant: str

    def pos(self, entity: str, value: str, subtype: str = "") -> str: ...
    def neg(self, kind: str, value: str | None = None) -> str: ...
    def json_text(self, obj: Any, indent: int | None = None) -> str: ...


@dataclass(frozen=True, slots=True)
class Subject:
    """A data subject (patient, cardholder, account holder, customer) and its facts."""

    id: str
    region: str
    first: str
    last: str
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def number(self) -> str:
        """The id without its prefix, as tools take it (`patient-100231` -> `100231`)."""
        return self.id.rsplit("-", 1)[-1]


@dataclass(slots=True)
class Outcome:
    """What a builder returns: arguments, then a result or a JSON-RPC error."""

    arguments: dict[str, Any]
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    leaks: list[str] = field(default_factory=list)  # markers an exfiltration can reuse


Builder = Callable[[Ctx, Subject], Outcome]


@dataclass(frozen=True, slots=True)
class Tool:
    """One tool of a catalogue, with what tools/list says about it."""

    name: str
    description: str
    scope: str
    params: tuple[str, ...]
    read_only: bool = True
    open_world: bool = False
    destructive: bool = False
    sensitive: bool = False  # returns personal data about one subject

    def listing(self, description: str | None = None) -> dict[str, Any]:
        """The tools/list entry: JSON Schema input and behaviour annotations."""
        props = {p: {"type": "string"} for p in self.params}
        return {
            "name": self.name,
            "description": description or self.description,
            "inputSchema": {
                "type": "object",
                "properties": props,
                "required": list(self.params[:1]),
            },
            "annotations": {
                "readOnlyHint": self.read_only,
                "openWorldHint": self.open_world,
                "destructiveHint": self.destructive,
            },
        }


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent profile: what it is allowed (scopes) and what it habitually calls."""

    name: str
    client_id: str
    scopes: tuple[str, ...]
    habits: tuple[str, ...]
    outbound: tuple[str, ...] = ()  # workspace tools it legitimately uses
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class Domain:
    """A business domain: its MCP server, tools with builders, agents and subjects."""

    name: str
    server: str
    version: str
    tools: tuple[Tool, ...]
    builders: dict[str, Builder]
    agents: tuple[Agent, ...]
    subject_kind: str
    make_subject: Callable[[random.Random, str, str], Subject]
    reads: tuple[str, ...]  # sensitive single-subject reads (exfiltration, enumeration)
    privileged: tuple[str, ...]  # tools no agent is granted (scope probing)
    rare: tuple[str, ...]  # listed but never called by benign sessions (first use)
    resource: Callable[[Ctx, Subject], tuple[str, str, str]] | None = None  # uri, mime, text

    def tool(self, name: str) -> Tool:
        """The tool called `name` (KeyError when the catalogue has none)."""
        for t in self.tools:
            if t.name == name:
                return t
        raise KeyError(name)


def text(*blocks: str) -> list[dict[str, str]]:
    """Text content blocks of a tool result."""
    return [{"type": "text", "text": b} for b in blocks]


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured markdown table, as many tools print results."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def csv_text(headers: list[str], rows: list[list[str]]) -> str:
    """CSV with a header line (values here never hold commas or quotes)."""
    return "\n".join(",".join(r) for r in [headers, *rows])


def common_subject(rng: random.Random, sid: str, region: str) -> Subject:
    """A subject with the facts every domain shares: name, birth date, e-mail, phone."""
    first, last = values.person(rng)
    facts = {
        "dob": values.date_of_birth(rng),
        "email": values.email(rng, first, last),
        "phone": values.phone(rng, region),
    }
    return Subject(sid, region, first, last, facts)


def iban_country(rng: random.Random, region: str) -> str:
    """An IBAN country for a subject of `region`."""
    if region == "uk":
        return "GB"
    return rng.choice(("DE", "FR", "NL", "ES", "IT", "BE", "IE", "AT", "PL", "CH"))
