"""The schema of declarative YAML detectors, checked before anything is built.

A file holds `detectors:`, a list of entries like:

    - name: employee_id
      entity_type: EMPLOYEE_ID
      patterns:
        - {name: emp, regex: '\\bEMP-[0-9]{6}\\b', score: 0.6}
      context: [employee, staff]
      validator: null          # a name from detectors.checks.ALL_VALIDATORS
      validator_mode: filter   # filter: a failing value is dropped; confirm: passing -> 1.0
      key_hints: [employee_id]
      data_classes: [PII]      # for entity types outside the contract
      case_sensitive: false

Models are strict (no type coercion, no unknown fields): a typo is an error with its
field named, not a silently ignored setting.
"""

from __future__ import annotations

from typing import Literal

import regex as re
from pydantic import BaseModel, ConfigDict, Field, field_validator

from detectors.checks import ALL_VALIDATORS

DataClass = Literal["PCI", "PHI", "PII", "FINANCIAL", "SECRET"]


class PatternModel(BaseModel):
    """One regex and the score a match gets before context and validation."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"bad regex: {exc}") from exc
        if compiled.match(""):
            raise ValueError("bad regex: it matches the empty string")
        return value


class DetectorModel(BaseModel):
    """One declarative detector."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_.\-]{0,63}$")
    entity_type: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")
    patterns: list[PatternModel] = Field(min_length=1)
    context: list[str] = Field(default_factory=list)
    validator: str | None = None
    validator_mode: Literal["filter", "confirm"] = "filter"
    key_hints: list[str] = Field(default_factory=list)
    data_classes: list[DataClass] | None = None
    case_sensitive: bool = False
    enabled: bool = True

    @field_validator("validator")
    @classmethod
    def _known_validator(cls, value: str | None) -> str | None:
        if value is not None and value not in ALL_VALIDATORS:
            known = ", ".join(sorted(ALL_VALIDATORS))
            raise ValueError(f"unknown validator {value!r} (known: {known})")
        return value


class DetectorFile(BaseModel):
    """A YAML file of detectors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    version: Literal[1] = 1
    detectors: list[DetectorModel] = Field(min_length=1)
