"""Checksum and structure validators for identifiers.

Shared by the detectors (to reject look-alikes) and the traffic generator (to make
valid synthetic values), so both sides agree on what "valid" means. Each function
takes the raw string, ignores the usual separators, and returns a bool; none raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SEPARATORS = re.compile(r"[\s\-.]")


def digits_only(value: str) -> str:
    """Strip spaces, dashes and dots; what is left is compared as digits."""
    return _SEPARATORS.sub("", value)


def _ascii_digits(d: str) -> bool:
    """Only 0-9: str.isdigit() also accepts superscripts and full-width digits."""
    return d.isascii() and d.isdigit()


def luhn_checksum(digits: str) -> int:
    """The Luhn sum mod 10 of a digit string (0 means the string passes)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10


def luhn_check_digit(partial: str) -> str:
    """The digit that, appended to `partial`, makes it Luhn-valid."""
    return str((10 - luhn_checksum(partial + "0")) % 10)


def luhn(value: str) -> bool:
    """True when `value` (separators allowed) is all digits and passes Luhn."""
    d = digits_only(value)
    return _ascii_digits(d) and luhn_checksum(d) == 0


# Issuer identification numbers (IIN/BIN ranges) of the card networks, as
# (network, low prefix, high prefix, allowed lengths); a number belongs to a row when its
# first len(low) digits lie in [low, high] and its length is allowed.
# Sources: Wikipedia "Payment card number" (IIN ranges table, current and defunct
# networks), the networks' public BIN documentation (Mastercard 2-series, Discover's
# IIN ranges incl. the UnionPay co-brand, JCB's 15-digit 1800/2131), and the public
# BIN lists of the regional schemes (Elo, Hipercard, Verve, Troy, MIR, RuPay).
# Defunct networks stay listed: their numbers still sit in old records and logs.
# JCB is taken as the whole 35 range, as the classic JCB pattern `35\d{3}` and card
# generators (Faker) write it: 3500-3527 is assigned to no other network.
_L12_19 = tuple(range(12, 20))
_L14_19 = tuple(range(14, 20))
_L16_19 = (16, 17, 18, 19)
_L16_18_19 = (16, 18, 19)

CARD_IINS: tuple[tuple[str, str, str, tuple[int, ...]], ...] = (
    ("visa", "4", "4", (13, 16, 19)),  # Visa Electron 4026/417500/4508/4844/4913/4917 too
    ("mastercard", "51", "55", (16,)),  # Diners US/Canada 54-55 too
    ("mastercard", "2221", "2720", (16,)),
    ("amex", "34", "34", (15,)),
    ("amex", "37", "37", (15,)),
    ("discover", "6011", "6011", _L16_19),
    ("discover", "644", "649", _L16_19),
    ("discover", "65", "65", _L16_19),  # Troy and RuPay share 65
    ("discover", "622126", "622925", _L16_19),  # UnionPay co-brand
    ("diners", "300", "305", _L14_19),  # Carte Blanche
    ("diners", "3095", "3095", _L14_19),
    ("diners", "36", "36", _L14_19),
    ("diners", "38", "39", _L14_19),
    ("diners_enroute", "2014", "2014", (15,)),
    ("diners_enroute", "2149", "2149", (15,)),
    ("jcb", "35", "35", _L16_19),  # 3528-3589 as issued; 3500-3527 belongs to no one else
    ("jcb", "1800", "1800", (15,)),
    ("jcb", "2131", "2131", (15,)),
    ("unionpay", "62", "62", _L16_19),
    ("unionpay", "81", "81", _L16_19),
    ("china_t_union", "31", "31", (19,)),
    ("maestro", "50", "50", _L12_19),  # Maestro: 50 and 56-69 (5018, 5020, 5038, 5893,
    ("maestro", "56", "69", _L12_19),  # 6304, 6759, 6761-6763, ... as issued)
    ("maestro", "0604", "0604", _L12_19),  # listed with 6390 in older IIN tables
    ("mir", "2200", "2204", _L16_19),
    ("borica", "2205", "2205", (16,)),
    ("rupay", "60", "60", (16,)),
    ("rupay", "508", "508", (16,)),
    ("rupay", "353", "353", (16,)),
    ("rupay", "356", "356", (16,)),
    ("rupay", "81", "82", (16,)),
    ("elo", "401178", "401179", (16,)),
    ("elo", "431274", "431274", (16,)),
    ("elo", "438935", "438935", (16,)),
    ("elo", "451416", "451416", (16,)),
    ("elo", "457393", "457393", (16,)),
    ("elo", "457631", "457632", (16,)),
    ("elo", "504175", "504175", (16,)),
    ("elo", "506699", "506778", (16,)),
    ("elo", "509000", "509999", (16,)),
    ("elo", "627780", "627780", (16,)),
    ("elo", "636297", "636297", (16,)),
    ("elo", "636368", "636368", (16,)),
    ("elo", "650031", "650033", (16,)),
    ("elo", "650035", "650051", (16,)),
    ("elo", "650405", "650439", (16,)),
    ("elo", "650485", "650538", (16,)),
    ("elo", "650541", "650598", (16,)),
    ("elo", "650700", "650718", (16,)),
    ("elo", "650720", "650727", (16,)),
    ("elo", "650901", "650978", (16,)),
    ("elo", "651652", "651679", (16,)),
    ("elo", "655000", "655019", (16,)),
    ("elo", "655021", "655058", (16,)),
    ("hipercard", "606282", "606282", _L16_19),
    ("hipercard", "3841", "3841", _L16_19),  # 384100, 384140, 384160
    ("verve", "506099", "506198", _L16_18_19),
    ("verve", "507865", "507964", _L16_18_19),
    ("verve", "650002", "650027", _L16_18_19),
    ("troy", "9792", "9792", (16,)),
    ("dankort", "5019", "5019", (16,)),
    ("uatp", "1", "1", (15,)),
    ("bc_card", "6541", "6541", (16,)),
    ("bc_card", "6556", "6556", (16,)),
    ("interpayment", "636", "636", _L16_19),
    ("instapayment", "637", "639", (16,)),
    ("ukrcard", "60400100", "60420099", _L16_19),
    ("gpn", "1946", "1946", _L16_18_19),
    ("napas", "9704", "9704", (16, 19)),
    ("uzcard", "8600", "8600", (16,)),
    ("humo", "9860", "9860", (16,)),
    ("lankapay", "357111", "357111", (16,)),
    ("nps_pridnestrovie", "6054740", "6054744", (16,)),
    ("laser", "6304", "6304", _L16_19),  # defunct
    ("laser", "6706", "6706", _L16_19),
    ("laser", "6709", "6709", _L16_19),
    ("laser", "6771", "6771", _L16_19),
    ("solo", "6334", "6334", _L16_18_19),  # defunct
    ("solo", "6767", "6767", _L16_18_19),
    ("switch", "633110", "633110", _L16_18_19),  # defunct; 4903.. and 564182 are Visa/Maestro
    ("switch", "6333", "6333", _L16_18_19),
    ("bankcard", "5610", "5610", (16,)),  # defunct
    ("bankcard", "560221", "560225", (16,)),
)
"""Every network's IIN ranges and issued lengths (see the source note above)."""

_CARD_SEPARATORS = re.compile(r"[\s\-./_]")


def card_digits(value: str) -> str:
    """The digits of a printed card number: spaces, dashes, dots, slashes, underscores go."""
    return _CARD_SEPARATORS.sub("", value)


_MOST_SPECIFIC_FIRST = sorted(CARD_IINS, key=lambda row: -len(row[1]))


def card_network(digits: str) -> str | None:
    """The network whose IIN range and issued lengths fit `digits` (None when none does).

    The longest matching prefix names it: 6011 is Discover before 60 is RuPay.
    """
    n = len(digits)
    for network, low, high, lengths in _MOST_SPECIFIC_FIRST:
        if n in lengths and low <= digits[: len(low)] <= high:
            return network
    return None


def card_network_ok(digits: str) -> bool:
    """True when the digits start with a known issuer prefix at an allowed length."""
    return card_network(digits) is not None


def luhn_card_number(value: str) -> bool:
    """12 to 19 ASCII digits (separators allowed) passing Luhn: card-shaped, any network."""
    d = card_digits(value)
    return _ascii_digits(d) and 12 <= len(d) <= 19 and luhn_checksum(d) == 0


def known_card_network(value: str) -> bool:
    """A Luhn-valid 12-19 digit number whose prefix and length belong to a known network.

    The recognizer reports such a number without any context word; a Luhn-valid number
    outside every range is a card only when the text or the key says so.
    """
    return luhn_card_number(value) and card_network(card_digits(value)) is not None


def credit_card(value: str) -> bool:
    """A payment card number: 12 to 19 digits, known network prefix, Luhn-valid."""
    return known_card_network(value)


def us_ssn(value: str) -> bool:
    """An SSN by SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    d = digits_only(value)
    if len(d) != 9 or not _ascii_digits(d):
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    # Values the SSA voided after public misuse (advertising cards, the Woolworth card).
    return d not in {"078051120", "219099999", "123456789"}


IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
    # Not (or not yet) in the SWIFT registry but issued and validated by banks: the
    # experimental IBANs of the African and Middle-East schemes, and the French
    # overseas territories under their own code (their registry form starts FR).
    "AO": 25, "BF": 28, "BJ": 28, "CF": 27, "CG": 27, "CI": 28, "CM": 27, "CV": 25,
    "DZ": 26, "GA": 27, "GQ": 27, "GW": 25, "IR": 26, "KM": 27, "MA": 28, "MG": 27,
    "ML": 28, "MZ": 25, "NE": 28, "SN": 28, "TD": 27, "TG": 28,
    "BL": 27, "GF": 27, "GP": 27, "MF": 27, "MQ": 27, "NC": 27, "PF": 27, "PM": 27,
    "RE": 27, "TF": 27, "WF": 27, "YT": 27,
}  # fmt: skip
"""Total IBAN length per country: the SWIFT IBAN registry (release of 2025: 89
countries), then the partial/experimental ones listed by banks' IBAN references."""

IBAN_NUMERIC_BBAN = frozenset({
    "AT", "BA", "BE", "CZ", "DE", "DK", "EE", "ES", "FI", "FO", "GL", "HR", "HU", "IL",
    "LT", "ME", "NO", "PL", "PT", "RS", "SE", "SI", "SK", "TN", "XK",
})  # fmt: skip
"""Countries whose BBAN is digits only (registry formats such as DE `8!n10!n`): a
letter in it makes the value something else, whatever mod-97 says."""

_IBAN_SEPARATORS = re.compile(r"[\s\-]")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", re.ASCII)


def mod97(value: str) -> bool:
    """An IBAN: country code, two check digits, BBAN; ISO 13616 mod-97 equals 1.

    Any case, spaces or dashes between the groups. A country in the length table must
    have its length (and digits only where its BBAN is numeric); an unknown country is
    judged by mod-97 alone.
    """
    s = _IBAN_SEPARATORS.sub("", value).upper()
    if not _IBAN_SHAPE.fullmatch(s):
        return False
    country = s[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is not None and len(s) != expected:
        return False
    if country in IBAN_NUMERIC_BBAN and not s[4:].isdigit():
        return False
    rearranged = s[4:] + s[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits that make `country + ?? + bban` a valid IBAN."""
    numeric = "".join(str(int(ch, 36)) for ch in (bban + country + "00").upper())
    return f"{98 - int(numeric) % 97:02d}"


def aba_routing(value: str) -> bool:
    """An ABA routing number: 9 digits, weights 3-7-1, sum divisible by 10."""
    d = digits_only(value)
    if len(d) != 9 or not _ascii_digits(d):
        return False
    head = int(d[:2])
    if not (0 <= head <= 12 or 21 <= head <= 32 or 61 <= head <= 72 or head == 80):
        return False
    w = (3, 7, 1) * 3
    return sum(int(c) * k for c, k in zip(d, w, strict=True)) % 10 == 0


def npi(value: str) -> bool:
    """A US National Provider Identifier: 10 digits starting 1 or 2, Luhn over 80840 + NPI."""
    d = digits_only(value)
    return len(d) == 10 and _ascii_digits(d) and d[0] in "12" and luhn_checksum("80840" + d) == 0


def npi_check_digit(first9: str) -> str:
    """The tenth digit that makes `first9` a valid NPI."""
    return luhn_check_digit("80840" + first9)


_MBI = re.compile(
    r"[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d"
    r"[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y]\d\d"
)


def us_mbi(value: str) -> bool:
    """A Medicare Beneficiary Identifier (CMS format, 11 characters, no S L O I B Z)."""
    return bool(_MBI.fullmatch(re.sub(r"[\s\-]", "", value).upper()))


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "credit_card": credit_card,
    "ssn": us_ssn,
    "mod97": mod97,
    "iban": mod97,
    "aba": aba_routing,
    "npi": npi,
    "mbi": us_mbi,
}
"""Validators by the name YAML detectors use (`validator: luhn`)."""
