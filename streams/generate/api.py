"""The generator's Python API: `generate` builds events and truth, `write` saves them.

Determinism: every random draw comes from `random.Random` seeded with strings built
from the seed (`"7:session:12"`), which Python hashes with SHA-512, not `hash()`;
nothing iterates a set or reads the clock. Same arguments, same bytes.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from streams.errors import UsageError
from streams.generate.domains import DOMAINS
from streams.generate.domains.base import Agent, Domain
from streams.generate.envelope import start_time_us
from streams.generate.scripts import ATTACK_KINDS, SCRIPTS, Plan
from streams.generate.session import Session
from streams.generate.truth import Truth
from streams.generate.world import TENANTS, World

MEAN_ARRIVAL_S = 12.0  # mean gap between session starts


def _check(sessions: int, attack_share: float, domains: Sequence[str] | None) -> list[str]:
    if not isinstance(sessions, int) or sessions <= 0:
        raise UsageError(f"--sessions must be a positive integer, got {sessions}")
    if not 0.0 <= attack_share <= 1.0:
        raise UsageError(f"--attack-share must be between 0 and 1, got {attack_share}")
    names = list(DOMAINS) if domains is None else list(domains)
    unknown = [d for d in names if d not in DOMAINS]
    if unknown or not names:
        bad = repr(unknown[0]) if unknown else "(none given)"
        raise UsageError(f"unknown domain {bad}; choose from {', '.join(DOMAINS)}")
    return list(dict.fromkeys(names))


def _eligible(kind: str, d: Domain) -> list[Agent]:
    """Agents able to run `kind`: exfiltration needs an outbound tool and a read it may call."""

    def reads(a: Agent) -> bool:
        return any(d.tool(n).scope in a.scopes for n in d.reads)

    if kind == "exfiltration":
        return [a for a in d.agents if a.outbound and reads(a)]
    if kind == "bulk_enumeration":
        return [a for a in d.agents if reads(a)]
    return list(d.agents)


def plan(
    sessions: int, seed: int, attack_share: float, domains: list[str], world: World
) -> list[Plan]:
    """Who runs each session, when, and which sessions are attacks (of which kind)."""
    rng = random.Random(f"{seed}:plan")
    attacks = round(sessions * attack_share)
    warm = min(sessions // 10, sessions - attacks)  # agents build a history before attacks start
    positions = sorted(rng.sample(range(warm, sessions), attacks))
    kinds: list[str] = []
    while len(kinds) < attacks:
        deck = list(ATTACK_KINDS)
        rng.shuffle(deck)
        kinds += deck
    kind_at = dict(zip(positions, kinds, strict=False))
    t, seen, deck, out = start_time_us(seed), set(), list(domains), []
    for i in range(sessions):
        if i % len(domains) == 0:
            rng.shuffle(deck)
        d = DOMAINS[deck[i % len(domains)]]
        tenant = rng.choice([x for x in TENANTS if x.domain == d.name])
        kind = kind_at.get(i, "benign")
        agent = rng.choice(_eligible(kind, d))
        user = rng.choice(world.users(tenant))
        t += 1 + int(rng.expovariate(1 / MEAN_ARRIVAL_S) * 1_000_000)
        sid = f"sess-{rng.getrandbits(48):012x}"
        while sid in seen:
            sid = f"sess-{rng.getrandbits(48):012x}"
        seen.add(sid)
        out.append(Plan(i, sid, tenant, d, agent, user, kind, t))
    return out


def generate(
    sessions: int,
    seed: int,
    attack_share: float = 0.1,
    domains: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], Truth]:
    """Synthetic MCP traffic (raw envelopes in time order) and its exact ground truth.

    `progress`, when given, is called with 1 after each session (a tqdm `update`).
    Raises `UsageError` for sessions <= 0, a share outside [0, 1] or an unknown domain.
    """
    names = _check(sessions, attack_share, domains)
    world = World(seed)
    truth = Truth(seed, sessions, attack_share, names)
    for t in TENANTS:
        if t.domain in names:
            truth.tenants[t.name] = {"domain": t.domain, "health": t.health, "region": t.region}
    timed: list[tuple[int, int, int, dict[str, Any]]] = []
    for p in plan(sessions, seed, attack_share, names, world):
        s = Session(
            random.Random(f"{seed}:session:{p.index}"),
            p.session_id,
            p.tenant,
            p.agent,
            p.user,
            p.start_us,
        )
        evidence = SCRIPTS[p.kind](s, p, world)
        rec = s.out
        for seq, (time_us, env) in enumerate(rec.events):
            timed.append((time_us, p.index, seq, env))
        for eid, found in rec.truth.items():
            truth.events[eid] = {"session_id": p.session_id, **found}
        truth.sessions[p.session_id] = {
            "label": "benign" if p.kind == "benign" else "attack",
            "attack_kind": None if p.kind == "benign" else p.kind,
            "variant": rec.variant,
            "tenant": p.tenant.name,
            "domain": p.domain.name,
            "health": p.tenant.health,
            "agent": p.agent.name,
            "user": p.user,
            "client_id": p.agent.client_id,
            "data_subjects": rec.subjects,
            "event_ids": [e["event_id"] for _, e in rec.events],
            "evidence_event_ids": evidence,
        }
        if progress:
            progress(1)
    timed.sort(key=lambda x: x[:3])
    events = [e for *_, e in timed]
    order = {e["event_id"]: i for i, e in enumerate(events)}
    truth.events = dict(sorted(truth.events.items(), key=lambda kv: order[kv[0]]))
    used = {sid for s in truth.sessions.values() for sid in s["data_subjects"]}
    for tenant, subj in world.subjects():
        if subj.id in used:
            kind = subj.id.rsplit("-", 1)[0]
            truth.data_subjects[subj.id] = {"tenant": tenant, "kind": kind, "region": subj.region}
    truth.event_count = len(events)
    return events, truth


def dumps_event(event: dict[str, Any]) -> str:
    """One JSONL line (no newline): compact, UTF-8 text, keys in the contract's order."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def _atomic_write(path: Path, write: Callable[[TextIO], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a plain open() would not
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(
    events: list[dict[str, Any]],
    truth: Truth,
    out: str | Path,
    truth_path: str | Path | None = None,
) -> Path | None:
    """Write the JSONL (`-` for stdout) and the truth file; returns the truth path.

    Files are written to a temporary name and renamed, so a reader never sees half a
    file. The truth goes to `truth_path`, else `<out>.truth.json`; with `-` and no
    `truth_path` no truth is written (a pipe into `mcpgov run` needs none).
    """

    def lines(fh: TextIO) -> None:
        for e in events:
            fh.write(dumps_event(e))
            fh.write("\n")

    if str(out) == "-":
        lines(sys.stdout)
        sys.stdout.flush()
        if truth_path is None:
            return None
    else:
        _atomic_write(Path(out), lines)
    target = Path(truth_path) if truth_path is not None else Path(f"{out}.truth.json")
    _atomic_write(target, lambda fh: json.dump(truth.to_dict(), fh, ensure_ascii=False, indent=1))
    return target
