"""Assemble the recognizers: mcpgov's own, Presidio's good ones, YAML, plugins.

Replaced Presidio recognizers (credit card, SSN, IBAN, bank, email validation) are
simply not registered; the registry holds exactly what is listed here, so nothing
loads implicitly and nothing tries to download a model.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from detectors.config import DetectorConfig
from detectors.recognizers.auth_header import AuthHeaderRecognizer
from detectors.recognizers.aws_secret_key import AwsSecretKeyRecognizer
from detectors.recognizers.credential_assignment import CredentialAssignmentRecognizer
from detectors.recognizers.credit_card import PaymentCardRecognizer
from detectors.recognizers.date_of_birth import DateOfBirthRecognizer
from detectors.recognizers.email import OfflineEmailRecognizer
from detectors.recognizers.iban import Mod97IbanRecognizer
from detectors.recognizers.ip_address import VersionAwareIpRecognizer
from detectors.recognizers.jwt import JwtRecognizer
from detectors.recognizers.medical_record import MedicalRecordNumberRecognizer
from detectors.recognizers.person_cue import PersonCueRecognizer
from detectors.recognizers.phone import ShapedPhoneRecognizer
from detectors.recognizers.private_key import PrivateKeyRecognizer
from detectors.recognizers.secret_tokens import SecretTokenRecognizer
from detectors.recognizers.us_bank import UsBankAccountRecognizer, UsRoutingNumberRecognizer
from detectors.recognizers.us_npi import NpiChecksumRecognizer
from detectors.recognizers.us_ssn import SsaSsnRecognizer


def builtin_recognizers(config: DetectorConfig) -> list[EntityRecognizer]:
    """mcpgov's recognizers (some are Presidio's, tuned) and Presidio's NER one."""
    recognizers: list[EntityRecognizer] = [
        PaymentCardRecognizer(),
        SsaSsnRecognizer(),
        NpiChecksumRecognizer(),
        Mod97IbanRecognizer(),
        UsRoutingNumberRecognizer(),
        UsBankAccountRecognizer(),
        MedicalRecordNumberRecognizer(),
        DateOfBirthRecognizer(),
        OfflineEmailRecognizer(),
        ShapedPhoneRecognizer(config.phone_regions),
        VersionAwareIpRecognizer(),
        SecretTokenRecognizer(),
        AwsSecretKeyRecognizer(),
        JwtRecognizer(),
        PrivateKeyRecognizer(),
        AuthHeaderRecognizer(),
        CredentialAssignmentRecognizer(),
        PersonCueRecognizer(),
    ]
    if config.ner:
        recognizers.append(SpacyRecognizer(supported_entities=["PERSON"], name="spacy_ner"))
    return recognizers


def enabled(
    recognizers: list[EntityRecognizer], disabled: frozenset[str]
) -> list[EntityRecognizer]:
    """Drop recognizers named in `disabled` or whose every entity is disabled."""
    out: list[EntityRecognizer] = []
    for rec in recognizers:
        name = getattr(rec, "name", "")
        if name in disabled or all(e in disabled for e in rec.supported_entities):
            continue
        out.append(rec)
    return out
