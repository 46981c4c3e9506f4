"""Open-banking account data: accounts, transactions, payments, consents.

European and UK holders have IBANs (spaced or compact), US holders ABA routing and
account numbers; consents carry bearer tokens (JWTs). Look-alikes: IBANs with a bad
checksum in rejected payments, invoice references, time stamps, UUIDs.
"""

from __future__ import annotations

import random

from streams.generate import credentials, values
from streams.generate.domains.base import (
    Ctx,
    Outcome,
    Subject,
    common_subject,
    iban_country,
    md_table,
    text,
)

COUNTERPARTIES = (
    "Stadtwerke",
    "City Energy",
    "Harbor Coffee Co",
    "Landlord",
    "Payroll",
    "Gym Plus",
)


def make_subject(rng: random.Random, sid: str, region: str) -> Subject:
    """An account holder: IBAN (EU/UK/APAC) or routing + account number (US)."""
    s = common_subject(rng, sid, region)
    if region == "us":
        s.facts.update(routing=values.routing_number(rng), account=values.account_number(rng))
    else:
        s.facts["iban"] = values.iban(rng, iban_country(rng, region))
    return s


def _acct(c: Ctx, s: Subject) -> dict[str, str]:
    if "iban" in s.facts:
        return {"iban": c.pos("IBAN_CODE", s.facts["iban"])}
    return {
        "routing_number": c.pos("US_BANK_NUMBER", s.facts["routing"], "aba_routing"),
        "account_number": c.pos("US_BANK_NUMBER", s.facts["account"], "account"),
    }


def list_accounts(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    acct = {
        "account_id": c.neg("UUID"),
        "type": r.choice(("current", "savings")),
        "currency": "USD" if s.region == "us" else r.choice(("EUR", "GBP")),
        "Account holder": c.pos("PERSON", s.full),
        **_acct(c, s),
        "opened": c.neg("ISO_TIMESTAMP"),
    }
    data = {
        "customer": {"id": s.number, "email": c.pos("EMAIL_ADDRESS", s.facts["email"])},
        "accounts": [acct],
    }
    leaks = [
        acct["Account holder"],
        *(v for k, v in acct.items() if k in ("iban", "account_number", "routing_number")),
    ]
    return Outcome(
        {"customer_id": s.number},
        {"content": text(c.json_text(data)), "structuredContent": data},
        leaks=leaks,
    )


def get_balances(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    bal = {
        "available": f"{r.uniform(10, 25000):.2f}",
        "booked": f"{r.uniform(10, 25000):.2f}",
        "as_of": c.neg("ISO_TIMESTAMP"),
    }
    return Outcome(
        {"account_id": c.neg("UUID")}, {"content": text(c.json_text(bal)), "structuredContent": bal}
    )


def _counterparty(c: Ctx, region: str) -> tuple[str, str]:
    r = c.rng
    if r.random() < 0.5:
        first, last = values.person(r)
        who = c.pos("PERSON", f"{first} {last}")
    else:
        who = r.choice(COUNTERPARTIES)
    if r.random() < 0.1:
        return who, c.neg("IBAN_BAD_CHECKSUM") + " (returned: invalid IBAN)"
    if region == "us":
        return who, c.pos("US_BANK_NUMBER", values.account_number(r), "account")
    return who, c.pos("IBAN_CODE", values.iban(r, iban_country(r, region)))


def list_account_transactions(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    rows = []
    for _ in range(r.randint(3, 10)):
        who, acct = _counterparty(c, s.region)
        ref = (
            c.neg("INVOICE_ID")
            if r.random() < 0.5
            else r.choice(("rent", "groceries", "salary", "refund"))
        )
        rows.append([c.neg("ISO_TIMESTAMP"), who, acct, ref, f"{r.uniform(-2500, 4000):.2f}"])
    table = md_table(
        ["Booked", "Counterparty", "Counterparty account", "Reference", "Amount"], rows
    )
    return Outcome({"account_id": c.neg("UUID"), "from": "2026-01-01"}, {"content": text(table)})


def initiate_payment(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    first, last = values.person(r)
    bad = r.random() < 0.15
    creditor = c.neg("IBAN_BAD_CHECKSUM") if bad else c.pos("IBAN_CODE", values.iban(r))
    args = {
        "debtor": _acct(c, s),
        "creditor_iban": creditor,
        "creditor_name": c.pos("PERSON", f"{first} {last}"),
        "amount": f"{r.uniform(5, 3000):.2f}",
        "reference": c.neg("INVOICE_ID"),
    }
    if bad:
        return Outcome(
            args,
            error={
                "code": -32602,
                "message": "Invalid params: creditor_iban fails the mod-97 check",
            },
        )
    pid = c.neg("UUID")
    return Outcome(
        args,
        {
            "content": text(f"Payment {pid} accepted, status ACSP."),
            "structuredContent": {"payment_id": pid, "status": "ACSP"},
        },
    )


def verify_payee(c: Ctx, s: Subject) -> Outcome:
    acct = _acct(c, s)
    verdict = c.rng.choice(("MATCH", "MATCH", "CLOSE_MATCH", "NO_MATCH"))
    msg = f"Confirmation of payee: {verdict}"
    if verdict == "CLOSE_MATCH":
        msg += f" (account is held by {c.pos('PERSON', s.full)})"
    return Outcome({**acct, "name": c.pos("PERSON", s.full)}, {"content": text(msg)})


def get_consent(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    tok = c.pos("SECRET", credentials.jwt(r, s.number, "https://auth.bank.example.com"), "jwt")
    consent = {
        "consent_id": c.neg("UUID"),
        "status": "authorised",
        "permissions": ["ReadAccountsDetail", "ReadBalances"],
        "expires": c.neg("ISO_TIMESTAMP"),
        "psu": {"name": c.pos("PERSON", s.full), "dob": c.pos("DATE_OF_BIRTH", s.facts["dob"])},
        "access_token": tok,
    }
    return Outcome(
        {"consent_id": consent["consent_id"]},
        {"content": text(c.json_text(consent, indent=2))},
        leaks=[tok],
    )


def get_ach_details(c: Ctx, s: Subject) -> Outcome:
    if "routing" not in s.facts:
        return Outcome(
            {"account_id": s.number},
            {"content": text("ACH is only available for US accounts."), "isError": True},
        )
    routing = c.pos("US_BANK_NUMBER", s.facts["routing"], "aba_routing")
    account = c.pos("US_BANK_NUMBER", s.facts["account"], "account")
    line = (
        f"ACH details for {c.pos('PERSON', s.full)}: routing {routing}, "
        f"account {account} (checking)."
    )
    return Outcome({"account_id": s.number}, {"content": text(line)})


def export_statements(c: Ctx, s: Subject) -> Outcome:
    out = list_account_transactions(c, s)
    out.arguments = {"customer_id": s.number, "format": "markdown", "months": "24"}
    out.leaks = list(_acct(c, s).values())
    return out
