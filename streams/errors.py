"""One root exception for the project; each subpackage derives its own.

Errors carry data (the path, the reason) so callers and logs can say exactly what
went wrong without echoing the input, which may hold sensitive values.
"""

from __future__ import annotations


class MCPGovError(Exception):
    """Root of every error mcpgov raises on purpose."""


class UsageError(MCPGovError):
    """Bad usage or bad input: the CLI maps it to exit code 2."""


class CheckFailed(MCPGovError):
    """A check found a problem (e.g. tampering): the CLI maps it to exit code 1."""
