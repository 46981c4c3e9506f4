"""No network, ever; the pattern path never runs spaCy; NER runs batched on prose only."""

from __future__ import annotations

import socket

import pytest

from detectors.api import Classifier, DetectorConfig, StringSite
from detectors.registry import builtin_recognizers


def _no_network(monkeypatch) -> list[str]:
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted during an offline test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_build_and_analyze_offline(monkeypatch) -> None:
    attempts = _no_network(monkeypatch)
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "https://publicsuffix.org/list/")
    classifier = Classifier(DetectorConfig(use_env=False, plugins=False))
    text = ("Maria Garcia (maria.garcia@example.com, dr.jones@clinic.co.uk) paid with "
            "4111 1111 1111 1111; call +44 20 7946 0123.")
    [spans] = classifier.classify([StringSite("$.t", "text", text)])
    found = {(s.entity_type, text[s.start : s.end]) for s in spans}
    assert found >= {
        ("PERSON", "Maria Garcia"),
        ("EMAIL_ADDRESS", "maria.garcia@example.com"),
        ("EMAIL_ADDRESS", "dr.jones@clinic.co.uk"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
        ("PHONE_NUMBER", "+44 20 7946 0123"),
    }
    assert attempts == []


def test_pattern_path_never_runs_spacy(classifier) -> None:
    nlp = classifier.nlp_engine.nlp

    class Tripwire:
        def pipe(self, *a: object, **k: object) -> None:
            raise AssertionError("spaCy ran on the pattern path")

        def __call__(self, *a: object, **k: object) -> None:
            raise AssertionError("spaCy ran on the pattern path")

    calls = classifier.nlp_engine.ner_calls
    classifier.nlp_engine.nlp = Tripwire()
    try:
        text = "Patient Maria Garcia, SSN 536-22-1234, card 4111111111111111."
        [spans] = classifier.classify([StringSite("$.t", "text", text)], ner=False)
    finally:
        classifier.nlp_engine.nlp = nlp
    assert {s.entity_type for s in spans} >= {"US_SSN", "CREDIT_CARD"}
    assert all(s.detector != "spacy_ner" for s in spans)  # PERSON here comes from a cue word
    assert classifier.nlp_engine.ner_calls == calls


def test_ner_false_config_loads_no_model(patterns) -> None:
    assert patterns.nlp_engine.nlp is None
    assert all(r.name != "spacy_ner" for r in patterns.recognizers)


def test_ner_runs_once_per_call_over_prose_only(monkeypatch) -> None:
    classifier = Classifier(DetectorConfig(use_env=False, plugins=False))
    batches: list[list[str]] = []
    real = classifier.nlp_engine.nlp.pipe

    def spy(texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        batches.append(texts)
        return real(texts, **kwargs)

    monkeypatch.setattr(classifier.nlp_engine.nlp, "pipe", spy)
    sites = [
        StringSite("$.a", "text", "Maria Garcia was seen today."),
        StringSite("$.b", "id", "req-7f3a9c"),
        StringSite("$.c", "method", "tools/call"),
        StringSite("$.d", "card", "4111111111111111"),
        StringSite("$.e", "notes", "Follow up with Wei Zhang next week."),
        StringSite("$.f", "status", "ok"),
    ]
    out = classifier.classify(sites)
    assert len(batches) == 1 and len(batches[0]) == 2  # one pipe, the two prose strings
    assert [s.entity_type for s in out[0]] == ["PERSON"]
    assert [s.entity_type for s in out[4]] == ["PERSON"]
    classifier.classify(sites)  # the same texts again: answered from the cache
    assert len(batches) == 1


@pytest.mark.parametrize("ner", [True, False])
def test_skippable_strings_cost_no_analysis(classifier, monkeypatch, ner: bool) -> None:
    calls: list[str] = []
    real = classifier.engine.analyze

    def spy(text, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(text, *a, **k)

    monkeypatch.setattr(classifier.engine, "analyze", spy)
    sites = [StringSite(f"$.{i}", "k", t) for i, t in
             enumerate(["2.0", "tools/call", "true", "text", "get_patient_record", "ok", "",
                        "2025-06-18", "2026-11-22T06:30:00.123456Z", "1.8.3", "v2.10.4-rc.1",
                        "123e4567-e89b-12d3-a456-426614174000", "3974.37", "-1717.58", "8812",
                        "tokenize_card", "max_tokens"])]
    assert classifier.classify(sites, ner=ner) == [[] for _ in sites]
    assert calls == []


def test_recognizer_class_names_do_not_shadow_presidio() -> None:
    """Presidio finds its recognizers by class name among all subclasses: ours must differ."""
    import presidio_analyzer.predefined_recognizers as predefined

    presidio = {n for n in dir(predefined) if n.endswith("Recognizer")}
    ours = {type(r).__name__ for r in builtin_recognizers(DetectorConfig(ner=False))}
    assert not ours & presidio
    from presidio_analyzer import RecognizerRegistry

    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])  # still builds in the same process
    assert any(type(r).__name__ == "CreditCardRecognizer" for r in registry.recognizers)


OFFLINE_SCRIPT = r"""
import os, socket, sys
def refuse(*a, **k):
    raise OSError("network access attempted")
socket.create_connection = refuse
socket.socket.connect = refuse
socket.getaddrinfo = refuse
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = "https://publicsuffix.org/list/"
os.environ["HF_HUB_OFFLINE"] = "0"
from detectors.api import Classifier, DetectorConfig, StringSite
c = Classifier(DetectorConfig(use_env=False, plugins=False))
text = "Write to ana.lima@mail.example.co.uk or Wei Zhang at wei@example.com"
[spans] = c.classify([StringSite("$.t", "text", text)])
print(sorted({s.entity_type for s in spans}))
"""


def test_a_fresh_process_builds_and_classifies_with_sockets_refused() -> None:
    """Nothing was cached by earlier tests: import, build and first use, all offline."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[3]
    done = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['EMAIL_ADDRESS', 'PERSON']"


def test_large_strings_stay_linear(patterns) -> None:
    """200 KB of digits and separators, or of repeated findings: seconds, not minutes."""
    import random
    import time

    rng = random.Random(1)
    digits = "".join(rng.choice("0123456789 -.") for _ in range(200_000))
    words = " ".join(rng.choice(["Dr.", "Maria", "card", "4111111111111111", "x@y.com",
                                 "phone", "(415) 555-0101", "account", "12345678"])
                     for _ in range(30_000))  # fmt: skip
    for text in (digits, words):
        start = time.process_time()
        patterns.classify([StringSite("$.t", "text", text)], ner=False)
        assert time.process_time() - start < 20


def test_cached_short_sites_answer_as_computed_ones(patterns) -> None:
    """The short-site cache never changes an answer, and path-dependent keys stay apart."""
    sites = [
        StringSite("$.company.name", "name", "Acme Health Partners"),
        StringSite("$.patient.name", "name", "Maria Garcia"),
        StringSite("$.note", "note", "card 4111 1111 1111 1111 on file"),
        StringSite("$.x", None, "jsonrpc"),
    ]
    patterns.clear_cache()
    cold = patterns.classify(sites, ner=False)
    warm = patterns.classify(list(reversed(sites)), ner=False)[::-1]
    assert cold == warm
    assert cold[0] == [] and [s.entity_type for s in cold[1]] == ["PERSON"]
    assert [s.entity_type for s in cold[2]] == ["CREDIT_CARD"]
    # the same text under a company's `name` and a patient's `name` is answered apart
    swapped = patterns.classify([StringSite("$.company.name", "name", "Maria Garcia")],
                                ner=False)
    assert swapped == [[]]


def test_ner_reads_a_bounded_share_of_a_huge_string(monkeypatch) -> None:
    """A megabyte of prose costs NER its budget, not a minute; names NER found in the part
    it read are still found again past it."""
    classifier = Classifier(DetectorConfig(use_env=False, plugins=False, ner_max_chars=2_000))
    seen: list[int] = []
    real = classifier.nlp_engine.persons

    def spy(texts):  # type: ignore[no-untyped-def]
        seen.extend(len(t) for t in texts)
        return real(texts)

    monkeypatch.setattr(classifier.nlp_engine, "persons", spy)
    filler = "The committee reviewed the quarterly figures and agreed on the next steps. "
    text = "The clinic called Maria Garcia today. " + filler * 2_000 + "Maria Garcia again."
    [spans] = classifier.classify([StringSite("$.note", "note", text)])
    assert sum(seen) <= 2_000
    found = [text[s.start : s.end] for s in spans if s.entity_type == "PERSON"]
    assert "Maria Garcia" in found[0] and text.rindex("Maria") in {s.start for s in spans}


def test_repeats_within_one_call_are_classified_once(patterns, monkeypatch) -> None:
    """Keys and metadata repeat in every event of a batch: each distinct short site is
    computed once per call, and every repeat gets its own copy of the answer."""
    patterns.clear_cache()
    seen: list[int] = []
    real = patterns._classify

    def spy(sites, ner):  # type: ignore[no-untyped-def]
        seen.append(len(sites))
        return real(sites, ner)

    monkeypatch.setattr(patterns, "_classify", spy)
    site = StringSite("$.params.arguments~", None, "ssn 234-56-7891")
    out = patterns.classify([site, StringSite("$.x", None, "jsonrpc"), site, site], ner=False)
    assert seen == [2]
    assert out[0] == out[2] == out[3] and out[0] and out[0] is not out[2]
