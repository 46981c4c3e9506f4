"""Synthetic MCP traffic with ground truth: `mcpgov generate`.

`generate(sessions, seed)` returns raw envelopes (CONTRACT.md section 1) in time
order and a `Truth` (every sensitive value and look-alike with its JSON path and
offsets, every session's label); `write` saves both. See `streams.generate.truth`
for the truth file format and `streams.generate.scripts` for the session kinds.
"""

from streams.generate.api import generate, write
from streams.generate.truth import Truth

__all__ = ["Truth", "generate", "write"]
