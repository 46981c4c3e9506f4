"""Build the stage objects once from configuration, for every transport alike."""

from __future__ import annotations

from pathlib import Path

from streams.governor import Governor
from streams.keyring import load_keyring
from streams.policy import load_policy
from streams.tokens import Tokenizer


def build_governor(
    *,
    policy: str | Path | None = None,
    keyring: str | Path | None = None,
    detectors: list[str] | None = None,
    ner: bool = True,
    max_bytes: int | None = None,
) -> Governor:
    """A Governor with the policy, keyring and detectors named (defaults where not)."""
    from detectors.api import Classifier, DetectorConfig

    classifier = Classifier(DetectorConfig(paths=tuple(detectors or ()), ner=ner))
    kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
    return Governor(Tokenizer(load_keyring(keyring)), classifier, load_policy(policy),
                    ner=ner, **kwargs)
