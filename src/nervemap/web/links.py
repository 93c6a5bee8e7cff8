"""The absolute address of a link nervemap hands out (an invitation, a check-in link).

A link is shown to a clinician to send to a patient, so its host must be one the operator chose,
never one a caller named in the request's ``Host`` header (a forged header would otherwise put an
attacker's host, with a valid token, in front of the patient). The rule:

1. ``NERVEMAP_PUBLIC_BASE_URL`` set: that address, always.
2. Unset, and the request's ``Host`` is this machine (``localhost``, ``127.0.0.1``, ``::1``): the
   request's own address (a local or development set-up; a forged loopback host points nowhere
   an attacker controls).
3. Otherwise: the path alone (``/start?link=...``); the page asks for the setting.
"""

from __future__ import annotations

from fastapi import Request

from nervemap.settings import Settings

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def public_link(request: Request, path: str) -> str:
    """``path`` (starting with ``/``) made absolute by the rule above."""
    settings: Settings = request.app.state.settings
    if settings.public_base_url:
        return settings.public_base_url + path
    if (request.url.hostname or "").lower() in LOOPBACK_HOSTS:
        return str(request.base_url).rstrip("/") + path
    return path
