"""The web review forms keep the API's limits on a comment (issue 18): one definition
(``services/limits.py``) for both front ends, so an empty comment or one of more than 5,000 characters
is refused on the page with a message naming the comment and why, and nothing is stored; 5,000
characters are accepted by both."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nervemap.services.limits import MAX_COMMENT_CHARS
from nervemap.store.models import AssessmentRecord, AuditEvent, Episode, User
from tests.api.conftest import bearer
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_episodes import _assessment, _episode

REFUSED = [
    ("", "The comment is required (1 to 5,000 characters)."),
    ("   ", "The comment is required (1 to 5,000 characters)."),
    ("x" * (MAX_COMMENT_CHARS + 1), "The comment is too long (5,001 characters; 5,000 at most)."),
    ("x" * 10_000, "The comment is too long (10,000 characters; 5,000 at most)."),
]


def _reviews(session: Session, action: str) -> int:
    return (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0
    )


@pytest.mark.parametrize(("comment", "message"), REFUSED, ids=["empty", "blank", "5001", "10000"])
@pytest.mark.parametrize("kind", ["assessment", "episode"])
def test_a_review_refuses_an_empty_or_too_long_comment(
    client: TestClient, clinician: User, session: Session, kind: str, comment: str, message: str
) -> None:
    """An assessment's review and an episode's: refused on the page, nothing stored or audited."""
    sign_in(client)
    identifier = _assessment(client, session) if kind == "assessment" else _episode(client, session)
    page = client.get(f"/clinic/{kind}s/{identifier}")
    refused = client.post(
        f"/clinic/{kind}s/{identifier}/review", data={"csrf": csrf_of(page.text), "comment": comment}
    )
    assert refused.status_code == 422
    if kind == "assessment":
        assert f'<p class="field-error" id="comment-error">{message}</p>' in refused.text
        assert 'aria-describedby="comment-error"' in refused.text
        record = session.get(AssessmentRecord, uuid.UUID(identifier))
        assert record is not None
        session.refresh(record)
        assert record.status == "new" and record.review_comment is None and record.reviewed_by is None
    else:
        assert message in refused.text
        episode = session.get(Episode, uuid.UUID(identifier))
        assert episode is not None
        session.refresh(episode)
        assert episode.reviewed_at is None and episode.review_comment is None
    assert _reviews(session, f"{kind}.review") == 0


def test_a_comment_of_the_largest_length_is_accepted_by_the_web_and_the_api(
    app: FastAPI, client: TestClient, clinician: User, session: Session
) -> None:
    longest = "y" * MAX_COMMENT_CHARS
    sign_in(client)
    assessment_id = _assessment(client, session)
    page = client.get(f"/clinic/assessments/{assessment_id}")
    reviewed = client.post(
        f"/clinic/assessments/{assessment_id}/review", data={"csrf": csrf_of(page.text), "comment": longest}
    )
    assert reviewed.status_code == 200 and 'data-testid="status">reviewed' in reviewed.text
    episode_id = _episode(client, session)
    page = client.get(f"/clinic/episodes/{episode_id}")
    reviewed = client.post(
        f"/clinic/episodes/{episode_id}/review", data={"csrf": csrf_of(page.text), "comment": longest}
    )
    assert reviewed.status_code == 200 and "Reviewed on" in reviewed.text
    # the API's schemas read the same limit: one character more is refused there too
    headers = bearer(app, clinician)
    for path in (f"/v1/assessments/{assessment_id}/review", f"/v1/episodes/{episode_id}/review"):
        too_long = client.post(path, json={"comment": longest + "y"}, headers=headers)
        assert too_long.status_code == 422 and "comment" in too_long.text
        assert client.post(path, json={"comment": longest}, headers=headers).status_code == 200
