"""mcpgov's own Presidio recognizers, one per file, for what Presidio misses or overflags.

Each is a `PatternRecognizer` subclass: patterns and context words are class
constants, and only `validate_result` / `invalidate_result` are overridden.
Digits are written `[0-9]`, not `\\d`, so other scripts' digits never reach a checksum.
"""
