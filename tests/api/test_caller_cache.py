"""Who a token names is remembered for a second (issue 16, services/accounts.CallerCache), and
forgotten at once when a user row changes in this process: an ended token never works again here,
and in another server process at most CALLER_TTL_S later."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from nervemap.services import accounts
from nervemap.services.accounts import CALLERS, CallerCache
from nervemap.settings import Settings
from nervemap.store.models import User
from nervemap.store.users import UserRepository
from tests.api.conftest import assert_problem, bearer


def _user_queries(connection: Connection) -> list[str]:
    seen: list[str] = []

    @event.listens_for(connection, "before_cursor_execute")
    def _seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM users" in statement:
            seen.append(statement)

    return seen


def test_a_remembered_caller_is_not_looked_up_again(
    app: FastAPI, client: TestClient, clinician: User, connection: Connection
) -> None:
    headers = bearer(app, clinician)
    CALLERS.clear()
    seen = _user_queries(connection)
    for _ in range(3):
        assert client.get("/v1/assessments", headers=headers).status_code == 200
    assert len(seen) == 1


@pytest.mark.parametrize("change", ["deactivate", "end sessions", "new password", "role"])
def test_a_change_of_the_user_ends_a_remembered_token_at_once(
    app: FastAPI, client: TestClient, clinician: User, session: Session, change: str
) -> None:
    headers = bearer(app, clinician)
    assert client.get("/v1/assessments", headers=headers).status_code == 200  # now remembered
    user = UserRepository(session).get(clinician.id)
    assert user is not None
    if change == "deactivate":
        UserRepository(session).set_active(user, False)
    elif change == "end sessions":
        UserRepository(session).end_sessions(user)
    elif change == "new password":
        UserRepository(session).set_password(user, "another hash")
    else:
        user.role = "admin"
    session.commit()
    if change == "role":
        assert_problem(client.get("/v1/assessments", headers=headers), 403)
    else:
        assert_problem(client.get("/v1/assessments", headers=headers), 401)


def test_logout_ends_a_remembered_token(app: FastAPI, client: TestClient, clinician: User) -> None:
    headers = bearer(app, clinician)
    assert client.get("/v1/assessments", headers=headers).status_code == 200
    assert client.post("/v1/auth/logout", headers=headers).status_code in (200, 204)
    assert_problem(client.get("/v1/assessments", headers=headers), 401)


def test_a_change_made_elsewhere_is_seen_within_the_time_to_live(
    monkeypatch: pytest.MonkeyPatch, app: FastAPI, client: TestClient, clinician: User, connection: Connection
) -> None:
    """Another process (a second worker, the command line) changes the row: this process may still
    accept the token until its memory of it is CALLER_TTL_S old, not longer."""
    cache = CallerCache(ttl_s=0.3)
    monkeypatch.setattr(accounts, "CALLERS", cache)
    headers = bearer(app, clinician)
    assert client.get("/v1/assessments", headers=headers).status_code == 200
    # as another process would: straight SQL, no session of this process sees the change
    connection.execute(
        text("UPDATE users SET active = :no WHERE id = :id"), {"no": False, "id": clinician.id.hex}
    )
    time.sleep(0.35)
    assert_problem(client.get("/v1/assessments", headers=headers), 401)


def test_the_cache_answers_fresh_detached_users_and_forgets_after_its_time() -> None:
    cache = CallerCache(ttl_s=0.2)
    user = User(id=uuid.uuid4(), email="c@example.org", role="clinician", active=True, token_generation=3)
    cache.put(1, user)
    first, second = cache.get(1, user.id, 3), cache.get(1, user.id, 3)
    assert first is not None and second is not None and first is not second
    assert (first.id, first.email, first.role, first.active) == (user.id, user.email, "clinician", True)
    assert cache.get(1, user.id, 2) is None  # another generation
    assert cache.get(2, user.id, 3) is None  # another database
    time.sleep(0.25)
    assert cache.get(1, user.id, 3) is None


def test_a_zero_window_turns_the_cache_off(
    settings: Settings, connection: Connection, clinician: User
) -> None:
    """NERVEMAP_CALLER_CACHE_SECONDS=0: every request reads the user, so an ended token is refused
    by every process at once (the operator's choice when a 1 s window is not acceptable)."""
    from nervemap.app import create_app
    from nervemap.server.deps import get_session
    from tests.store.backends import bound_session

    app = create_app(settings.model_copy(update={"caller_cache_seconds": 0.0}))

    def _session() -> Iterator[Session]:
        with bound_session(connection) as session:
            yield session

    app.dependency_overrides[get_session] = _session
    try:
        headers = bearer(app, clinician)
        CALLERS.clear()
        seen = _user_queries(connection)
        with TestClient(app) as client:
            for _ in range(3):
                assert client.get("/v1/assessments", headers=headers).status_code == 200
        assert len(seen) == 3
    finally:
        app.state.engine.dispose()
        accounts.CALLERS.ttl_s = accounts.CALLER_TTL_S
