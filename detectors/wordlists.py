"""Small word lists shared by the key hints and the NER post-filter."""

from __future__ import annotations

_STOP_WORDS: frozenset[str] | None = None


def stop_words() -> frozenset[str]:
    """spaCy's English stop words (a plain list: importing it loads no model)."""
    global _STOP_WORDS
    if _STOP_WORDS is None:
        from spacy.lang.en.stop_words import STOP_WORDS

        _STOP_WORDS = frozenset(STOP_WORDS)
    return _STOP_WORDS

ORG_WORDS = frozenset(
    {"inc", "llc", "ltd", "corp", "co", "company", "hospital", "clinic", "health", "healthcare",
     "pharmacy", "bank", "group", "services", "service", "gmbh", "ag", "sa", "plc", "university",
     "center", "centre", "labs", "lab", "technologies", "solutions", "systems", "foundation",
     "associates", "partners", "medical", "insurance", "institute", "department", "team",
     "server", "tool", "api", "record", "chart", "report", "panel", "test", "results", "the",
     "dental", "kitchen", "school", "schools", "foods", "food", "logistics", "legal", "studios",
     "studio", "analytics", "capital", "consulting", "media", "ventures", "bakery", "cafe",
     "coffee", "motors", "energy", "pharma", "industries", "holdings", "trust", "fund",
     "airlines", "hotel", "restaurant", "market", "markets", "store", "shop", "retail",
     "software", "networks", "telecom", "bio", "biotech", "gym", "fitness", "plus", "payroll",
     "stadtwerke", "utilities", "works", "agency", "office", "council", "county", "city",
     "ministry", "support", "billing", "sales", "ops", "operations", "engineering",
     "gear", "electronics", "outdoor", "outdoors", "books", "travel", "supplies", "goods",
     "apparel", "fashion", "furniture", "hardware", "toys", "sports", "pets", "garden",
     "wines", "bikes", "auto", "automotive", "hotels", "resorts", "games", "gaming",
     "digital", "online", "express", "direct", "global", "international", "consultants"}
)  # fmt: skip
"""Words that make a capitalized phrase an organisation or a label, not a person."""

ORG_PARENTS = frozenset(
    {"company", "organization", "organisation", "org", "employer", "business", "merchant",
     "vendor", "supplier", "tenant", "server", "server_info", "client_info", "tool", "tools",
     "resource", "resources", "product", "app", "application", "project", "team", "file",
     "files", "bank", "institution", "hospital", "clinic", "facility", "location", "store",
     "brand", "plan", "insurer", "insurance", "pharmacy", "lab", "prompt", "prompts", "model",
     "capabilities", "department", "account", "workspace", "channel", "repository", "repo",
     "database", "table", "queue", "topic", "service", "payer", "issuer", "network", "device"}
)  # fmt: skip
"""Objects whose `name` is not a person's name (`company.name`, `tools[0].name`)."""

IMPERATIVES = frozenset(
    {"summarise", "summarize", "list", "show", "find", "get", "send", "create", "update",
     "delete", "check", "review", "explain", "describe", "return", "fetch", "search", "open",
     "close", "read", "write", "tell", "give", "make", "note", "add", "remove", "run", "use",
     "confirm", "draft", "compose", "reply", "forward", "schedule", "book", "cancel", "refund",
     "translate", "compare", "analyse", "analyze", "extract", "classify", "verify"}
)  # fmt: skip
"""Verbs that open prompts ("Summarise what you found."), which NER takes for names."""

LABEL_WORDS = frozenset(
    {"id", "ids", "uuid", "name", "names", "number", "num", "no", "nr", "code", "type", "types",
     "status", "state", "date", "dates", "time", "timestamp", "email", "phone", "address",
     "value", "values", "list", "count", "amount", "total", "title", "description", "format",
     "level", "mode", "role", "person", "persons", "people", "member", "members",
     "practitioner", "identifier", "reference", "ref", "details", "detail", "info", "data",
     "notes", "summary", "message", "messages", "score", "flag", "version", "success",
     "owner", "contact", "contacts", "profile", "account", "settings", "portal", "secret",
     "credentials", "token", "password", "username", "user", "users", "limit", "offset",
     "query", "filter", "url", "uri", "path", "schema", "object", "string", "array",
     "boolean", "integer", "optional", "required", "default", "enum", "example", "examples",
     "properties", "args", "arguments", "input", "output", "result", "response", "request",
     "payload", "metadata", "history", "visit", "encounter", "appointment", "diagnosis",
     "procedure", "prescription", "medication", "allergies", "vitals", "insurer", "policy",
     "claim", "invoice", "order", "balance", "card", "expiry", "cvv", "zip", "postcode",
     "city", "country", "region", "birth", "age", "gender", "sex", "initials", "signature"}
)  # fmt: skip
"""Words of field labels and schema text ("Patient Id", "Card Number", "Member Name",
"Contact Person Email"): a capitalized phrase holding one names a field, not a person.
Surnames that are also common words ("Key", "Page", "Field", "Price") are left out."""
