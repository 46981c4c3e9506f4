"""Synthetic MCP traffic with ground truth: `mcpgov generate`."""
