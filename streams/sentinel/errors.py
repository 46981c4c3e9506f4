"""Errors of the sentinel, under the project's root `MCPGovError`.

Rule files are written by SOC and data teams, so a bad one must say exactly where it
is wrong (file and field) before the stage starts; a model file that does not parse
must say so rather than silently disable the learned rules.
"""

from __future__ import annotations

from streams.errors import ConfigFieldError, MCPGovError, UsageError


class SentinelError(MCPGovError):
    """Root of the errors the sentinel raises on purpose."""


class RuleConfigError(SentinelError, ConfigFieldError, UsageError):
    """A rule file is unusable: carries the file, the field path and the reason."""


class ModelError(SentinelError, UsageError):
    """A learned model file is missing, unreadable or of an unknown format version."""


class TrainingError(SentinelError, UsageError):
    """Training input is unusable (no lake events, unreadable JSONL line, ...)."""
