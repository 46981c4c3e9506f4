"""Erasure by crypto-shredding, and controlled reversal of tokens (docs/erasure.md).

One idea per module: `keys` (a data key per data subject, in a local folder),
`kafka_keys` (the same store on a compacted Kafka topic), `keytable` (that topic's
records and winner rule), `stores` (open the store a `--subject-keys` value names),
`vault` (the reversible values, AES-GCM under the subject's key, landed in the lake),
`roles` (who may detokenize), `erase` (destroy a subject's keys, signed receipt),
`detokenize` (reverse one token, every attempt logged in the lake).
"""

from __future__ import annotations

from streams.erasure.errors import ErasureError, RolesError
from streams.erasure.keys import SubjectKey, SubjectKeys, SubjectKeyStore

__all__ = ["ErasureError", "RolesError", "SubjectKey", "SubjectKeyStore", "SubjectKeys"]
