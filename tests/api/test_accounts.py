"""Accounts that can be revoked (issue 18 item 3): logout, deactivation, password change and reset
end the user's tokens and web sessions at once; a deactivated user's API keys are refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap.server.tokens import TokenSigner
from nervemap.store.api_keys import ApiKeyRepository
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.models import Scope, User
from tests.api.conftest import PASSWORD, assert_problem
from tests.web.conftest import csrf_of, sign_in

NEW_PASSWORD = "a brand new long password"


def _login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _works(client: TestClient, headers: dict[str, str]) -> bool:
    response = client.get("/v1/knowledge/conditions", headers=headers)
    if response.status_code == 401:
        assert_problem(response, 401)
        return False
    assert response.status_code == 200, response.text
    return True


def _actions(session: Session) -> list[str]:
    rows, _ = AuditLog(session).query(AuditFilter(), 100, 0)
    return [row.action for row in rows]


def test_logout_ends_this_and_every_other_token_of_the_user(
    client: TestClient, clinician: User, session: Session
) -> None:
    first, second = _login(client, clinician.email), _login(client, clinician.email)
    assert _works(client, first) and _works(client, second)
    assert client.post("/v1/auth/logout", headers=first).status_code == 204
    assert not _works(client, first) and not _works(client, second)
    assert_problem(client.post("/v1/auth/logout", headers=first), 401, "header.Authorization")
    assert _works(client, _login(client, clinician.email))  # signing in again works
    assert "auth.logout" in _actions(session)


def test_an_api_key_cannot_log_out_or_change_its_owners_password(
    client: TestClient, clinician: User, session: Session
) -> None:
    key = ApiKeyRepository(session).issue(clinician, [Scope.READ, Scope.WRITE]).key
    session.commit()
    headers = {"X-API-Key": key}
    assert_problem(client.post("/v1/auth/logout", headers=headers), 403)
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert_problem(client.post("/v1/auth/password", json=body, headers=headers), 403)
    assert _works(client, headers)


def test_deactivation_ends_tokens_and_refuses_keys_and_login_until_reactivated(
    client: TestClient, clinician: User, as_admin: dict[str, str], session: Session
) -> None:
    token = _login(client, clinician.email)
    key = {"X-API-Key": ApiKeyRepository(session).issue(clinician, [Scope.READ]).key}
    session.commit()
    response = client.post(f"/v1/users/{clinician.id}/deactivate", headers=as_admin)
    assert response.status_code == 200 and response.json()["active"] is False, response.text
    assert not _works(client, token) and not _works(client, key)
    refused = client.post("/v1/auth/login", json={"email": clinician.email, "password": PASSWORD})
    assert_problem(refused, 401, "body.password")
    listed = {user["email"]: user["active"] for user in client.get("/v1/users", headers=as_admin).json()}
    assert listed[clinician.email] is False

    response = client.post(f"/v1/users/{clinician.id}/reactivate", headers=as_admin)
    assert response.status_code == 200 and response.json()["active"] is True
    assert not _works(client, token)  # a token from before the deactivation stays revoked
    assert _works(client, key)  # keys are refused while inactive, not revoked: revoke them one by one
    assert _works(client, _login(client, clinician.email))
    assert {"user.deactivate", "user.reactivate"} <= set(_actions(session))


def test_user_admin_is_for_admins_and_not_on_oneself(
    client: TestClient, clinician: User, admin: User, as_admin: dict[str, str], as_clinician: dict[str, str]
) -> None:
    assert_problem(client.post(f"/v1/users/{admin.id}/deactivate", headers=as_clinician), 403)
    assert_problem(client.get("/v1/users", headers=as_clinician), 403)
    assert_problem(client.post(f"/v1/users/{admin.id}/deactivate", headers=as_admin), 409, "path.user_id")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert_problem(client.post(f"/v1/users/{unknown}/deactivate", headers=as_admin), 404, "path.user_id")
    weak = client.post(f"/v1/users/{clinician.id}/password", json={"password": "short"}, headers=as_admin)
    assert_problem(weak, 422, "body.password")


def test_changing_ones_password_needs_the_old_one_and_ends_other_sessions(
    client: TestClient, clinician: User, session: Session
) -> None:
    token = _login(client, clinician.email)
    wrong = {"old_password": "not the password at all", "new_password": NEW_PASSWORD}
    assert_problem(client.post("/v1/auth/password", json=wrong, headers=token), 403, "body.old_password")
    assert _works(client, token)
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = client.post("/v1/auth/password", json=body, headers=token)
    assert response.status_code == 200, response.text
    assert NEW_PASSWORD not in response.text
    assert not _works(client, token)
    assert _works(client, {"Authorization": f"Bearer {response.json()['access_token']}"})
    old = client.post("/v1/auth/login", json={"email": clinician.email, "password": PASSWORD})
    assert_problem(old, 401)
    assert _works(client, _login(client, clinician.email, NEW_PASSWORD))
    assert "user.password-change" in _actions(session)


def test_an_admin_resets_a_password_and_ends_the_users_sessions(
    client: TestClient, clinician: User, as_admin: dict[str, str]
) -> None:
    token = _login(client, clinician.email)
    response = client.post(
        f"/v1/users/{clinician.id}/password", json={"password": NEW_PASSWORD}, headers=as_admin
    )
    assert response.status_code == 204, response.text
    assert not _works(client, token)
    assert _works(client, _login(client, clinician.email, NEW_PASSWORD))
    token = _login(client, clinician.email, NEW_PASSWORD)
    assert client.post(f"/v1/users/{clinician.id}/end-sessions", headers=as_admin).status_code == 204
    assert not _works(client, token)


def _clinic_status(client: TestClient, cookie: str) -> int:
    client.cookies.set("nervemap_session", cookie)
    return client.get("/clinic", follow_redirects=False).status_code


def test_web_logout_ends_the_session_cookie_even_if_copied(client: TestClient, clinician: User) -> None:
    sign_in(client)
    cookie = client.cookies["nervemap_session"]
    page = client.get("/clinic")
    assert page.status_code == 200
    out = client.post("/clinic/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert _clinic_status(client, cookie) == 303  # the copied cookie: back to the sign-in page


def test_deactivation_and_api_logout_end_the_web_session(
    client: TestClient, app: FastAPI, clinician: User, as_admin: dict[str, str]
) -> None:
    sign_in(client)
    cookie = client.cookies["nervemap_session"]
    assert _clinic_status(client, cookie) == 200
    assert client.post(f"/v1/users/{clinician.id}/deactivate", headers=as_admin).status_code == 200
    assert _clinic_status(client, cookie) == 303
    assert client.post(f"/v1/users/{clinician.id}/reactivate", headers=as_admin).status_code == 200
    assert _clinic_status(client, cookie) == 303
    client.cookies.clear()
    sign_in(client)
    cookie = client.cookies["nervemap_session"]
    assert client.post("/v1/auth/logout", headers=_login(client, clinician.email)).status_code == 204
    assert _clinic_status(client, cookie) == 303


def test_the_token_generation_claim_must_be_a_plain_integer() -> None:
    signer = TokenSigner(b"key", lifetime_s=60)
    user = uuid.uuid4()
    token, _ = signer.issue(user, now=1_000.0, generation=3)
    claims = signer.verify(token, now=1_010.0)
    assert claims is not None and claims.generation == 3

    def signed(claims: str) -> str:
        payload = base64.urlsafe_b64encode(claims.encode()).rstrip(b"=")
        mac = base64.urlsafe_b64encode(hmac.new(b"key", payload, hashlib.sha256).digest()).rstrip(b"=")
        return f"{payload.decode()}.{mac.decode()}"

    for gen in ["true", '"3"', "3.0", "null", "[3]"]:
        claims_text = f'{{"sub": "{user}", "iat": 0, "exp": 2000, "gen": {gen}}}'
        assert signer.verify(signed(claims_text), now=1_010.0) is None, gen
    before_0007 = signer.verify(signed(f'{{"sub": "{user}", "iat": 0, "exp": 2000}}'), now=1_010.0)
    assert before_0007 is not None and before_0007.generation == 0
    legacy, _ = signer.issue(user, now=1_000.0)  # no generation given: 0, as tokens from before 0007
    assert (found := signer.verify(legacy, now=1_010.0)) is not None and found.generation == 0


def test_wrong_old_passwords_are_limited_per_user(
    client: TestClient, clinician: User, session: Session
) -> None:
    token = _login(client, clinician.email)
    wrong = {"old_password": "not the password at all", "new_password": NEW_PASSWORD}
    for _ in range(5):
        assert_problem(client.post("/v1/auth/password", json=wrong, headers=token), 403, "body.old_password")
    right = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    limited = client.post("/v1/auth/password", json=right, headers=token)
    assert_problem(limited, 429, "body.old_password")
    assert int(limited.headers["retry-after"]) > 0
    assert _works(client, token)  # the password was not changed and the session goes on
    assert _actions(session).count("user.password-change-refused") == 5
