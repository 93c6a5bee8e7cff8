"""The episode repository (issue 19): episodes, check-ins, links bound to one episode, the outbox."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nervemap.engine.assess import assess
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.episodes import EpisodeFilter, EpisodeRepository, OutboxRepository
from nervemap.store.models import (
    AssessmentRecord,
    Episode,
    EpisodeCheckin,
    EpisodeStatus,
    OutboxMessage,
    Role,
    SourceKind,
    User,
)
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository

CASE = {"age": 45, "findings": [{"id": "back_pain"}], "scores": {"pain_nrs": 6}}


@pytest.fixture
def user(session: Session) -> User:
    return UserRepository(session).add("f@example.org", Role.CLINICIAN, "x")


def _assessment(session: Session, user: User) -> AssessmentRecord:
    return AssessmentRepository(session).add(
        created_by=user.id, source_kind=SourceKind.STRUCTURED, input=CASE, assessment=assess(CASE)
    )


def _episode(session: Session, user: User, **fields: object) -> Episode:
    record = _assessment(session, user)
    values: dict[str, object] = dict(
        created_by=user.id,
        first_assessment_id=record.id,
        triage_level="routine",
        overall="first check-in",
        schedule=[],
        course={},
        knowledge_version="k",
        nervemap_version="n",
    )
    values.update(fields)
    episode = EpisodeRepository(session).add(Episode(**values))
    EpisodeRepository(session).add_checkin(
        EpisodeCheckin(
            episode_id=episode.id,
            assessment_id=record.id,
            at=record.created_at,
            source="clinician",
            actor="user:x",
            measures={},
            escalations=[],
            triage_level="routine",
        )
    )
    return episode


def test_a_link_finds_its_own_episode_only(session: Session, user: User) -> None:
    repository = EpisodeRepository(session)
    first, second = _episode(session, user), _episode(session, user)
    later = utcnow() + timedelta(days=1)
    a = repository.issue_link(episode_id=first.id, created_by=user.id, expires_at=later)
    b = repository.issue_link(episode_id=second.id, created_by=user.id, expires_at=later)
    assert a.record.token_hash != a.token  # only the hash is stored
    found_a, found_b = repository.link_by_token(a.token), repository.link_by_token(b.token)
    assert found_a is not None and found_a.episode_id == first.id
    assert found_b is not None and found_b.episode_id == second.id
    assert repository.link_by_token(a.token[:-1]) is None
    assert repository.link_by_token("") is None and repository.link_by_token("x" * 500) is None
    repository.revoke_links(first.id)
    revoked = repository.link_by_token(a.token)
    assert revoked is not None and revoked.revoked_at is not None
    still = repository.link_by_token(b.token)
    assert still is not None and still.revoked_at is None


def test_an_assessment_is_a_checkin_of_one_episode_at_most(session: Session, user: User) -> None:
    episode = _episode(session, user)
    with pytest.raises(IntegrityError), session.begin_nested():
        EpisodeRepository(session).add_checkin(
            EpisodeCheckin(
                episode_id=episode.id,
                assessment_id=episode.first_assessment_id,
                source="patient",
                actor="x",
                measures={},
                escalations=[],
                triage_level="routine",
            )
        )


def test_filters_and_order(session: Session, user: User) -> None:
    now = utcnow()
    due = _episode(session, user, next_due_at=now - timedelta(days=1))
    late = _episode(session, user, next_due_at=now - timedelta(days=10))
    later = _episode(session, user, next_due_at=now + timedelta(days=10))
    flagged = _episode(session, user, needs_clinician_review=True, triage_level="urgent")
    closed = _episode(session, user, status=EpisodeStatus.CLOSED.value)
    repository = EpisodeRepository(session)
    rows, total = repository.page(EpisodeFilter(due_before=now), 50, 0)
    assert {r.id for r in rows} == {due.id, late.id} and total == 2
    rows, _ = repository.page(EpisodeFilter(due_before=now - timedelta(days=7)), 50, 0)
    assert [r.id for r in rows] == [late.id]
    rows, _ = repository.page(EpisodeFilter(escalated=True), 50, 0)
    assert [r.id for r in rows] == [flagged.id]
    rows, _ = repository.page(EpisodeFilter(status=EpisodeStatus.CLOSED), 50, 0)
    assert [r.id for r in rows] == [closed.id]
    rows, total = repository.page(EpisodeFilter(status=EpisodeStatus.OPEN), 50, 0)
    # waiting for review first, then by the next due check-in, those with none planned last
    assert [r.id for r in rows][:4] == [flagged.id, late.id, due.id, later.id] and total == 4
    rows, _ = repository.page(EpisodeFilter(triage="urgent"), 50, 0)
    assert [r.id for r in rows] == [flagged.id]
    emergency = _episode(session, user, needs_clinician_review=True, triage_level="emergency")
    rows, _ = repository.page(EpisodeFilter(escalated=True), 50, 0)
    assert [r.id for r in rows] == [emergency.id, flagged.id]  # the most urgent first
    rows, _ = repository.page(EpisodeFilter(assessment_id=due.first_assessment_id), 50, 0)
    assert [r.id for r in rows] == [due.id]


def test_the_store_ranks_triage_levels_as_the_knowledge_base_orders_them() -> None:
    from nervemap.knowledge.models import TRIAGE_ORDER
    from nervemap.store.episodes import URGENCY_RANK

    assert sorted(URGENCY_RANK, key=URGENCY_RANK.__getitem__) == [level.value for level in TRIAGE_ORDER]


def test_outbox_put_is_idempotent_revives_and_acknowledges_once(session: Session, user: User) -> None:
    episode = _episode(session, user)
    outbox = OutboxRepository(session)
    now = utcnow()

    def put() -> OutboxMessage:
        return outbox.put(episode_id=episode.id, kind="checkin-due", due_at=now, payload={}, key="k1")

    first = put()
    assert put().id == first.id
    outbox.put(
        episode_id=episode.id, kind="checkin-due", due_at=now + timedelta(weeks=4), payload={}, key="k2"
    )
    assert [m.dedupe_key for m in outbox.undelivered(now, 10)[0]] == ["k1"]
    assert outbox.undelivered(None, 10)[1] == 2
    outbox.cancel(first)
    session.flush()
    assert outbox.undelivered(None, 10)[1] == 1
    assert put().cancelled_at is None  # wanted again: revived
    outbox.acknowledge(first, "apikey:1")
    when = first.delivered_at
    outbox.acknowledge(first, "apikey:2")
    assert first.delivered_at == when and first.delivered_by == "apikey:1"
    outbox.cancel(first)  # a sent message stays sent
    assert first.cancelled_at is None
    assert [m.dedupe_key for m in outbox.pending_of(episode.id, "checkin-due")] == ["k2"]
    assert outbox.get(uuid.uuid4()) is None
