"""Invitation links (issue 18 item 3): single-use by default, a setting or the request for more uses,
revocable; a used-up or withdrawn link is refused with 410 at once (API and web)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from nervemap.store.models import User
from tests.api.conftest import assert_problem
from tests.web.conftest import csrf_of, sign_in


def _invite(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/v1/invitations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    invitation: dict[str, Any] = response.json()
    return invitation


def _start(client: TestClient, token: str) -> Any:
    return client.post("/v1/interviews", json={"mode": "patient", "invitation": token})


def _reason(response: Any) -> str:
    body = assert_problem(response, 410, "body.invitation")
    return str(body["errors"][0]["reason"])


def test_an_invitation_starts_one_interview_by_default(
    client: TestClient, as_clinician: dict[str, str]
) -> None:
    invitation = _invite(client, as_clinician)
    assert invitation["max_uses"] == 1
    assert _start(client, invitation["token"]).status_code == 201
    assert _reason(_start(client, invitation["token"])) == "used"
    assert _reason(_start(client, invitation["token"])) == "used"


def test_more_uses_by_request_or_setting(
    client: TestClient, app: FastAPI, as_clinician: dict[str, str]
) -> None:
    two = _invite(client, as_clinician, max_uses=2)
    assert [_start(client, two["token"]).status_code for _ in range(2)] == [201, 201]
    assert _reason(_start(client, two["token"])) == "used"
    app.state.settings = app.state.settings.model_copy(update={"invitation_max_uses": 0})
    unlimited = _invite(client, as_clinician)
    assert unlimited["max_uses"] is None
    assert [_start(client, unlimited["token"]).status_code for _ in range(3)] == [201, 201, 201]
    for bad in (-1, False, True, "2", 1.5):  # false would otherwise read as 0, any number
        assert_problem(client.post("/v1/invitations", json={"max_uses": bad}, headers=as_clinician), 422)


def test_a_revoked_invitation_is_refused_at_once(
    client: TestClient, as_clinician: dict[str, str], as_admin: dict[str, str]
) -> None:
    invitation = _invite(client, as_clinician, max_uses=0)
    assert _start(client, invitation["token"]).status_code == 201
    url = f"/v1/invitations/{invitation['id']}/revoke"
    assert_problem(client.post(url, headers=as_admin), 403)
    assert client.post(url, headers=as_clinician).status_code == 204
    assert client.post(url, headers=as_clinician).status_code == 204  # again: no change
    assert _reason(_start(client, invitation["token"])) == "revoked"
    unknown = "/v1/invitations/00000000-0000-4000-8000-000000000000/revoke"
    assert_problem(client.post(unknown, headers=as_clinician), 404, "path.invitation_id")


def test_web_a_used_invitation_shows_a_410_page(client: TestClient, as_clinician: dict[str, str]) -> None:
    token = _invite(client, as_clinician)["token"]
    page = client.get(f"/start?link={token}")
    started = client.post("/start", data={"csrf": csrf_of(page.text), "link": token})
    assert started.status_code == 200 and started.url.path.startswith("/interview")
    again = client.get(f"/start?link={token}")
    assert again.status_code == 410 and "This link has been used" in again.text
    post = client.post("/start", data={"csrf": csrf_of(page.text), "link": token})
    assert post.status_code == 410 and "Traceback" not in post.text


def test_web_a_clinician_withdraws_an_invitation(client: TestClient, clinician: User) -> None:
    sign_in(client)
    queue = client.get("/clinic")
    made = client.post("/clinic/invitations", data={"csrf": csrf_of(queue.text)})
    assert made.status_code == 200 and "starts one leg-pain interview" in made.text
    found = re.search(r"/start\?link=([A-Za-z0-9_-]+)", made.text)
    action = re.search(r'action="(/clinic/invitations/[^"]+/revoke)"', made.text)
    assert found and action
    assert client.get(f"/start?link={found.group(1)}").status_code == 200
    withdrawn = client.post(action.group(1), data={"csrf": csrf_of(made.text)})
    assert withdrawn.status_code == 200 and "Invitation withdrawn" in withdrawn.text
    gone = client.get(f"/start?link={found.group(1)}")
    assert gone.status_code == 410 and "This link was withdrawn" in gone.text


def test_a_clinician_lists_their_invitations_without_tokens(
    client: TestClient, as_clinician: dict[str, str]
) -> None:
    used = _invite(client, as_clinician)
    assert _start(client, used["token"]).status_code == 201
    fresh = _invite(client, as_clinician, max_uses=3)
    response = client.get("/v1/invitations", headers=as_clinician)
    assert response.status_code == 200, response.text
    listed = {item["id"]: item for item in response.json()}
    assert list(listed) == [fresh["id"], used["id"]]  # newest first
    assert listed[used["id"]]["uses"] == 1 and listed[used["id"]]["usable"] is False
    assert listed[fresh["id"]]["max_uses"] == 3 and listed[fresh["id"]]["usable"] is True
    assert used["token"] not in response.text and fresh["token"] not in response.text
