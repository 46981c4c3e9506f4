"""Build the stage objects once from configuration, for every transport alike."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from streams.governor import Governor
from streams.keyring import load_keyring
from streams.policy import load_policy
from streams.tokens import Tokenizer

if TYPE_CHECKING:
    from streams.erasure.keys import SubjectKeys


def build_governor(
    *,
    policy: str | Path | None = None,
    keyring: str | Path | None = None,
    detectors: list[str] | None = None,
    ner: bool = True,
    max_bytes: int | None = None,
    subject_keys: str | Path | SubjectKeys | None = None,
) -> Governor:
    """A Governor with the policy, keyring and detectors named (defaults where not).

    With `subject_keys` (a folder, or a store such as the Kafka one), tokenized values
    of data subjects are also sealed into vault entries under each subject's own key
    (docs/erasure.md).
    """
    from detectors.api import Classifier, DetectorConfig

    classifier = Classifier(DetectorConfig(paths=tuple(detectors or ()), ner=ner))
    kwargs: dict[str, Any] = {} if max_bytes is None else {"max_bytes": max_bytes}
    if isinstance(subject_keys, str | Path):
        from streams.erasure.keys import SubjectKeyStore

        kwargs["subject_keys"] = SubjectKeyStore(subject_keys)
    elif subject_keys is not None:
        kwargs["subject_keys"] = subject_keys
    return Governor(Tokenizer(load_keyring(keyring)), classifier, load_policy(policy),
                    ner=ner, **kwargs)
