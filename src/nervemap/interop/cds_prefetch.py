"""The prefetch of a CDS Hooks 2.0 call, completed from the ``fhirServer`` when the client did not send it.

Per key, what the client sends means:

- a resource or Bundle: the data;
- ``null``: the client has no data for the template (CDS Hooks 2.0 §Prefetch: a client with no
  data MUST send null), taken as an empty result;
- the key left out (or no ``prefetch`` at all), or an OperationOutcome (the client could not
  prefetch it): the data is unknown. nervemap then reads it from ``fhirServer`` with the access
  token of ``fhirAuthorization`` when that server is configured for the caller; otherwise the call
  gets 412 Precondition Failed naming each key, as the specification requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urljoin

import httpx

from nervemap.interop.cds_config import CdsClient, CdsConfig
from nervemap.interop.errors import InteropError, Issue

FHIR_JSON = "application/fhir+json"


def _outcome_text(value: dict[str, Any]) -> str:
    texts = [
        str(issue.get("diagnostics") or (issue.get("details") or {}).get("text") or issue.get("code"))
        for issue in value.get("issue") or []
        if isinstance(issue, dict)
    ]
    return "; ".join(texts) or "no detail given"


def _query(template: str, patient_id: str) -> str:
    return template.replace("{{context.patientId}}", quote(patient_id, safe=""))


class FhirServer:
    """Reads prefetch templates from one FHIR server, with the client's bearer token."""

    def __init__(self, base: str, token: str, config: CdsConfig) -> None:
        self.base = base.rstrip("/") + "/"
        self.token = token
        self.config = config

    def _get(self, client: httpx.Client, url: str, key: str) -> dict[str, Any] | None:
        try:
            response = client.get(url)
        except httpx.HTTPError as error:
            raise _precondition(key, f"the fhirServer could not be read ({type(error).__name__})") from error
        if response.status_code in (404, 410) and "?" not in url:
            return None  # a read of a resource that is not there: no data
        if response.status_code != 200:
            raise _precondition(key, f"the fhirServer answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise _precondition(key, "the fhirServer answered with something other than JSON") from error
        if not isinstance(data, dict):
            raise _precondition(key, "the fhirServer answered with something other than a resource")
        return data

    def read(self, key: str, template: str, patient_id: str) -> dict[str, Any] | None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": FHIR_JSON}
        url = urljoin(self.base, _query(template, patient_id))
        with httpx.Client(
            headers=headers, timeout=self.config.fetch_timeout_seconds, follow_redirects=False
        ) as client:
            data = self._get(client, url, key)
            if data is None or data.get("resourceType") != "Bundle":
                return data
            entries = list(data.get("entry") or [])
            for _ in range(self.config.max_pages - 1):  # follow "next" pages on the same server only
                following = next(
                    (
                        link.get("url")
                        for link in data.get("link") or []
                        if isinstance(link, dict) and link.get("relation") == "next"
                    ),
                    None,
                )
                if not isinstance(following, str) or not following.startswith(self.base):
                    break
                data = self._get(client, following, key) or {}
                entries += list(data.get("entry") or [])
            return {"resourceType": "Bundle", "type": "searchset", "entry": entries}


def _precondition(key: str, why: str) -> InteropError:
    return InteropError([Issue(f"prefetch.{key}", why, "required")], 412)


def complete_prefetch(
    payload: Mapping[str, Any],
    templates: Mapping[str, str],
    patient_id: str,
    config: CdsConfig,
    client: CdsClient | None,
) -> dict[str, dict[str, Any] | None]:
    """Every template key with its data (None: no data); 412 for what can be neither sent nor read."""
    sent = payload.get("prefetch")
    if sent is not None and not isinstance(sent, dict):
        raise InteropError([Issue("prefetch", "expected a JSON object of prefetch keys", "structure")], 400)
    sent = sent or {}
    values: dict[str, dict[str, Any] | None] = {}
    unknown: dict[str, str] = {}
    for key in templates:
        if key not in sent:
            unknown[key] = "not sent"
            continue
        value = sent[key]
        if value is None:
            values[key] = None
        elif isinstance(value, dict) and value.get("resourceType") == "OperationOutcome":
            unknown[key] = f"the client could not prefetch it ({_outcome_text(value)})"
        else:
            values[key] = value
    if not unknown:
        return values
    server = _server(payload, config, client, unknown)
    for key in unknown:
        values[key] = server.read(key, templates[key], patient_id)
    return values


def _server(
    payload: Mapping[str, Any], config: CdsConfig, client: CdsClient | None, unknown: dict[str, str]
) -> FhirServer:
    """The fhirServer to read the unknown keys from, or 412 saying why it cannot be read."""
    base = payload.get("fhirServer")
    authorization = payload.get("fhirAuthorization")
    token = authorization.get("access_token") if isinstance(authorization, dict) else None
    if not isinstance(base, str) or not base:
        why = "and no fhirServer to read it from"
    elif not isinstance(token, str) or not token:
        why = "and no fhirAuthorization.access_token to read it from the fhirServer with"
    elif not config.may_query(base, client):
        why = f"and the fhirServer {base} is not one nervemap is configured to query for this client"
    else:
        return FhirServer(base, token, config)
    raise InteropError(
        [
            Issue(
                f"prefetch.{key}",
                f"{reason}, {why}: send the prefetch (null when there is no data)",
                "required",
            )
            for key, reason in unknown.items()
        ],
        412,
    )
