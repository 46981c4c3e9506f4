"""Train the model from past governed events: the lake (DuckDB) or a JSONL file.

Training runs the very rules the stage runs, over events in time order, through the
same facts and state code, and keeps what each rule learns (see `model.py`). Train
on a period without known incidents: what the model sees is what it calls normal.
Sessions that already carry an alert of the sentinel's rules in the lake can be left
out (the CLI does by default); the governor's residency alerts are about where data
went, not how the agent behaved, so they do not exclude a session.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams.lake.location import LakePath, lake_location
from streams.sentinel.engine import Sentinel
from streams.sentinel.errors import TrainingError
from streams.sentinel.facts import observe
from streams.sentinel.grammar import Rule
from streams.sentinel.model import Model
from streams.sentinel.rules import LoadedRule

MAX_DIGESTS = 4
_COLUMNS = ("event_id, strftime(time, '%Y-%m-%dT%H:%M:%S.%fZ') AS time, tenant, session_id, "
            "\"user\", agent, client_id, scopes, auth_decision, server, server_version, "
            "server_region, transport, method, tool, direction, purpose, subject_token, "
            "subject_region, data_classes, findings, payload")


def train(events: Iterable[dict[str, Any]], rules: Iterable[Rule | LoadedRule],
          *, source: str = "") -> Model:
    """A model from governed events given in time order."""
    engine = Sentinel(rules, Model())
    stats: dict[str, dict[str, Any]] = {ev.rule.id: {} for ev in engine.evaluators}
    model = Model()
    count, sessions = 0, set()
    for event in events:
        seen = observe(event)
        ctx = engine.context(seen)
        if ctx is None:
            continue
        count += 1
        sessions.add(seen.session_key)
        for ev in engine.evaluators:
            ev.learn(ctx, stats[ev.rule.id])
        engine.save(ctx)
        f = seen.facts
        if f["method"] == "tools/list" and f["direction"] == "response":
            where = f"{f['tenant']}|{f['server']}"
            for tool in seen.listed_tools():
                digests = model.definitions.setdefault(where, {}).setdefault(tool.name, [])
                if tool.digest not in digests:
                    digests[:] = [*digests, tool.digest][-MAX_DIGESTS:]
                model.annotations.setdefault(where, {})[tool.name] = [
                    tool.read_only, tool.open_world, tool.destructive]
    if count == 0:
        raise TrainingError(f"no governed events to train on in {source or 'the input'}")
    for ev in engine.evaluators:
        ev.finish(stats[ev.rule.id], model)
    model.trained = {"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "source": source, "events": count, "sessions": len(sessions),
                     "rules": sorted(stats)}
    return model


def jsonl_events(path: str | Path) -> list[dict[str, Any]]:
    """Governed events of a JSONL file, in time order."""
    events = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError as exc:
                raise TrainingError(f"{path}: line {n} is not JSON") from exc
            if not isinstance(event, dict) or "event_id" not in event or "time" not in event:
                raise TrainingError(f"{path}: line {n} is not a governed event")
            events.append(event)
    events.sort(key=lambda e: (str(e["time"]), str(e["event_id"])))
    return events


def lake_events(lake: LakePath | str, *, exclude_rules: Iterable[str] = (),
                batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Governed events of the lake's `events` view in time order, as the stage sees them;
    sessions with an alert of one of `exclude_rules` are left out."""
    from streams.lake.query import connect

    root = lake_location(lake)
    if not any(root.glob("events/region=*/tenant=*/date=*/*.parquet")):
        raise TrainingError(f"no events in the lake at {root} (expected "
                            "events/region=*/tenant=*/date=*/*.parquet)")
    con = connect(root)
    excluded = sorted(set(exclude_rules))
    where, params = "", []
    if excluded and any(root.glob("alerts/date=*/*.parquet")):
        where = ("WHERE session_id NOT IN (SELECT session_id FROM alerts WHERE session_id "
                 "IS NOT NULL AND list_contains(?, rule_id))")
        params = [excluded]
    cur = con.execute(f"SELECT {_COLUMNS} FROM events {where} "  # noqa: S608 - fixed text
                      "ORDER BY time, event_id", params)
    names = [d[0] for d in cur.description]
    while rows := cur.fetchmany(batch):
        for row in rows:
            yield _event(dict(zip(names, row, strict=True)))


def _event(r: dict[str, Any]) -> dict[str, Any]:
    """A lake row back in the governed event's shape (the fields the sentinel reads)."""
    return {
        "event_id": r["event_id"], "time": r["time"], "tenant": r["tenant"],
        "session_id": r["session_id"],
        "identity": {"user": r["user"], "agent": r["agent"], "client_id": r["client_id"],
                     "scopes": list(r["scopes"] or []),
                     "auth": {"decision": r["auth_decision"]}},
        "server": {"name": r["server"], "version": r["server_version"],
                   "region": r["server_region"], "transport": r["transport"]},
        "method": r["method"], "tool": r["tool"], "direction": r["direction"],
        "purpose": r["purpose"],
        "data_subject": ({"token": r["subject_token"], "region": r["subject_region"]}
                         if r["subject_token"] else None),
        "data_classes": list(r["data_classes"] or []),
        "findings": [dict(f) for f in r["findings"] or []],
        "payload": r["payload"] or "",
    }
