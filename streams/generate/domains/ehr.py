"""Clinical EHR assistant (health tenants, PHI): records, notes, labs, coverage.

Results look like what EHR integrations return: a FHIR-flavoured record as
structuredContent plus its JSON text, prose progress notes naming patient and
clinicians, CSV encounter lists, markdown lab tables.
"""

from __future__ import annotations

import random
from typing import Any

from streams.generate import values
from streams.generate.domains.base import (
    Ctx,
    Outcome,
    Subject,
    common_subject,
    csv_text,
    md_table,
    text,
)

# fmt: off
CONDITIONS = (
    "type 2 diabetes", "hypertension", "asthma", "COPD", "atrial fibrillation",
    "chronic kidney disease stage 3", "hypothyroidism", "major depressive disorder",
    "osteoarthritis of the knee", "migraine", "heart failure with reduced EF",
)
MEDS = (
    "metformin 500 mg BID", "lisinopril 10 mg daily", "atorvastatin 40 mg nightly",
    "albuterol inhaler PRN", "apixaban 5 mg BID", "levothyroxine 75 mcg daily",
    "sertraline 50 mg daily", "furosemide 20 mg daily",
)
REASONS = (
    "follow-up of blood pressure", "medication review", "shortness of breath",
    "post-discharge check", "annual wellness visit", "lab review", "knee pain",
)
LABS = (
    ("HbA1c", "%", 5.0, 9.5), ("Creatinine", "mg/dL", 0.6, 2.1),
    ("LDL-C", "mg/dL", 60, 190), ("TSH", "mIU/L", 0.3, 6.0),
    ("Hemoglobin", "g/dL", 9.5, 16.5), ("Potassium", "mmol/L", 3.2, 5.4),
)
# fmt: on


def make_subject(rng: random.Random, sid: str, region: str) -> Subject:
    """A patient: demographics, MRN, SSN (or a placeholder), maybe an MBI, a PCP."""
    s = common_subject(rng, sid, region)
    pcp_first, pcp_last = values.person(rng)
    s.facts.update(
        mrn=values.mrn(rng),
        ssn=values.ssn(rng) if rng.random() < 0.7 else "",
        mbi=values.mbi(rng) if rng.random() < 0.4 else "",
        pcp=f"{pcp_first} {pcp_last}",
        pcp_npi=values.npi_value(rng),
        cond="|".join(rng.sample(CONDITIONS, 2)),
        med="|".join(rng.sample(MEDS, 2)),
        sex=rng.choice("FM"),
    )
    return s


def _ssn(c: Ctx, s: Subject) -> str:
    return c.pos("US_SSN", s.facts["ssn"]) if s.facts["ssn"] else c.neg("SSN_INVALID")


def get_patient_record(c: Ctx, s: Subject) -> Outcome:
    f = s.facts
    name, mrn, dob = (
        c.pos("PERSON", s.first, "given"),
        c.pos("MEDICAL_RECORD_NUMBER", f["mrn"]),
        c.pos("DATE_OF_BIRTH", f["dob"]),
    )
    ssn = _ssn(c, s)
    rec = {
        "resourceType": "Patient",
        "id": s.number,
        "mrn": mrn,
        "name": {"given": name, "family": c.pos("PERSON", s.last, "family")},
        "birthDate": dob,
        "gender": {"F": "female", "M": "male"}[f["sex"]],
        "telecom": [
            {"system": "phone", "value": c.pos("PHONE_NUMBER", f["phone"])},
            {"system": "email", "value": c.pos("EMAIL_ADDRESS", f["email"])},
        ],
        "identifiers": {
            "ssn": ssn,
            "Medicare MBI": c.pos("US_MBI", f["mbi"]) if f["mbi"] else None,
        },
        "generalPractitioner": {
            "display": c.pos("PERSON", f["pcp"]),
            "npi": c.pos("US_NPI", f["pcp_npi"]),
        },
        "problems": f["cond"].split("|"),
        "medications": f["med"].split("|"),
        "meta": {"lastUpdated": c.neg("ISO_TIMESTAMP"), "versionId": c.neg("UUID")},
    }
    body = c.json_text(rec, indent=2) if c.rng.random() < 0.7 else c.json_text(rec)
    return Outcome(
        {"patient_id": s.number},
        {"content": text(body), "structuredContent": rec},
        leaks=[c.pos("PERSON", s.full), mrn, dob, ssn],
    )


def get_clinical_notes(c: Ctx, s: Subject) -> Outcome:
    f, r = s.facts, c.rng
    cond, med = f["cond"].split("|"), f["med"].split("|")
    full, last = c.pos("PERSON", s.full), c.pos("PERSON", s.last, "family")
    mrn, dob = c.pos("MEDICAL_RECORD_NUMBER", f["mrn"]), c.pos("DATE_OF_BIRTH", f["dob"])
    doctor = c.pos("PERSON", " ".join(values.person(r)))
    relative = c.pos("PERSON", values.person(r)[0], "given")
    reach = c.pos("PHONE_NUMBER", values.phone(r, s.region))
    vitals = (
        f"BP {r.randint(112, 168)}/{r.randint(68, 99)}, HR {r.randint(58, 104)}, "
        f"SpO2 {r.randint(91, 99)}% on room air"
    )
    if r.random() < 0.5:
        note = (
            f"PROGRESS NOTE ({c.neg('ISO_TIMESTAMP')})\n"
            f"Patient: {full}   MRN {mrn}   DOB: {dob}\n\n"
            f"Subjective: {last} is seen today for {r.choice(REASONS)}. History of {cond[0]} "
            f"and {cond[1]}. Reports adherence to {med[0]}; occasional missed doses of {med[1]}. "
            f"Daughter {relative} accompanies and can be reached at {reach}.\n\n"
            f"Objective: {vitals}.\n\n"
            f"Assessment/Plan: {cond[0]}, continue current regimen, repeat labs in 3 months. "
            f"Discussed with Dr. {doctor} (NPI {c.pos('US_NPI', values.npi_value(r))}). "
            f"Date of birth confirmed as {c.pos('DATE_OF_BIRTH', f['dob'])} at check-in.\n"
        )
    else:
        note = (
            f"Telehealth visit, {c.neg('ISO_TIMESTAMP')}. {full} (medical record number "
            f"{mrn}, date of birth {dob}) joined by video with her partner {relative}. "
            f"Main concern: {r.choice(REASONS)}. Known {cond[0]}; on {med[0]} and {med[1]}. "
            f"Home readings: {vitals}. I reviewed the chart with Dr. {doctor} and we agreed "
            f"to titrate {med[0].split()[0]}. Call-back number on file: {reach}.\n"
        )
    if r.random() < 0.35:
        note += (
            f"Referral faxed in by an outside clinic; referring NPI on the fax "
            f"{c.neg('NPI_INVALID')} is not in NPPES, office to confirm.\n"
        )
    note += f"Signed: {c.pos('PERSON', f['pcp'])}, MD"
    return Outcome(
        {"patient_id": s.number, "limit": "1"}, {"content": text(note)}, leaks=[full, dob]
    )


def list_encounters(c: Ctx, s: Subject) -> Outcome:
    rows = [
        [
            c.neg("ISO_TIMESTAMP"),
            c.rng.choice(("office", "telehealth", "ED", "inpatient")),
            c.pos("PERSON", s.facts["pcp"]),
            c.pos("US_NPI", s.facts["pcp_npi"]),
            c.rng.choice(REASONS),
        ]
        for _ in range(c.rng.randint(2, 6))
    ]
    body = csv_text(["date", "type", "provider", "provider_npi", "reason"], rows)
    head = f"Encounters for MRN {c.pos('MEDICAL_RECORD_NUMBER', s.facts['mrn'])}:\n"
    return Outcome({"patient_id": s.number}, {"content": text(head + body)})


def get_lab_results(c: Ctx, s: Subject) -> Outcome:
    rows = []
    for name, unit, lo, hi in c.rng.sample(LABS, 3):
        rows.append(
            [name, f"{c.rng.uniform(lo, hi):.1f} {unit}", c.neg("ISO_TIMESTAMP"), c.neg("UUID")]
        )
    table = md_table(["Test", "Result", "Collected", "Accession"], rows)
    dob = c.pos("DATE_OF_BIRTH", s.facts["dob"])
    head = f"Lab results for {c.pos('PERSON', s.full)} (DOB {dob})\n\n"
    foot = f"\n\nSource: LabCore LIS {c.neg('VERSION')}"
    content: list[dict[str, Any]] = [*text(head + table + foot)]
    if c.rng.random() < 0.3:  # the raw export as an embedded resource block
        mrn = c.pos("MEDICAL_RECORD_NUMBER", s.facts["mrn"])
        csv = csv_text(["mrn", "test", "result"], [[mrn, r[0], r[1]] for r in rows])
        uri = f"ehr://patients/{s.number}/labs.csv"
        content.append(
            {"type": "resource", "resource": {"uri": uri, "mimeType": "text/csv", "text": csv}}
        )
    return Outcome({"patient_id": s.number, "panel": "recent"}, {"content": content})


def get_coverage(c: Ctx, s: Subject) -> Outcome:
    f = s.facts
    if c.rng.random() < 0.12:
        return Outcome(
            {"patient_id": s.number},
            {
                "content": text("Eligibility service timed out (payer gateway 504). Retry later."),
                "isError": True,
            },
        )
    cov = {
        "subscriber": c.pos("PERSON", s.full),
        "subscriber_dob": c.pos("DATE_OF_BIRTH", f["dob"]),
        "ssn": _ssn(c, s),
        "plan": "Medicare Part B" if f["mbi"] else "Commercial PPO",
        "member_id": c.pos("US_MBI", f["mbi"])
        if f["mbi"]
        else f"W{c.rng.randint(10**8, 10**9 - 1)}",
        "checked_at": c.neg("ISO_TIMESTAMP"),
    }
    return Outcome(
        {"patient_id": s.number}, {"content": text(c.json_text(cov)), "structuredContent": cov}
    )


def search_patients(c: Ctx, s: Subject) -> Outcome:
    rows = [
        [
            c.pos("MEDICAL_RECORD_NUMBER", s.facts["mrn"]),
            c.pos("PERSON", s.full),
            c.pos("DATE_OF_BIRTH", s.facts["dob"]),
            c.neg("ISO_TIMESTAMP"),
        ]
    ]
    for _ in range(c.rng.randint(0, 2)):
        other = values.person(c.rng)
        rows.append(
            [
                c.pos("MEDICAL_RECORD_NUMBER", values.mrn(c.rng)),
                c.pos("PERSON", f"{other[0]} {s.last}"),
                c.pos("DATE_OF_BIRTH", values.date_of_birth(c.rng)),
                c.neg("ISO_TIMESTAMP"),
            ]
        )
    table = md_table(["MRN", "Name", "DOB", "Last visit"], rows)
    return Outcome(
        {"query": c.pos("PERSON", s.last, "family")},
        {"content": text(f"{len(rows)} match(es)\n\n{table}")},
    )


def create_clinical_note(c: Ctx, s: Subject) -> Outcome:
    body = (
        f"Discharge summary for {c.pos('PERSON', s.full)} "
        f"(MRN {c.pos('MEDICAL_RECORD_NUMBER', s.facts['mrn'])}). "
        f"Stable for discharge; follow up with {c.pos('PERSON', s.facts['pcp'])} in 7 days."
    )
    note_id = c.neg("UUID")
    return Outcome(
        {"patient_id": s.number, "text": body, "type": "discharge-summary"},
        {
            "content": text(f"Note {note_id} saved (status: preliminary)."),
            "structuredContent": {"note_id": note_id, "status": "preliminary"},
        },
    )


def schedule_appointment(c: Ctx, s: Subject) -> Outcome:
    if c.rng.random() < 0.15:
        return Outcome(
            {"patient_id": s.number, "slot": c.neg("ISO_TIMESTAMP")},
            error={"code": -32602, "message": "Invalid params: slot is no longer available"},
        )
    return Outcome(
        {"patient_id": s.number, "slot": c.neg("ISO_TIMESTAMP")},
        {
            "content": text(
                f"Booked. Confirmation {c.neg('ORDER_NUMBER')} sent by SMS to "
                f"{c.pos('PHONE_NUMBER', s.facts['phone'])}."
            )
        },
    )


def export_patient_cohort(c: Ctx, s: Subject) -> Outcome:
    rows = []
    for _ in range(c.rng.randint(3, 8)):
        first, last = values.person(c.rng)
        rows.append(
            [
                c.pos("MEDICAL_RECORD_NUMBER", values.mrn(c.rng)),
                c.pos("PERSON", f"{first} {last}"),
                c.pos("DATE_OF_BIRTH", values.date_of_birth(c.rng)),
                c.pos("US_SSN", values.ssn(c.rng)),
            ]
        )
    return Outcome(
        {"cohort": "diabetes-registry", "format": "csv"},
        {"content": text(csv_text(["mrn", "name", "dob", "ssn"], rows))},
        leaks=[r[3] for r in rows],
    )


def send_referral_fax(c: Ctx, s: Subject) -> Outcome:
    return Outcome(
        {
            "patient_id": s.number,
            "fax": c.pos("PHONE_NUMBER", values.phone(c.rng, "us")),
            "note": f"Referral for {c.pos('PERSON', s.full)}, "
            f"DOB {c.pos('DATE_OF_BIRTH', s.facts['dob'])}",
        },
        {"content": text(f"Fax queued: job {c.neg('UUID')}")},
    )


def resource(c: Ctx, s: Subject) -> tuple[str, str, str]:
    """ehr://patients/<id>/summary: a markdown chart summary."""
    body = (
        f"# Chart summary\n\n- **Name:** {c.pos('PERSON', s.full)}\n- **MRN:** "
        f"{c.pos('MEDICAL_RECORD_NUMBER', s.facts['mrn'])}\n"
        f"- **DOB:** {c.pos('DATE_OF_BIRTH', s.facts['dob'])}\n"
        f"- **Problems:** {', '.join(s.facts['cond'].split('|'))}\n"
    )
    return f"ehr://patients/{s.number}/summary", "text/markdown", body
