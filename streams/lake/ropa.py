"""GDPR Art. 30 records of processing, built from what the lake actually holds.

One record per tenant and purpose, answering Art. 30(1): categories of data subjects
(b, c), of personal data (c), recipients (d), transfers to third countries with their
basis (e), retention (f, from the retention policy) and security measures (g). Facts
come from the `events` view (each event once); nothing is typed in by hand, so the
record cannot drift from the processing. Subject categories are derived from data
classes and a few entity types by the fixed map below (documented in docs/records.md).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from streams.lake.location import LakePath
from streams.lake.query import connect
from streams.lake.retention_policy import RetentionPolicy
from streams.lake.signing import PUBLIC_FILE, read_public_keys

FORMATS = ("markdown", "csv", "json")
PERSONAL = ("PCI", "PHI", "PII", "FINANCIAL")
CLASS_SUBJECTS = {"PHI": "patients", "PCI": "payment cardholders",
                  "FINANCIAL": "financial account holders",
                  "PII": "identifiable persons (category not narrower than PII)"}
ENTITY_SUBJECTS = {"US_MBI": "Medicare beneficiaries", "US_NPI": "healthcare providers"}
UNCLASSIFIED = "identified data subjects (no personal data class detected)"

# The deduplicated rows in scope are read once into a temporary table of just the
# columns the records need (no payloads); the six aggregations then run over it.
_SCOPE = ("CREATE TEMP TABLE e AS SELECT tenant, coalesce(purpose, '(unspecified)') AS p, "
          "subject_token, time, key_id, data_classes, entity_types, server, server_region, "
          "tool, region, transfer_to, transfer_basis, transfer_allowed, "
          "list_transform(findings, lambda f: f.action) AS actions FROM events "
          "WHERE $tenant IS NULL OR tenant = $tenant")
_QUERIES = {
    "base": "SELECT tenant, p, count(*), count(DISTINCT subject_token), min(time), max(time), "
            "list_sort(list_distinct(list(key_id))) FROM e GROUP BY ALL ORDER BY ALL",
    "classes": "SELECT tenant, p, c FROM (SELECT tenant, p, unnest(data_classes) AS c FROM e) "
               "GROUP BY ALL ORDER BY ALL",
    "entities": "SELECT tenant, p, t FROM (SELECT tenant, p, unnest(entity_types) AS t FROM e) "
                "GROUP BY ALL ORDER BY ALL",
    "recipients": "SELECT tenant, p, server, server_region, list_sort(list_distinct(list(tool))), "
                  "count(*) FROM e WHERE subject_token IS NOT NULL OR len(list_filter("
                  "coalesce(data_classes, []), lambda x: x <> 'SECRET')) > 0 "
                  "GROUP BY ALL ORDER BY ALL",
    "transfers": "SELECT tenant, p, region, transfer_to, transfer_basis, count(*), count(*) "
                 "FILTER (WHERE NOT coalesce(transfer_allowed, false)) FROM e "
                 "WHERE transfer_to IS NOT NULL GROUP BY ALL ORDER BY ALL",
    "actions": "SELECT tenant, p, a, count(*) FROM (SELECT tenant, p, unnest(actions) AS a "
               "FROM e) GROUP BY ALL ORDER BY ALL",
}


def build(lake: LakePath, policy: RetentionPolicy,
          tenant: str | None = None) -> list[dict[str, Any]]:
    """The records, one per (tenant, purpose), sorted; empty when the lake holds no events."""
    con = connect(lake)
    try:
        con.execute(_SCOPE, {"tenant": tenant})
        got = {k: con.execute(q).fetchall() for k, q in _QUERIES.items()}
    finally:
        con.close()
    by: dict[str, dict[tuple[str, str], list[tuple[Any, ...]]]] = {}
    for kind, rows in got.items():
        by[kind] = defaultdict(list)
        for row in rows:
            by[kind][(row[0], row[1])].append(row[2:])
    signing = _signing_kids(lake)
    records = [_record(key, base[0], by, policy, signing) for key, base in by["base"].items()]
    from streams.erasure.erase import erased_by_tenant

    erased = erased_by_tenant(lake)
    if erased:  # only lakes with erasure receipts grow the field (docs/erasure.md)
        for rec in records:
            rec["erased_subjects"] = erased.get(rec["tenant"], 0)
    return records


def _record(key: tuple[str, str], base: tuple[Any, ...],
            by: dict[str, dict[tuple[str, str], list[tuple[Any, ...]]]],
            policy: RetentionPolicy, signing: list[str]) -> dict[str, Any]:
    events, subjects, first, last, kids = base
    classes = [r[0] for r in by["classes"][key] if r[0] in PERSONAL]
    entities = [r[0] for r in by["entities"][key] if r[0] != "SECRET"]
    categories = sorted({CLASS_SUBJECTS[c] for c in classes}
                        | {ENTITY_SUBJECTS[t] for t in entities if t in ENTITY_SUBJECTS})
    if subjects and not categories:
        categories = [UNCLASSIFIED]
    actions = {a: n for a, n in by["actions"][key]}
    seen = frozenset(r[0] for r in by["classes"][key])
    rule = policy.binding("events", seen)
    security = ([f"values tokenized with keyed HMAC-SHA256 ({actions['tokenized']}), "
                 f"key ids {', '.join(k for k in kids if k)}"] if actions.get("tokenized") else [])
    security += [f"secrets redacted ({actions['redacted']})"] if actions.get("redacted") else []
    security += [f"fields dropped by minimization ({actions['dropped']})"
                 ] if actions.get("dropped") else []
    security += ["data subject ids tokenized per tenant"] if subjects else []
    security += [f"Parquet files chained in Ed25519-signed manifests (keys {', '.join(signing)})"
                 ] if signing else []
    return {
        "tenant": key[0], "purpose": key[1], "events": events,
        "first_seen": _iso(first), "last_seen": _iso(last), "data_subjects": subjects,
        "subject_categories": categories, "data_classes": classes, "entity_types": entities,
        "recipients": [{"server": s, "region": r, "tools": [t for t in tools if t],
                        "events": n} for s, r, tools, n in by["recipients"][key]],
        "transfers": [{"from": f, "to": t, "basis": b, "events": n, "forbidden": bad}
                      for f, t, b, n, bad in by["transfers"][key]],
        "retention": None if rule is None else {
            "days": rule.days, "rule": rule.id, "source": rule.source,
            "applicable": sorted(r.id for r in policy.applicable("events", seen))},
        "security_measures": security,
    }


def _signing_kids(lake: LakePath) -> list[str]:
    path = lake / PUBLIC_FILE
    return sorted(read_public_keys(path)) if path.exists() else []


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _recipients(rec: dict[str, Any]) -> list[str]:
    return [f"{r['server']} ({r['region'] or 'region unknown'}): {', '.join(r['tools'])} "
            f"[{_n(r['events'], 'event')}]" for r in rec["recipients"]]


def _transfers(rec: dict[str, Any]) -> list[str]:
    return [f"{t['from']} -> {t['to']}: basis {t['basis'] or 'none'}, {_n(t['events'], 'event')}"
            + (f", {t['forbidden']} forbidden" if t["forbidden"] else "")
            for t in rec["transfers"]]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _retention(rec: dict[str, Any]) -> str:
    ret = rec["retention"]
    return "no rule applies" if ret is None else f"{ret['days']} days ({ret['rule']})"


def render(records: list[dict[str, Any]], fmt: str) -> str:
    """Markdown (for people), CSV (one row per record) or JSON (the full records)."""
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        erasures = any("erased_subjects" in r for r in records)
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["tenant", "purpose", "events", "first_seen", "last_seen", "data_subjects",
                      "subject_categories", "data_classes", "entity_types", "recipients",
                      "transfers", "forbidden_transfers", "retention", "security_measures"]
                     + (["erased_subjects"] if erasures else []))
        for r in records:
            out.writerow([r["tenant"], r["purpose"], r["events"], r["first_seen"],
                          r["last_seen"], r["data_subjects"], "; ".join(r["subject_categories"]),
                          "; ".join(r["data_classes"]), "; ".join(r["entity_types"]),
                          "; ".join(_recipients(r)), "; ".join(_transfers(r)),
                          sum(t["forbidden"] for t in r["transfers"]), _retention(r),
                          "; ".join(r["security_measures"])]
                         + ([r.get("erased_subjects", 0)] if erasures else []))
        return buf.getvalue()
    return _markdown(records)


def _markdown(records: list[dict[str, Any]]) -> str:
    out = ["# Records of processing activities (GDPR Art. 30)", ""]
    if not records:
        return "\n".join(out + ["The lake holds no events: no processing to record.", ""])
    for r in records:
        rows = [
            ("Events", f"{r['events']} ({r['first_seen']} to {r['last_seen']})"),
            ("Data subjects", f"{r['data_subjects']} distinct, by token"),
            ("Categories of data subjects", "; ".join(r["subject_categories"]) or "none"),
            ("Categories of personal data",
             "; ".join(r["data_classes"] + r["entity_types"]) or "none detected"),
            ("Recipients", "<br>".join(_recipients(r)) or "none"),
            ("Transfers to third countries", "<br>".join(_transfers(r)) or "none"),
            ("Retention", _retention(r)),
            ("Security measures", "<br>".join(r["security_measures"]) or "none recorded"),
        ]
        if "erased_subjects" in r:
            rows.append(("Erased data subjects (Art. 17)",
                         f"{r['erased_subjects']} (crypto-shredded; receipts in _receipts/)"))
        out += [f"## {r['tenant']}: {r['purpose']}", "", "| | |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in rows] + [""]
    return "\n".join(out)
