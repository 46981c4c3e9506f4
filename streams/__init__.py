"""mcpgov: streaming data governance for the Model Context Protocol."""

__version__ = "0.1.0"
