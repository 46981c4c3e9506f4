"""The business domains of the synthetic traffic, by name (`--domains` takes these)."""

from __future__ import annotations

from streams.generate.domains.base import Domain
from streams.generate.domains.catalog import BANKING, CRM, EHR, PAYMENTS

DOMAINS: dict[str, Domain] = {d.name: d for d in (EHR, PAYMENTS, BANKING, CRM)}
"""Domain name -> definition, in a fixed order."""
