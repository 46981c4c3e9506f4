"""The fixed cast of the traffic: tenants, gateways, users, and data-subject pools.

Subjects are a pure function of (seed, tenant, index), so the same patient keeps the
same name, MRN and card across every session that touches them, as in real traffic,
which is what per-subject analysis (erasure, enumeration) needs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from streams.generate.domains import DOMAINS
from streams.generate.domains.base import Subject
from streams.generate.names import ascii_fold
from streams.generate.values import person

REGIONS = ("eu", "us", "uk", "apac")
POOL = 5000  # subjects per tenant


@dataclass(frozen=True, slots=True)
class Tenant:
    """A customer organisation; `health` marks tenants that process PHI."""

    name: str
    domain: str
    health: bool
    region: str
    gateways: tuple[str, ...]
    mail: str
    server_region: str
    transport: str


TENANTS: tuple[Tenant, ...] = (
    Tenant(
        "acme-health",
        "ehr",
        True,
        "eu",
        ("gw-eu-1", "gw-eu-2"),
        "acme-health.example",
        "eu",
        "streamable-http",
    ),
    Tenant(
        "mercy-valley-clinics",
        "ehr",
        True,
        "us",
        ("gw-us-1",),
        "mercyvalley.example",
        "us",
        "stdio",
    ),
    Tenant(
        "globex-payments",
        "payments",
        False,
        "us",
        ("gw-us-1", "gw-us-2"),
        "globex.example",
        "us",
        "streamable-http",
    ),
    Tenant("lumen-pay", "payments", False, "eu", ("gw-eu-1",), "lumenpay.example", "eu", "sse"),
    Tenant(
        "initech-bank",
        "banking",
        False,
        "uk",
        ("gw-uk-1",),
        "initech.example",
        "uk",
        "streamable-http",
    ),
    Tenant(
        "northwind-finance",
        "banking",
        False,
        "us",
        ("gw-us-2",),
        "northwind.example",
        "us",
        "streamable-http",
    ),
    Tenant(
        "umbrella-saas",
        "crm",
        False,
        "us",
        ("gw-us-1",),
        "umbrella.example",
        "us",
        "streamable-http",
    ),
    Tenant(
        "kiwi-support",
        "crm",
        False,
        "apac",
        ("gw-apac-1",),
        "kiwi-support.example",
        "apac",
        "stdio",
    ),
)

WORKSPACE_REGION = "us"  # the shared outbound server runs in the US: EU tenants cross borders


class World:
    """Lazily built, cached cast for one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._subjects: dict[tuple[str, int], Subject] = {}
        self._users: dict[str, tuple[str, ...]] = {}
        self.first_uses: set[tuple[str, str, str]] = set()  # (tenant, agent, tool or server)

    def users(self, tenant: Tenant) -> tuple[str, ...]:
        """The tenant's human users (identity.user), six to ten of them."""
        if tenant.name not in self._users:
            rng = random.Random(f"{self.seed}:users:{tenant.name}")
            out = []
            for _ in range(rng.randint(6, 10)):
                first, last = person(rng)
                prefix = "dr." if tenant.health and rng.random() < 0.5 else ascii_fold(first) + "."
                out.append(f"{prefix}{ascii_fold(last)}@{tenant.mail}")
            self._users[tenant.name] = tuple(out)
        return self._users[tenant.name]

    def subject(self, tenant: Tenant, k: int) -> Subject:
        """Subject number `k` (0 <= k < POOL) of the tenant, always the same person."""
        key = (tenant.name, k)
        if key not in self._subjects:
            rng = random.Random(f"{self.seed}:subject:{tenant.name}:{k}")
            region = tenant.region if rng.random() < 0.7 else rng.choice(REGIONS)
            index = TENANTS.index(tenant) + 1
            sid = f"{DOMAINS[tenant.domain].subject_kind}-{index * 1_000_000 + k}"
            self._subjects[key] = DOMAINS[tenant.domain].make_subject(rng, sid, region)
        return self._subjects[key]

    def subjects(self) -> list[tuple[str, Subject]]:
        """(tenant name, subject) for every subject built so far, in a stable order."""
        return [(k[0], self._subjects[k]) for k in sorted(self._subjects)]


def tenant_named(name: str) -> Tenant:
    """The tenant called `name`."""
    return next(t for t in TENANTS if t.name == name)
