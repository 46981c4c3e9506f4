"""Entity types, their data classes, and the precedence that breaks overlap ties.

Decisions (the policy engine keys on these classes, so they are documented here):

- `CREDIT_CARD` is `PCI` and `FINANCIAL`: a PAN puts data in PCI DSS scope and is also
  a financial account number, so a policy written for financial data covers cards
  without a special case.
- `US_BANK_NUMBER`, `IBAN_CODE` are `FINANCIAL`.
- Account numbers (card, bank, IBAN) are one of the 18 HIPAA identifiers, so in a
  health context they are `PHI` as well.
- `SECRET` is `SECRET` only: credentials describe no data subject.
- `MEDICAL_RECORD_NUMBER`, `US_MBI` are `PHI` always (they exist only in health care)
  and `PII` (they single out a person).
- `US_NPI` is `PII` only, never `PHI`: it identifies the provider, not the patient,
  and NPPES publishes it. HIPAA's identifiers are those of the individual.
- Everything else that is personal data (`PERSON`, `EMAIL_ADDRESS`, `PHONE_NUMBER`,
  `US_SSN`, `DATE_OF_BIRTH`, `IP_ADDRESS`, custom types) is `PII`, plus `PHI` when
  the event is in a health context.

Custom detectors (YAML `data_classes`, plugins) register their classes with
`register_entity_classes`.
"""

from __future__ import annotations

DATA_CLASSES = frozenset({"PCI", "PHI", "PII", "FINANCIAL", "SECRET"})

ENTITY_TYPES = (
    "SECRET",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "US_MBI",
    "US_NPI",
    "MEDICAL_RECORD_NUMBER",
    "US_BANK_NUMBER",
    "DATE_OF_BIRTH",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "IP_ADDRESS",
    "PERSON",
)
"""The contract's entity types, in precedence order (first wins a full tie)."""

_PRECEDENCE = {name: i for i, name in enumerate(ENTITY_TYPES)}

_ACCOUNT_NUMBERS = frozenset({"CREDIT_CARD", "US_BANK_NUMBER", "IBAN_CODE"})

_FIXED: dict[str, frozenset[str]] = {
    "CREDIT_CARD": frozenset({"PCI", "FINANCIAL"}),
    "US_BANK_NUMBER": frozenset({"FINANCIAL"}),
    "IBAN_CODE": frozenset({"FINANCIAL"}),
    "SECRET": frozenset({"SECRET"}),
    "MEDICAL_RECORD_NUMBER": frozenset({"PHI", "PII"}),
    "US_MBI": frozenset({"PHI", "PII"}),
    "US_NPI": frozenset({"PII"}),
}

_CUSTOM: dict[str, frozenset[str]] = {}


def register_entity_classes(entity_type: str, classes: frozenset[str] | set[str]) -> None:
    """Declare the data classes of a custom entity type (YAML detectors, plugins)."""
    unknown = set(classes) - DATA_CLASSES
    if unknown:
        raise ValueError(f"unknown data classes {sorted(unknown)}")
    if entity_type not in _PRECEDENCE:
        _CUSTOM[entity_type] = frozenset(classes)


def entity_classes(entity_type: str, *, health_context: bool) -> set[str]:
    """The data classes an entity of `entity_type` puts an event in."""
    if entity_type in _FIXED:
        classes = set(_FIXED[entity_type])
        if health_context and entity_type in _ACCOUNT_NUMBERS:
            classes.add("PHI")
        return classes
    classes = set(_CUSTOM.get(entity_type, {"PII"}))
    if health_context and classes & {"PII"}:
        classes.add("PHI")
    return classes


def precedence(entity_type: str) -> int:
    """Lower wins; custom entity types rank after the contract's ones."""
    return _PRECEDENCE.get(entity_type, len(_PRECEDENCE))
