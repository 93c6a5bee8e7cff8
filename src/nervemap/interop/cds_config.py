"""CDS Hooks clients and FHIR servers nervemap trusts, as configuration (no key is fetched over the network).

The file named by ``NERVEMAP_CDS_CLIENTS_FILE`` (YAML or JSON) holds::

    clients:
      - iss: https://ehr.example.org          # the JWT ``iss`` the client signs with
        jwks: {keys: [{kty: EC, crv: P-384, kid: ..., x: ..., y: ...}]}   # or jwks_file: path
        fhir_servers: [https://ehr.example.org/fhir]   # fhirServer values nervemap may query for it
    fhir_servers: []                            # for callers with a nervemap token or API key
    public_base_url: https://cds.example.org    # what clients put in aud, when behind a proxy

A ``fhirServer`` is queried (with the access token the client sent in ``fhirAuthorization``) only
when it is listed for the caller: nervemap never calls an address a request alone names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, field_validator, model_validator

from nervemap.knowledge.models import Strict


class CdsClient(Strict):
    iss: str = Field(min_length=1, description="The client's JWT issuer")
    jwks: dict[str, Any] | None = Field(default=None, description="The client's JSON Web Key Set")
    jwks_file: Path | None = Field(default=None, description="A file holding the JWKS instead")
    fhir_servers: tuple[str, ...] = Field(default=(), description="fhirServer values it may send")

    @model_validator(mode="after")
    def _one_key_set(self) -> CdsClient:
        if (self.jwks is None) == (self.jwks_file is None):
            raise ValueError(f"client {self.iss}: give exactly one of jwks and jwks_file")
        return self

    def key_set(self) -> dict[str, Any]:
        if self.jwks is not None:
            return self.jwks
        assert self.jwks_file is not None
        loaded: dict[str, Any] = json.loads(self.jwks_file.read_text(encoding="utf-8"))
        return loaded


def _normalise(url: str) -> str:
    return url.rstrip("/")


class CdsConfig(Strict):
    clients: tuple[CdsClient, ...] = ()
    fhir_servers: tuple[str, ...] = ()
    public_base_url: str | None = Field(
        default=None, description="The service's URL as clients see it: a JWT aud is this plus the path"
    )
    fetch_timeout_seconds: float = Field(default=10, gt=0, le=60)
    max_pages: int = Field(default=10, ge=1, le=100, description="Search result pages followed")

    @field_validator("clients")
    @classmethod
    def _unique_issuers(cls, clients: tuple[CdsClient, ...]) -> tuple[CdsClient, ...]:
        issuers = [client.iss for client in clients]
        if len(set(issuers)) != len(issuers):
            raise ValueError("each client iss must appear once")
        return clients

    def client(self, iss: str) -> CdsClient | None:
        return next((client for client in self.clients if client.iss == iss), None)

    def may_query(self, fhir_server: str, client: CdsClient | None) -> bool:
        allowed = client.fhir_servers if client is not None else self.fhir_servers
        return _normalise(fhir_server) in {_normalise(url) for url in allowed}


def load_cds_config(path: Path | None) -> CdsConfig:
    """The configuration in ``path`` (YAML or JSON); none configured: no clients, no servers."""
    if path is None:
        return CdsConfig()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = CdsConfig.model_validate(data)
    for client in config.clients:
        client.key_set()  # a missing or unreadable JWKS file fails at start-up, not at the first call
    return config
