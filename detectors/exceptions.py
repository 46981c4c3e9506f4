"""Errors of the detectors package, under the project's root `MCPGovError`."""

from __future__ import annotations

from streams.errors import MCPGovError


class DetectorError(MCPGovError):
    """Root of the errors the detectors raise on purpose."""


class DetectorConfigError(DetectorError):
    """A detector definition (YAML file or plugin) is unusable.

    Carries where (`source`: a file path or an entry point) and what (`field`: a dotted
    path such as `detectors[0].patterns[1].regex`) so the author can fix it at once.
    The message never quotes the value being scanned, only the definition.
    """

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {reason}")
