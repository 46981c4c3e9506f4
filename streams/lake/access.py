"""Every access to one data subject's data: the HIPAA accounting of disclosures.

The lake never holds the subject id, only `data_subject.token`, which the governor
makes with a keyed function per tenant. So the id is tokenized here the same way
(`Tokenizer.subject_token`), for each tenant asked about (all tenants in the lake when
none is named) and under every key id of the keyring (events written before a key
rotation carry the old id's token), and the events with those tokens are listed.
The subject id itself is never printed.
"""

from __future__ import annotations

from typing import Any

from streams.keyring import Keyring
from streams.lake.location import LakePath
from streams.lake.query import connect
from streams.tokens import Tokenizer

COLUMNS = ("time", "tenant", "user", "agent", "tool", "server", "server_region", "direction",
           "purpose", "data_classes", "auth_decision", "event_id")


def subject_tokens(ring: Keyring, subject_id: str, tenants: list[str]) -> list[tuple[str, str]]:
    """(tenant, token) for each tenant and key id: what the governor would have written."""
    out = []
    for tenant in tenants:
        for kid in sorted(ring.keys):
            tokenizer = Tokenizer(Keyring(keys=ring.keys, active=kid))
            out.append((tenant, tokenizer.subject_token(subject_id, tenant)))
    return out


def access_report(lake: LakePath, ring: Keyring, subject_id: str,
                  tenant: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows (oldest first) of every event about the subject."""
    con = connect(lake)
    try:
        tenants = [tenant] if tenant else [r[0] for r in con.execute(
            "SELECT DISTINCT tenant FROM events WHERE tenant IS NOT NULL ORDER BY 1").fetchall()]
        pairs = subject_tokens(ring, subject_id, tenants)
        if not pairs:
            return list(COLUMNS), []
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        match = " OR ".join("(tenant = ? AND subject_token = ?)" for _ in pairs)
        sql = f"SELECT {cols} FROM events WHERE {match} ORDER BY time, event_id"  # noqa: S608
        rows = con.execute(sql, [v for pair in pairs for v in pair]).fetchall()
    finally:
        con.close()
    return list(COLUMNS), rows
