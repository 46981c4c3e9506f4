"""Python detector plugins, discovered through the `mcpgov.detectors` entry-point group.

A distribution declares, in its pyproject.toml:

    [project.entry-points."mcpgov.detectors"]
    badge_id = "acme_detectors:BadgeIdRecognizer"

The object may be a Presidio `EntityRecognizer` subclass (instantiated with no
arguments) or a factory returning a recognizer or a list of them. Optional class
attributes: `DATA_CLASSES` (e.g. `{"PII"}`) for custom entity types and `KEY_HINTS`
(key names that announce its entity). A plugin that fails to import or returns
something else raises `DetectorConfigError` naming the entry point.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable
from typing import cast

from presidio_analyzer import EntityRecognizer

from detectors.classes import register_entity_classes
from detectors.exceptions import DetectorConfigError
from detectors.key_hints import KeyHint, normalize_key

ENTRY_POINT_GROUP = "mcpgov.detectors"


def _instantiate(obj: object, source: str) -> list[EntityRecognizer]:
    if callable(obj):  # a recognizer class, or a factory
        made: object = cast(Callable[[], object], obj)()
    else:
        raise DetectorConfigError(source, "", "is neither an EntityRecognizer nor a factory")
    items = list(made) if isinstance(made, list | tuple) else [made]
    if not items or not all(isinstance(r, EntityRecognizer) for r in items):
        raise DetectorConfigError(source, "", "did not produce Presidio EntityRecognizer(s)")
    return items  # type: ignore[return-value]


def load_plugins() -> tuple[list[EntityRecognizer], list[KeyHint]]:
    """Recognizers (and their key hints) from every installed `mcpgov.detectors` plugin."""
    recognizers: list[EntityRecognizer] = []
    hints: list[KeyHint] = []
    eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    for ep in sorted(eps, key=lambda e: e.name):
        source = f"entry point {ep.name} = {ep.value}"
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - any import failure is a config error
            raise DetectorConfigError(source, "", f"cannot load: {exc!r}") from exc
        for rec in _instantiate(obj, source):
            recognizers.append(rec)
            classes = getattr(rec, "DATA_CLASSES", None)
            keys: Iterable[str] = getattr(rec, "KEY_HINTS", ()) or ()
            for entity in rec.supported_entities:
                if classes:
                    try:
                        register_entity_classes(entity, set(classes))
                    except ValueError as exc:
                        raise DetectorConfigError(source, "DATA_CLASSES", str(exc)) from exc
                norm = frozenset(normalize_key(k) for k in keys)
                if norm:
                    hints.append(KeyHint(entity, norm, norm, None))
    return recognizers, hints
