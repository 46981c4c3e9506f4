"""Who may detokenize: a small YAML of roles and the tenants each may reverse.

```yaml
roles:
  privacy-officer: {tenants: ["*"]}
  acme-dpo: {tenants: [acme-health]}
```

No file, or a role not in it, means denied: reversal is never on by default.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from streams.erasure.errors import RolesError
from streams.yamlfile import YamlProblem, read_mapping, validate


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tenants: list[str] = Field(min_length=1, description='Tenants this role may reverse; "*" all.')

    def allows(self, tenant: str) -> bool:
        return "*" in self.tenants or tenant in self.tenants


class Roles(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: dict[str, Role] = Field(default_factory=dict)

    def role(self, name: str) -> Role | None:
        return self.roles.get(name)


def load_roles(path: str | Path | None) -> Roles:
    """The roles file validated, or no roles at all (everything denied) without one."""
    if path is None:
        return Roles()
    where = Path(path)
    try:
        return validate(Roles, read_mapping(where, "a mapping with 'roles'"))
    except YamlProblem as exc:
        raise RolesError(f"{where}: {exc}") from None
