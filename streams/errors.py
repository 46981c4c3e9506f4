"""One root exception for the project; each subpackage derives its own.

Errors carry data (the path, the reason) so callers and logs can say exactly what
went wrong without echoing the input, which may hold sensitive values.
"""

from __future__ import annotations


class MCPGovError(Exception):
    """Root of every error mcpgov raises on purpose."""


class UsageError(MCPGovError):
    """Bad usage or bad input: the CLI maps it to exit code 2."""


class ConfigFieldError(MCPGovError):
    """A definition file (detectors, sentinel rules) is unusable at one field.

    Carries where (`source`: a file or entry point) and what (`field`: a dotted path such
    as `rules[0].window`), so the author can fix it at once; never a scanned value.
    """

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {reason}")


class CheckFailed(MCPGovError):
    """A check found a problem (e.g. tampering): the CLI maps it to exit code 1."""
