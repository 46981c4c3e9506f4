"""How a `Classifier` is built: which detectors, which thresholds, NER or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from detectors.nlp import DEFAULT_MODEL

DEFAULT_PHONE_REGIONS = (
    "US", "GB", "DE", "FR", "AU", "IN", "CA", "ES", "IT", "NL", "BR", "PT", "JP", "PL", "SE",
    "DK", "FI", "NO", "CZ", "HU", "TR", "RU", "CN", "KR", "IL", "MX", "CH", "AT", "ID", "TH",
)  # fmt: skip
"""National formats tried, in order, after an event's own region hints: the regions of
the locales Faker draws phone numbers for (the recall measurement in the detector tests)."""


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Everything that shapes detection; the defaults are the shipped behaviour."""

    paths: tuple[str | Path, ...] = ()
    """Extra YAML detector files or directories (added to the builtin ones)."""
    builtin_yaml: bool = True
    """Load the shipped `detectors/builtin/*.yaml`."""
    use_env: bool = True
    """Also load the paths listed in `MCPGOV_DETECTORS` (os.pathsep-separated)."""
    plugins: bool = True
    """Discover Python plugins in the `mcpgov.detectors` entry-point group."""
    ner: bool = True
    """Load the spaCy NER model (PERSON in free text). False: patterns and key hints only."""
    spacy_model: str = DEFAULT_MODEL
    min_score: float = 0.4
    """A detection below this score (after context and key hints) is not reported."""
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS
    """Regions whose national formats phonenumbers tries (international +CC always)."""
    disabled: frozenset[str] = field(default_factory=frozenset)
    """Entity types or recognizer names to leave out (e.g. {"IP_ADDRESS"})."""
    ner_batch_size: int = 64
    ner_max_chars: int = 200_000
    """NER reads at most this many characters of one string (spaCy reads about 50 KB of
    prose per CPU-second): a megabyte of prose must not hold up the partition behind it.
    Past the budget, names come from cue words, key hints and later mentions of the names
    NER found before it (which are looked for in the whole string)."""
