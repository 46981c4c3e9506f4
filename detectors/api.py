"""The detection API the governor codes against.

    sites = iter_strings(message)                 # every string, with JSON path and key
    spans = classifier.classify(sites)            # one list of Span per site
    payload = replace_strings(message, {site.path: tokenized_text, ...})

`Classifier` is built once per worker (it loads the spaCy NER model) and reused for
every message; `entity_classes` maps a finding to the data classes policy keys on.
"""

from __future__ import annotations

from detectors.classes import entity_classes, register_entity_classes
from detectors.classifier import Classifier
from detectors.config import DetectorConfig
from detectors.exceptions import DetectorConfigError, DetectorError
from detectors.jsonwalk import StringSite, iter_strings, replace_strings
from detectors.overlap import Span

__all__ = [
    "Classifier",
    "DetectorConfig",
    "DetectorConfigError",
    "DetectorError",
    "Span",
    "StringSite",
    "entity_classes",
    "iter_strings",
    "register_entity_classes",
    "replace_strings",
]
