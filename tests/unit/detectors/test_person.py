"""PERSON: spaCy NER on prose, names announced by cue words, names under name keys."""

from __future__ import annotations

import pytest

NAMES = [
    "Maria Garcia", "Wei Zhang", "Oluwaseun Adeyemi", "Priya Raghunathan", "Hiroshi Tanaka",
    "Olga Petrova", "Łukasz Kowalski", "Søren Kierkegaard", "José Álvarez", "Aroha Ngata",
    "Fatima Al-Sayed", "Kwame Mensah", "Ingrid Johansson", "Siobhan O'Brien", "Ji-woo Park",
    "Anastasia Volkova", "Chidi Okafor", "Matteo Rossi", "Amara Diallo", "Yuki Sato",
    "Arjun Mehta", "Zanele Dlamini", "Tomasz Nowak", "Lucía Fernández", "Dmitri Ivanov",
    "Aisha Bello", "Keanu Kahale", "Haruto Suzuki", "Elif Yılmaz", "Nguyen Thanh",
]  # fmt: skip

PROSE = [
    "{n} called the clinic yesterday about her results.",
    "The report was reviewed by {n} on Monday.",
    "Please forward the invoice to {n} before Friday.",
    "We met {n} at the conference in Berlin.",
    "According to {n}, the shipment is delayed.",
    "Yesterday {n} signed the lease for the new office.",
]

CUES = [
    "Discussed with Dr. {n} (NPI pending).",
    "Hi {n},\n\nThanks for the update.",
    "Hello, my name is {n} and I was charged twice.",
    "— Reply from {n} (Support): we have escalated this.",
    "Signed: {n}, MD",
    "Daughter {n} accompanies and can be reached later.",
]


def _covered(find, template: str, name: str) -> bool:
    text = template.format(n=name)
    start = text.index(name)
    return any(
        t == "PERSON" and name in v and text.index(v) <= start for t, v in find(text)
    )


@pytest.mark.parametrize("template", PROSE)
def test_names_of_many_cultures_in_each_sentence_shape(find, template: str) -> None:
    """The small model misses some unfamiliar names; no sentence shape falls below 80%."""
    hits = sum(_covered(find, template, name) for name in NAMES)
    assert hits / len(NAMES) >= 0.8


def test_names_of_many_cultures_in_prose_overall(find) -> None:
    """Over every shape and name, at least 90% (the free-text PERSON target)."""
    hits = sum(_covered(find, t, n) for t in PROSE for n in NAMES)
    assert hits / (len(PROSE) * len(NAMES)) >= 0.9


@pytest.mark.parametrize("template", CUES)
@pytest.mark.parametrize("name", NAMES[::3])
def test_names_after_cue_words_are_found_without_ner(find, template: str, name: str) -> None:
    text = template.format(n=name)
    assert ("PERSON", name) in find(text, ner=False)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("patient_name", "Maria Garcia"),
        ("full_name", "Oluwaseun Adeyemi"),
        ("first_name", "Aroha"),
        ("last_name", "O'Brien"),
        ("given", "Ji-woo"),
        ("family", "De Vries"),
        ("name", "Søren Kierkegaard"),
        ("cardholder_name", "LUCÍA FERNÁNDEZ"),
        ("display", "Dr. Wei Zhang"),
        ("Requester", "Mateus Dlamini <dlamini.mateus@corp.example.com>, Meridian Legal"),
    ],
)
def test_person_key_hints(find, key: str, value: str) -> None:
    people = [v for t, v in find(value, key=key, ner=False) if t == "PERSON"]
    assert len(people) == 1 and people[0] in value and len(people[0]) >= 4
    assert "@" not in people[0] and "Dr." not in people[0]


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        ("$.result.tools[0].name", "name", "get_patient_record"),
        ("$.result.structuredContent.company.name", "name", "Orbital Dental"),
        ("$.result.resources[0].name", "name", "Patient Chart"),
        ("$.params.name", "name", "search_contacts"),
        ("$.x", "name", "Harbor Coffee Co"),
        ("$.x", "first_name", "unknown"),
        ("$.x", "name", "blood pressure"),
    ],
)
def test_names_that_are_not_people(classifier, path: str, key: str, value: str) -> None:
    from detectors.api import StringSite

    [spans] = classifier.classify([StringSite(path, key, value)], ner=False)
    assert all(s.entity_type != "PERSON" for s in spans)


@pytest.mark.parametrize(
    "text",
    [
        "Requester: lookup failed",
        "Orbital Dental renewed the contract.",
        "XXXX-XXXX-XXXX-4444",
        "Take apixaban 5 mg BID.",
    ],
)
def test_ner_false_positives_are_filtered(find, text: str) -> None:
    assert all(t != "PERSON" for t, _ in find(text))


def test_later_mentions_of_a_found_name(find) -> None:
    text = ("Patient: Lakshmi Park   MRN MRN-70758796   DOB: December 1, 1949\n\n"
            "Subjective: Park is seen today. Lakshmi reports pain.")
    people = [v for t, v in find(text) if t == "PERSON"]
    assert people == ["Lakshmi Park", "Park", "Lakshmi"]


def test_a_record_listing_by_its_neighbours(find) -> None:
    text = "Sarah Oliveira\n25 October 1941\n765462673\nMichael Horvath\n2001-11-18"
    found = find(text)
    assert ("DATE_OF_BIRTH", "25 October 1941") in found
    assert ("US_SSN", "765462673") in found
    assert ("DATE_OF_BIRTH", "2001-11-18") in found
    assert find("Maria Garcia visited on 2024-03-05.") == [("PERSON", "Maria Garcia")]


def _tools_list() -> dict:
    def prop(title: str, description: str | None = None) -> dict:
        out = {"type": "string", "title": title}
        return out | ({"description": description} if description else {})

    return {"jsonrpc": "2.0", "id": 2, "result": {"tools": [{
        "name": "get_patient", "title": "Get Patient Record",
        "description": "Look up a patient by id, e.g. the chart of Maria Garcia.",
        "inputSchema": {"type": "object", "title": "GetPatientArguments", "properties": {
            "patient_id": prop("Patient Id", "Patient Id of the record"),
            "card_number": prop("Card Number", "Card Number on file"),
            "full_name": prop("Full Name", "Full Name of the patient, e.g. Maria Garcia"),
            "member_name": prop("Member Name"), "guardian": prop("Guardian Name"),
            "status": prop("Patient Status"), "npi": prop("Nurse Practitioner Id"),
            "contact": prop("Contact Person", "Contact Person Email"),
        }, "required": ["patient_id"]},
        "outputSchema": {"type": "object", "properties": {
            "given_name": prop("Given Name"), "family_name": prop("Family Name"),
            "dob": prop("Date Of Birth")}},
    }, {"name": "notify", "title": "Send Message To Customer",
        "description": "Message a customer. Thanks Customer Success.",
        "inputSchema": {"type": "object", "properties": {"to": prop("To", "Customer Id")}}},
    ]}}  # fmt: skip


@pytest.mark.parametrize("ner", [False, True])
def test_schema_text_keeps_its_meaning(classifier, ner: bool) -> None:
    """tools/list titles and descriptions name fields, not people ("Patient Id" stays)."""
    from detectors.api import iter_strings

    sites = iter_strings(_tools_list())
    people = [
        (site.path, site.text[s.start : s.end])
        for site, spans in zip(sites, classifier.classify(sites, ner=ner), strict=True)
        for s in spans
        if s.entity_type == "PERSON"
    ]
    assert all(path.endswith(".description") and v == "Maria Garcia" for path, v in people)
    if ner:  # a real name in an example is still a name
        assert ("$.result.tools[0].description", "Maria Garcia") in people


def test_schema_property_titles_are_never_people(classifier) -> None:
    """A JSON Schema `title` names a field, even when it reads like a name."""
    from detectors.api import iter_strings

    titles = ["Contact Person", "Lars Okafor", "Maria Garcia", "Ana Lima"]
    message = {"result": {"tools": [{"name": "lookup", "inputSchema": {"type": "object",
               "properties": {f"f{i}": {"type": "string", "title": t,
                                        "description": f"Sent to {t} by the caller."}
                              for i, t in enumerate(titles)}}}]}}
    sites = iter_strings(message)
    spans = dict(zip((s.path for s in sites), classifier.classify(sites), strict=True))
    assert all(not v for p, v in spans.items() if p.endswith(".title"))
    # the same names in a description are still found
    assert any(v for p, v in spans.items() if p.endswith(".description"))
