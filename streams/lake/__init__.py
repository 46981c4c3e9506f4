"""The lake: minimized, Hive-partitioned, tamper-evident Parquet, and SQL over it.

Layout: `<lake>/events/region=<r>/tenant=<t>/date=YYYY-MM-DD/<name>.parquet`,
`<lake>/alerts/date=YYYY-MM-DD/<name>.parquet`, and beside them the signed manifests
under `<lake>/_manifests/` (see docs/lake.md). One idea per module: `rows` (columns),
`parquet` (deterministic files), `atomic` (temp + fsync + rename), `signing` (Ed25519
from the keyring), `manifest` (the hash chain), `store` (`Lake`: write and record),
`verify`, `query`, `landing` (Kafka batches and their replay plans).
"""

from __future__ import annotations

from streams.lake.errors import (
    LakeError,
    LakeWriteError,
    ManifestError,
    QueryError,
    SigningKeyError,
)
from streams.lake.parquet import parquet_bytes, write_parquet
from streams.lake.rows import ALERT_SCHEMA, EVENT_SCHEMA, FINDING, alert_row, dumps, event_row
from streams.lake.signing import Signer
from streams.lake.store import Lake, land_alerts, land_events

__all__ = [
    "ALERT_SCHEMA", "EVENT_SCHEMA", "FINDING", "Lake", "LakeError", "LakeWriteError",
    "ManifestError", "QueryError", "Signer", "SigningKeyError", "alert_row", "dumps",
    "event_row", "land_alerts", "land_events", "parquet_bytes", "write_parquet",
]
