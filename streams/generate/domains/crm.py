"""SaaS CRM and support desk: contacts, tickets in prose, audit logs.

Support tickets are where sensitive data lands by accident: customers paste card
numbers, passwords, API keys and log excerpts with IP addresses into free text, next
to request ids, version strings and time stamps that must not be flagged.
"""

from __future__ import annotations

import random

from streams.generate import cards, credentials, values
from streams.generate.domains.base import (
    Ctx,
    Outcome,
    Subject,
    common_subject,
    csv_text,
    md_table,
    text,
)

COMPANIES = (
    "Brightline Logistics",
    "Quanta Foods",
    "Orbital Dental",
    "Meridian Legal",
    "Fjord Analytics",
    "Tamarind Studios",
    "Pinecrest Schools",
)
ISSUES = (
    "cannot log in after the password reset",
    "the nightly export to S3 keeps failing",
    "webhooks stopped arriving since Tuesday",
    "we were billed twice this month",
    "SSO with our IdP returns an error",
    "the API returns 429 even at low volume",
)
SECRET_KINDS = (
    "aws_access_key_id",
    "github_token",
    "slack_token",
    "stripe_secret_key",
    "password",
    "pem_private_key",
    "jwt",
)


def make_subject(rng: random.Random, sid: str, region: str) -> Subject:
    """A customer contact at a client company, with a work e-mail and an IP address."""
    s = common_subject(rng, sid, region)
    s.facts.update(
        company=rng.choice(COMPANIES),
        ip=values.ip_address(rng),
        work_email=values.email(rng, s.first, s.last, "corp.example.com"),
    )
    return s


def search_contacts(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    rows = [
        [
            c.pos("PERSON", s.full),
            c.pos("EMAIL_ADDRESS", s.facts["work_email"]),
            c.pos("PHONE_NUMBER", s.facts["phone"]),
            s.facts["company"],
        ]
    ]
    for _ in range(r.randint(0, 3)):
        first, last = values.person(r)
        rows.append(
            [
                c.pos("PERSON", f"{first} {last}"),
                c.pos("EMAIL_ADDRESS", values.email(r, first, last)),
                c.pos("PHONE_NUMBER", values.phone(r, r.choice(("us", "uk", "eu", "apac")))),
                s.facts["company"],
            ]
        )
    return Outcome(
        {"query": s.facts["company"]},
        {"content": text(md_table(["Name", "Email", "Phone", "Company"], rows))},
    )


def get_contact(c: Ctx, s: Subject) -> Outcome:
    f = s.facts
    work = c.pos("EMAIL_ADDRESS", f["work_email"])
    phone = c.pos("PHONE_NUMBER", f["phone"])
    contact = {
        "id": s.number,
        "name": {
            "first": c.pos("PERSON", s.first, "given"),
            "last": c.pos("PERSON", s.last, "family"),
        },
        "emails": [work, c.pos("EMAIL_ADDRESS", f["email"])],
        "phones": [{"type": "mobile", "number": phone}],
        "company": {"name": f["company"], "plan": c.rng.choice(("Team", "Business", "Enterprise"))},
        "custom fields": {
            "Date of birth": c.pos("DATE_OF_BIRTH", f["dob"]) if c.rng.random() < 0.3 else None,
            "Preferred contact": "email",
            "Last login IP": c.pos("IP_ADDRESS", f["ip"]),
        },
        "updated_at": c.neg("ISO_TIMESTAMP"),
    }
    body = c.json_text({"contact": contact})
    # some servers double-encode: JSON inside a JSON string inside the text
    if c.rng.random() < 0.5:
        body = c.json_text({"ok": True, "payload": body})
    return Outcome(
        {"contact_id": s.number},
        {"content": text(body), "structuredContent": {"contact": contact}},
        leaks=[work, phone],
    )


def _paste(c: Ctx, s: Subject) -> str:
    r = c.rng
    kind = r.choice(SECRET_KINDS)
    secret = c.pos("SECRET", credentials.SECRETS[kind](r), kind)
    if kind == "password":
        return f"In case it helps, my password is {secret} (I know, I will change it)."
    if kind == "aws_access_key_id":
        pair = c.pos("SECRET", credentials.aws_secret_access_key(r), "aws_secret_access_key")
        return (
            f"Our config:\n[default]\naws_access_key_id = {secret}\n"
            f"aws_secret_access_key = {pair}\n"
        )
    if kind == "pem_private_key":
        return f"This is the key the connector uses:\n{secret}\n"
    return f"Here is the key we use, maybe it is wrong: {secret}"


def get_ticket(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    agent_first, agent_last = values.person(r)
    log = "\n".join(
        f"{c.neg('ISO_TIMESTAMP')} ERROR request_id={c.neg('UUID')} "
        f"client_ip={c.pos('IP_ADDRESS', values.ip_address(r))} "
        f"status={r.choice((401, 429, 500, 502))}"
        for _ in range(r.randint(1, 3))
    )
    given, company = c.pos("PERSON", s.first, "given"), s.facts["company"]
    parts = [
        f"Ticket #{r.randint(10000, 99999)} — {r.choice(ISSUES)}\n"
        f"Requester: {c.pos('PERSON', s.full)} "
        f"<{c.pos('EMAIL_ADDRESS', s.facts['work_email'])}>, {company}\n",
        f"Hi team, this is {given} from {company}. Since upgrading to "
        f"{c.neg('VERSION')} {r.choice(ISSUES)}. Our logs show:\n\n{log}\n",
    ]
    if r.random() < 0.35:
        parts.append(_paste(c, s))
    if r.random() < 0.2:
        parts.append(
            f"For the refund, the card was {c.pos('CREDIT_CARD', *cards.pan(r))}, "
            f"order {c.neg('ORDER_NUMBER')}."
        )
    parts.append(f"You can call me at {c.pos('PHONE_NUMBER', s.facts['phone'])} any time.\n")
    parts.append(
        f"— Reply from {c.pos('PERSON', f'{agent_first} {agent_last}')} (Support): Thanks "
        f"{given}, we have escalated this to engineering. Please never send "
        f"credentials by e-mail; rotate anything you shared here."
    )
    return Outcome(
        {"ticket_id": str(r.randint(10000, 99999))},
        {"content": text("\n".join(parts))},
        leaks=[c.pos("PERSON", s.full), c.pos("EMAIL_ADDRESS", s.facts["work_email"])],
    )


def update_ticket(c: Ctx, s: Subject) -> Outcome:
    comment = (
        f"Called {c.pos('PERSON', s.full)} on {c.pos('PHONE_NUMBER', s.facts['phone'])}; "
        f"fix ships in {c.neg('VERSION')}."
    )
    return Outcome(
        {"ticket_id": str(c.rng.randint(10000, 99999)), "status": "pending", "comment": comment},
        {"content": text("Ticket updated.")},
    )


def create_ticket(c: Ctx, s: Subject) -> Outcome:
    args = {
        "subject": c.rng.choice(ISSUES),
        "requester_email": c.pos("EMAIL_ADDRESS", s.facts["work_email"]),
        "body": f"{c.pos('PERSON', s.full)} reports: {c.rng.choice(ISSUES)}.",
    }
    return Outcome(args, {"content": text(f"Created ticket #{c.rng.randint(10000, 99999)}")})


def get_audit_log(c: Ctx, s: Subject) -> Outcome:
    r = c.rng
    rows = [
        [
            c.neg("ISO_TIMESTAMP"),
            c.pos("EMAIL_ADDRESS", s.facts["work_email"]),
            c.pos("IP_ADDRESS", s.facts["ip"]),
            r.choice(("login", "export", "api_key.create", "sso.assert")),
            c.neg("UUID"),
        ]
        for _ in range(r.randint(2, 7))
    ]
    if r.random() < 0.15:
        return Outcome(
            {"account_id": s.number},
            error={"code": -32603, "message": "Internal error: audit store unavailable"},
        )
    return Outcome(
        {"account_id": s.number, "days": "7"},
        {"content": text(csv_text(["time", "user", "ip", "action", "event_id"], rows))},
    )


def export_contacts(c: Ctx, s: Subject) -> Outcome:
    rows = []
    for _ in range(c.rng.randint(4, 9)):
        first, last = values.person(c.rng)
        rows.append(
            [
                c.pos("PERSON", f"{first} {last}"),
                c.pos("EMAIL_ADDRESS", values.email(c.rng, first, last)),
                c.pos("PHONE_NUMBER", values.phone(c.rng, s.region)),
            ]
        )
    return Outcome(
        {"segment": "all", "format": "csv"},
        {"content": text(csv_text(["name", "email", "phone"], rows))},
        leaks=[r[1] for r in rows],
    )
