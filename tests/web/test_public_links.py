"""Issue 18 item 4: the links nervemap hands out never carry a host the caller named in ``Host``."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nervemap.settings import Settings
from nervemap.store.models import User
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_episodes import _episode

FORGED = "attacker.example"
PUBLIC = "https://nervemap.example.org/clinic-a"


def _invitation_page(client: TestClient, host: str | None = None) -> str:
    queue = client.get("/clinic")
    headers = {"Host": host} if host else {}
    made = client.post("/clinic/invitations", data={"csrf": csrf_of(queue.text)}, headers=headers)
    assert made.status_code == 200 and "Invitation link" in made.text, made.text[:300]
    return made.text


def _checkin_page(client: TestClient, episode_id: str, host: str | None = None) -> str:
    page = client.get(f"/clinic/episodes/{episode_id}")
    headers = {"Host": host} if host else {}
    issued = client.post(
        f"/clinic/episodes/{episode_id}/links", data={"csrf": csrf_of(page.text)}, headers=headers
    )
    assert issued.status_code == 200, issued.text[:300]
    return issued.text


def _link(html: str, path: str) -> str:
    found = re.search(rf'value="([^"]*{re.escape(path)}\?link=[A-Za-z0-9_-]+)"', html)
    assert found, f"no {path} link on the page"
    return found.group(1)


def _configure(app: FastAPI, public_base_url: str | None) -> None:
    settings: Settings = app.state.settings
    app.state.settings = settings.model_copy(update={"public_base_url": public_base_url})


def test_a_forged_host_never_appears_in_a_link(
    app: FastAPI, client: TestClient, clinician: User, session: Session
) -> None:
    """Unconfigured: a forged Host gives the path alone (and a hint), never the forged host."""
    sign_in(client)
    invitation = _invitation_page(client, host=FORGED)
    assert _link(invitation, "/start").startswith("/start?link=")
    assert FORGED not in invitation and 'data-testid="link-without-host"' in invitation
    episode_id = _episode(client, session)
    checkin = _checkin_page(client, episode_id, host=f"{FORGED}:8443")
    assert _link(checkin, "/checkin").startswith("/checkin?link=")
    assert FORGED not in checkin and 'data-testid="link-without-host"' in checkin
    # the link still works on this server
    assert client.get(_link(invitation, "/start")).status_code == 200


def test_the_configured_public_address_is_used_whatever_the_host(
    app: FastAPI, client: TestClient, clinician: User, session: Session
) -> None:
    _configure(app, PUBLIC)
    sign_in(client)
    for host in (FORGED, "localhost", None):
        invitation = _invitation_page(client, host=host)
        assert _link(invitation, "/start").startswith(f"{PUBLIC}/start?link=")
        assert FORGED not in invitation and "link-without-host" not in invitation
    episode_id = _episode(client, session)
    checkin = _checkin_page(client, episode_id, host=FORGED)
    assert _link(checkin, "/checkin").startswith(f"{PUBLIC}/checkin?link=")
    assert FORGED not in checkin


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_unconfigured_a_loopback_host_gives_an_absolute_link(
    client: TestClient, clinician: User, host: str
) -> None:
    sign_in(client)
    link = _link(_invitation_page(client, host=host), "/start")
    assert link.startswith(f"http://{host}/start?link=")


@pytest.mark.parametrize(
    "value",
    [
        "nervemap.example.org",
        "/clinic",
        "ftp://nervemap.example.org",
        "javascript:alert(1)",
        "https://",
        "https://nervemap.example.org/?next=x",
        "https://nervemap.example.org/#x",
        "https://user:pw@nervemap.example.org",
        "https://nervemap.example.org:99999",
        "https://nerve map.example.org",
    ],
)
def test_the_public_address_must_be_an_absolute_http_url(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(public_base_url=value)


def test_the_public_address_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NERVEMAP_PUBLIC_BASE_URL", "https://nervemap.example.org/a/")
    assert Settings().public_base_url == "https://nervemap.example.org/a"
    monkeypatch.setenv("NERVEMAP_PUBLIC_BASE_URL", "")
    assert Settings().public_base_url is None
