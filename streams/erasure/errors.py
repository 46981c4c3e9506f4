"""Typed errors of erasure and detokenization; messages never hold a value or a key."""

from __future__ import annotations

from streams.errors import CheckFailed, MCPGovError, UsageError


class ErasureError(MCPGovError):
    """Root of the errors raised by the subject key store, the vault and erasure."""


class SubjectKeyError(ErasureError, UsageError):
    """A subject key file is unreadable or malformed (exit 2)."""


class SubjectKeyStoreError(ErasureError):
    """The Kafka subject key store cannot answer: no topic, broker down, a timeout."""


class RolesError(ErasureError, UsageError):
    """The detokenize roles file is missing or invalid (exit 2)."""


class Denied(ErasureError, CheckFailed):
    """A detokenize attempt was refused (exit 1); the attempt is already logged."""
