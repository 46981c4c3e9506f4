"""Foreign text for the detection benchmark: text no detector here was written against.

Each event is an MCP tool result, `{"jsonrpc": "2.0", "id": i, "result": {"content":
[{"type": "text", "text": ...}]}}`, whose text is Faker sentences of one of many locales
holding two to four values: a Faker card number (every provider Faker has, compact or
grouped), a phone number of the locale, an e-mail, an IBAN (of a country in the SWIFT
IBAN registry, compact or in groups of four), a name of the locale, and in English
texts a US SSN.
Half the values follow an English cue ("card: ..."), half sit bare inside a sentence.
The truth (`mcpgov-truth/1` shape, read by `detectors.quality.measure`) is recorded as
the text is built. Values are checked as they are drawn (Luhn for cards, mod-97 and the
registry length for IBANs, at least 7 digits for phones); a draw that fails is redrawn.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from faker import Faker

LOCALES = (
    "en_US", "en_GB", "en_AU", "en_IN", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "it_IT",
    "es_ES", "es_MX", "pt_BR", "pt_PT", "nl_NL", "nl_BE", "pl_PL", "cs_CZ", "sk_SK", "sv_SE",
    "da_DK", "no_NO", "fi_FI", "ru_RU", "uk_UA", "tr_TR", "el_GR", "ro_RO", "hu_HU", "ja_JP",
    "zh_CN", "zh_TW", "ko_KR", "hi_IN", "he_IL", "th_TH", "vi_VN", "id_ID", "fa_IR", "ar_AE",
)  # fmt: skip

# (locale whose provider makes it, card type): every card provider Faker has.
CARDS = (
    *(("en_US", t) for t in ("amex", "diners", "discover", "jcb15", "jcb16", "maestro",
                             "mastercard", "visa13", "visa16", "visa19")),
    ("ru_RU", "mir"), ("ru_RU", "unionpay"), ("uk_UA", "prostir"), ("fa_IR", "meli"),
    ("fa_IR", "mellat"), ("fa_IR", "saderat"), ("fa_IR", "tejarat"), ("fa_IR", "pasargad"),
)

# IBAN length per country of the SWIFT registry (those Faker's bank providers make).
IBAN_LENGTH = {
    "AT": 20, "AZ": 28, "BE": 16, "BR": 29, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24,
    "FI": 18, "FR": 27, "GB": 22, "GR": 27, "IE": 22, "IT": 27, "MK": 19, "NL": 18, "NO": 15,
    "PL": 28, "PT": 25, "RO": 24, "SK": 24, "TR": 26, "UA": 29,
}  # fmt: skip
IBAN_LOCALES = (
    "de_AT", "az_AZ", "nl_BE", "pt_BR", "de_CH", "cs_CZ", "de_DE", "da_DK", "es_ES", "fi_FI",
    "fr_FR", "en_GB", "el_GR", "en_IE", "it_IT", "mk_MK", "nl_NL", "no_NO", "pl_PL", "pt_PT",
    "ro_RO", "sk_SK", "tr_TR", "uk_UA",
)  # fmt: skip
CUES = {"card": "card", "phone": "phone", "email": "email", "iban": "IBAN", "name": "name",
        "ssn": "SSN"}
TYPE = {"card": "CREDIT_CARD", "phone": "PHONE_NUMBER", "email": "EMAIL_ADDRESS",
        "iban": "IBAN_CODE", "name": "PERSON", "ssn": "US_SSN"}
PATH = "$.result.content[0].text"
_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*\d+$")


def luhn_ok(digits: str) -> bool:
    """The card checksum: every valid card number passes it."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """ISO 13616: registry length and mod-97 check digits."""
    if IBAN_LENGTH.get(iban[:2]) != len(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, at = [], 0
    for n in sizes:
        if at < len(digits):
            out.append(digits[at:at + n])
            at += n
    if at < len(digits):
        out.append(digits[at:])
    return sep.join(out)


class Values:
    """Draws checked values; one Faker per locale, all seeded from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        self.seed = seed

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            f = Faker(locale)
            f.seed_instance(self.seed * 1000 + len(self.fakers))
            self.fakers[locale] = f
        return self.fakers[locale]

    def card(self) -> tuple[str, str]:
        locale, kind = self.rng.choice(CARDS)
        while True:
            digits = self.faker(locale).credit_card_number(card_type=kind)
            if luhn_ok(digits):
                break
        style = self.rng.choice(("", "", " ", "-"))
        if style:
            sizes = {15: (4, 6, 5), 14: (4, 6, 4)}.get(len(digits), (4, 4, 4, 4))
            digits = _group(digits, sizes, style)
        return digits, kind

    def phone(self, locale: str) -> tuple[str, str]:
        while True:
            text = self.faker(locale).phone_number()
            number = _EXTENSION.sub("", text)
            if sum(c.isdigit() for c in number) >= 7:
                return text, number

    def iban(self, locale: str) -> tuple[str, str]:
        loc = locale if locale in IBAN_LOCALES else self.rng.choice(IBAN_LOCALES)
        while True:
            iban = self.faker(loc).iban()
            if iban_ok(iban):
                break
            loc = self.rng.choice(IBAN_LOCALES)
        if self.rng.random() < 0.5:
            iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        return iban, iban[:2]

    def name(self, locale: str) -> str:
        f = self.faker(locale)
        if locale[:2] in ("ja", "zh", "ko"):
            return f.name()  # family name first, no titles in these locales
        return f"{f.first_name()} {f.last_name()}"


def build_text(values: Values, locale: str) -> tuple[str, list[dict[str, Any]]]:
    """One tool result's text and the truth of every value in it."""
    rng, fake = values.rng, values.faker(locale)
    chosen = rng.sample(["card", "phone", "email", "iban", "name"], rng.randint(2, 4))
    if locale.startswith("en_"):  # an SSN in every English text: enough of them to score
        chosen.insert(rng.randint(0, len(chosen)), "ssn")
    text, truth = "", []
    for kind in chosen:
        if rng.random() < 0.6:
            text += fake.sentence() + " "
        detail = ""
        if kind == "card":
            shown, detail = values.card()
            value = shown
        elif kind == "phone":
            shown, value = values.phone(locale)
        elif kind == "email":
            shown = value = fake.email()
        elif kind == "iban":
            shown, detail = values.iban(locale)
            value = shown
        elif kind == "name":
            shown = value = values.name(locale)
        else:
            shown = value = values.faker("en_US").ssn()  # en_GB and others make other ids
        if rng.random() < 0.5:
            prefix, suffix = f"{CUES[kind]}: ", ". "
        else:
            words = fake.sentence().rstrip(".。").split()
            cut = rng.randint(0, len(words))
            prefix = " ".join(words[:cut]) + (" " if cut else "")
            suffix = (" " + " ".join(words[cut:]) if cut < len(words) else "") + ". "
        start = len(text) + len(prefix)
        text += prefix + shown + suffix
        truth.append({"entity_type": TYPE[kind], "path": PATH, "start": start,
                      "end": start + len(value), "value": value, "kind": detail or locale})
    if rng.random() < 0.6:
        text += fake.sentence()
    return text.rstrip(), truth


def write_foreign(out: Path, n: int, seed: int) -> dict[str, int]:
    """Write `n` tool-result envelopes to `out` and their truth to `out`.truth.json."""
    values = Values(seed)
    events: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            locale = LOCALES[i % len(LOCALES)]
            text, truth = build_text(values, locale)
            message = {"jsonrpc": "2.0", "id": i + 1,
                       "result": {"content": [{"type": "text", "text": text}]}}
            event_id = f"foreign-{i:06d}"
            fh.write(json.dumps({"event_id": event_id, "session_id": f"foreign-{locale}",
                                 "message": message}, ensure_ascii=False) + "\n")
            events[event_id] = {"values": truth, "lookalikes": []}
            counts.update(v["entity_type"] for v in truth)
    Path(f"{out}.truth.json").write_text(json.dumps(
        {"format": "mcpgov-truth/1", "source": "faker", "seed": seed, "events": events},
        ensure_ascii=False), encoding="utf-8")
    return dict(sorted(counts.items()))
