"""The proxy's settings: flags beat environment variables, which beat the YAML file.

The file mirrors the envelope, so whoever reads an event knows where its fields were
set; it is validated before anything starts, and a bad field is named with the file:

```yaml
tenant: acme-health
purpose: treatment
gateway: {id: gw-eu-1, region: eu}
identity: {user: dr.jones@clinic.example, agent: chart-summarizer,
           client_id: desktop-client, scopes: [ehr.read]}
server: {name: ehr, region: eu}
data_subject: {from: patient_id, region: eu}
kafka: {broker: 127.0.0.1:9092, topic: mcp.events.raw}
spool: {dir: ~/.cache/mcpgov/spool/ehr, max_bytes: 268435456, fsync: interval}
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from streams.gateway.errors import ConfigError
from streams.yamlfile import YamlProblem, read_mapping, validate


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Gateway(_Strict):
    id: str | None = None
    region: str | None = None


class _Identity(_Strict):
    user: str | None = None
    agent: str | None = None
    client_id: str | None = None
    scopes: list[str] | None = None


class _Server(_Strict):
    name: str | None = None
    region: str | None = None
    version: str | None = None


class _Subject(_Strict):
    from_: str | None = Field(default=None, alias="from")
    id: str | None = None
    region: str | None = None


class _Kafka(_Strict):
    broker: str | None = None
    topic: str | None = None
    delivery_timeout: float | None = Field(default=None, gt=0)


class _Spool(_Strict):
    dir: str | None = None
    max_bytes: int | None = Field(default=None, gt=0)
    fsync: Literal["always", "interval", "never"] | None = None


class ProxyFile(_Strict):
    """The YAML file's shape; every field optional."""

    tenant: str | None = None
    purpose: str | None = None
    session_id: str | None = None
    out: str | None = None
    gateway: _Gateway = Field(default_factory=_Gateway)
    identity: _Identity = Field(default_factory=_Identity)
    server: _Server = Field(default_factory=_Server)
    data_subject: _Subject = Field(default_factory=_Subject)
    kafka: _Kafka = Field(default_factory=_Kafka)
    spool: _Spool = Field(default_factory=_Spool)

    def flat(self) -> dict[str, Any]:
        """The file as the command's option names."""
        values = {
            "tenant": self.tenant, "purpose": self.purpose, "session_id": self.session_id,
            "out": self.out,
            "gateway_id": self.gateway.id, "gateway_region": self.gateway.region,
            "user": self.identity.user, "agent": self.identity.agent,
            "client_id": self.identity.client_id,
            "scopes": ",".join(self.identity.scopes) if self.identity.scopes is not None
            else None,
            "server_name": self.server.name, "server_region": self.server.region,
            "server_version": self.server.version,
            "subject_from": self.data_subject.from_, "subject": self.data_subject.id,
            "subject_region": self.data_subject.region,
            "broker": self.kafka.broker, "topic": self.kafka.topic,
            "delivery_timeout": self.kafka.delivery_timeout,
            "spool_dir": self.spool.dir, "max_spool_bytes": self.spool.max_bytes,
            "fsync": self.spool.fsync,
        }
        return {key: value for key, value in values.items() if value is not None}


def load_config(path: str | Path) -> dict[str, Any]:
    """Read and validate the YAML file; `ConfigError` names the file and the field."""
    p = Path(path).expanduser()
    try:
        return validate(ProxyFile, read_mapping(p, "a mapping of settings")).flat()
    except YamlProblem as problem:
        raise ConfigError(f"{p}: {problem}") from None


def merge(given: dict[str, Any], from_file: dict[str, Any]) -> dict[str, Any]:
    """Flags and environment (`given`, None when unset) over the file's values."""
    out = dict(from_file)
    out.update({key: value for key, value in given.items() if value is not None})
    return out
