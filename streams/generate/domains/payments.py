"""Card payments and reconciliation (PCI): payments, settlements, disputes, config.

Card numbers turn up where they do in real integrations: a legacy API returning the
full PAN, a settlement CSV, a tokenization call's arguments, a cardholder's letter;
beside them the look-alikes that should not trip a detector (masked PANs, order
numbers, terminal references that fail Luhn, tracking numbers).
"""

from __future__ import annotations

import base64
import random

from streams.generate import cards, credentials, lookalikes, values
from streams.generate.domains.base import (
    Ctx,
    Outcome,
    Subject,
    common_subject,
    csv_text,
    md_table,
    text,
)

MERCHANTS = (
    "Blue Fern Books",
    "Harbor Coffee Co",
    "Nimbus Outdoor",
    "Kestrel Electronics",
    "Saffron Kitchen",
    "Atlas Travel Gear",
)


def make_subject(rng: random.Random, sid: str, region: str) -> Subject:
    """A cardholder with one or two cards."""
    s = common_subject(rng, sid, region)
    for i in range(rng.choice((1, 1, 2))):
        digits, net = cards.pan_digits(rng)
        s.facts[f"pan{i}"] = cards.format_pan(rng, digits)
        s.facts[f"net{i}"] = net
    s.facts["exp"] = f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}"
    return s


def _pan(c: Ctx, s: Subject) -> str:
    i = "1" if "pan1" in s.facts and c.rng.random() < 0.5 else "0"
    return c.pos("CREDIT_CARD", s.facts[f"pan{i}"], s.facts[f"net{i}"])


def _amount(rng: random.Random) -> str:
    return f"{rng.uniform(3, 900):.2f}"


def get_payment(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    full = r.random() < 0.55  # a legacy processor API still returns the full PAN
    digits = s.facts["pan0"].replace(" ", "").replace("-", "")
    card = _pan(c, s) if full else c.neg("MASKED_PAN", lookalikes.masked_pan(c.rng, digits))
    pay = {
        "id": f"pay_{r.getrandbits(48):012x}",
        "amount": _amount(r),
        "currency": r.choice(("USD", "EUR", "GBP")),
        "status": r.choice(("captured", "authorized", "refunded")),
        "card": {"number": card, "network": s.facts["net0"], "exp": s.facts["exp"]},
        "billing_details": {
            "name": (name := c.pos("PERSON", s.full)),
            "email": c.pos("EMAIL_ADDRESS", s.facts["email"]),
            "phone": c.pos("PHONE_NUMBER", s.facts["phone"]),
        },
        "order_id": c.neg("ORDER_NUMBER"),
        "created": c.neg("ISO_TIMESTAMP"),
        "metadata": {"invoice": c.neg("INVOICE_ID"), "api_version": c.neg("VERSION")},
    }
    result = {"content": text(c.json_text(pay, indent=2)), "structuredContent": pay}
    return Outcome({"payment_id": pay["id"]}, result, leaks=[card, name])


def _other_pan(c: Ctx) -> str:
    digits, net = cards.pan_digits(c.rng)
    return c.pos("CREDIT_CARD", cards.format_pan(c.rng, digits), net)


def list_transactions(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    rows = [
        [
            c.neg("ISO_TIMESTAMP"),
            _pan(c, s),
            _amount(r),
            f"{r.randint(0, 999999):06d}",
            c.neg("ORDER_NUMBER"),
        ]
    ]
    for _ in range(r.randint(2, 9)):
        card = _other_pan(c) if r.random() < 0.6 else c.neg("MASKED_PAN")
        rows.append(
            [
                c.neg("ISO_TIMESTAMP"),
                card,
                _amount(r),
                f"{r.randint(0, 999999):06d}",
                c.neg("ORDER_NUMBER"),
            ]
        )
    r.shuffle(rows)
    body = csv_text(["captured_at", "pan", "amount", "auth_code", "order_ref"], rows)
    if r.random() < 0.5:
        body = f"Transactions for merchant {r.choice(MERCHANTS)} ({len(rows)} rows)\n\n" + body
    return Outcome(
        {"merchant_id": f"mch_{r.randint(1000, 9999)}", "date": "2026-01-15"},
        {"content": text(body)},
    )


def reconcile_settlement(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    rows = [
        [
            c.neg("INVOICE_ID"),
            c.neg("LUHN_INVALID_NUMBER"),
            _amount(r),
            _amount(r),
            "amount mismatch",
        ],
        [c.neg("INVOICE_ID"), _pan(c, s), _amount(r), "—", "missing in ledger"],
    ]
    for _ in range(r.randint(0, 3)):
        rows.append(
            [c.neg("INVOICE_ID"), c.neg("MASKED_PAN"), _amount(r), _amount(r), "fx rounding"]
        )
    table = md_table(["Invoice", "Card / terminal ref", "Processor", "Ledger", "Issue"], rows)
    summary = {"batch": c.neg("UUID"), "matched": r.randint(200, 4000), "unmatched": len(rows)}
    return Outcome(
        {"batch_id": summary["batch"]},
        {
            "content": text(f"Settlement reconciliation\n\n{table}", c.json_text(summary)),
            "structuredContent": summary,
        },
    )


def tokenize_card(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    month, year = s.facts["exp"].split("/")
    args = {
        "card_number": _pan(c, s),
        "exp_month": month,
        "exp_year": "20" + year,
        "cardholder_name": c.pos("PERSON", s.full),
    }
    if r.random() < 0.1:
        return Outcome(args, {"content": text("card_declined: do_not_honor"), "isError": True})
    tok = f"tok_{r.getrandbits(64):016x}"
    return Outcome(
        args, {"content": text(f"Tokenized as {tok}"), "structuredContent": {"token": tok}}
    )


def refund_payment(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    if r.random() < 0.1:
        return Outcome(
            {"payment_id": f"pay_{r.getrandbits(48):012x}", "amount": "10.00"},
            error={"code": -32602, "message": "Invalid params: amount exceeds captured amount"},
        )
    return Outcome(
        {
            "payment_id": f"pay_{r.getrandbits(48):012x}",
            "amount": _amount(r),
            "reason": "requested_by_customer",
        },
        {
            "content": text(
                f"Refund re_{r.getrandbits(40):010x} created for order {c.neg('ORDER_NUMBER')}."
            )
        },
    )


def get_dispute(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    tracking = c.neg(r.choice(("UPS_TRACKING", "USPS_TRACKING")))
    email, given = c.pos("EMAIL_ADDRESS", s.facts["email"]), c.pos("PERSON", s.first, "given")
    letter = (
        f"Dispute {c.neg('UUID')} opened {c.neg('ISO_TIMESTAMP')}\n\n"
        f'Customer message:\n"Hello, my name is {c.pos("PERSON", s.full)} and I was charged '
        f"twice by {r.choice(MERCHANTS)} for order {c.neg('ORDER_NUMBER')}. The card is "
        f"{_pan(c, s)} (expires {s.facts['exp']}). The parcel never arrived even though "
        f"tracking {tracking} says delivered. Please call me on "
        f'{c.pos("PHONE_NUMBER", s.facts["phone"])} or write to {email}. Thanks, {given}"\n\n'
        f"Issuer note: reason code 13.1 (merchandise not received); card on file "
        f"{c.neg('MASKED_PAN')}; loyalty card {c.neg('LUHN_INVALID_NUMBER')} (not a payment card)."
    )
    content: list[dict[str, str]] = text(letter)
    if r.random() < 0.3:  # the cardholder's receipt scan, as an image block
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + r.randbytes(48)
        content.append(
            {"type": "image", "data": base64.b64encode(png).decode(), "mimeType": "image/png"}
        )
    return Outcome({"dispute_id": f"dp_{r.getrandbits(40):010x}"}, {"content": content})


def get_merchant_config(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    cfg = {
        "merchant": r.choice(MERCHANTS),
        "processor": {
            "api_key": c.pos("SECRET", credentials.stripe_secret_key(r), "stripe_secret_key"),
            "webhook_url": "https://hooks.example.com/payments",
            "sdk": c.neg("VERSION"),
        },
        "settlement": {"currency": "USD", "payout_schedule": "daily"},
        "support_contact": c.pos("EMAIL_ADDRESS", values.email(r, *values.person(r))),
    }
    # a TLS client key checked into the config: escaped newlines in the JSON text
    if r.random() < 0.3:
        cfg["mtls"] = {
            "private_key": c.pos("SECRET", credentials.pem_private_key(r), "pem_private_key")
        }
    return Outcome(
        {"merchant_id": f"mch_{r.randint(1000, 9999)}"},
        {"content": text("```json\n" + c.json_text(cfg, indent=2) + "\n```")},
    )


def export_cardholders(c: Ctx, s: Subject) -> Outcome:
    rows = [[c.pos("PERSON", s.full), _pan(c, s), c.pos("EMAIL_ADDRESS", s.facts["email"])]]
    for _ in range(c.rng.randint(3, 8)):
        first, last = values.person(c.rng)
        rows.append(
            [
                c.pos("PERSON", f"{first} {last}"),
                _other_pan(c),
                c.pos("EMAIL_ADDRESS", values.email(c.rng, first, last)),
            ]
        )
    return Outcome(
        {"format": "csv"},
        {"content": text(csv_text(["name", "pan", "email"], rows))},
        leaks=[r[1] for r in rows],
    )
