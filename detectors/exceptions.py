"""Errors of the detectors package, under the project's root `MCPGovError`."""

from __future__ import annotations

from streams.errors import ConfigFieldError, MCPGovError


class DetectorError(MCPGovError):
    """Root of the errors the detectors raise on purpose."""


class DetectorConfigError(DetectorError, ConfigFieldError):
    """A detector definition (YAML file or plugin) is unusable: file, field path
    (e.g. `detectors[0].patterns[1].regex`) and reason, never the value being scanned."""
