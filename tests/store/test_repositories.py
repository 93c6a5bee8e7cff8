from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.engine.assess import assess
from nervemap.store.api_keys import ApiKeyRepository, hash_key
from nervemap.store.assessments import AssessmentFilter, AssessmentRepository
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.models import ApiKey, ReviewStatus, Role, Scope, SourceKind, User
from nervemap.store.passwords import hash_password, verify_password
from nervemap.store.patient_links import PatientLinkRepository, hash_token
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository

CASE = {"age": 40, "findings": [{"id": "back_pain"}, {"id": "radiating_leg_pain", "side": "left"}]}


def _user(session: Session) -> User:
    return UserRepository(session).add(" Doc@Example.ORG ", Role.CLINICIAN, "hash")


def test_users_are_found_by_normalised_email(session: Session) -> None:
    user = _user(session)
    users = UserRepository(session)
    assert user.email == "doc@example.org"
    assert users.by_email("DOC@example.org") is user
    assert users.get(user.id) is user and users.exists("doc@example.org")
    assert users.by_email("other@example.org") is None


def test_passwords_are_argon2id_and_verify() -> None:
    hashed = hash_password("s3cret passphrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "s3cret passphrase")
    assert not verify_password(hashed, "wrong")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


def test_api_keys_are_stored_hashed_scoped_and_revocable(session: Session) -> None:
    user = _user(session)
    keys = ApiKeyRepository(session)
    issued = keys.issue(user, [Scope.WRITE, Scope.READ], "ehr")
    stored = session.scalars(select(ApiKey)).one()
    assert stored.key_hash == hash_key(issued.key) and issued.key not in stored.key_hash
    assert stored.scopes == ["read", "write"]
    assert keys.find_active(issued.key) is stored
    assert keys.revoke(stored.id) and not keys.revoke(stored.id)
    assert keys.find_active(issued.key) is None


def test_assessments_store_list_and_review(session: Session) -> None:
    user = _user(session)
    repository = AssessmentRepository(session)
    record = repository.add(
        created_by=user.id, source_kind=SourceKind.STRUCTURED, input=CASE, assessment=assess(CASE)
    )
    assert record.status == "new" and record.top_condition_id
    assert record.created_at.tzinfo is not None
    session.commit()
    session.expire_all()
    again = repository.get(record.id)
    assert again is not None and again.input == CASE and again.created_at.tzinfo is not None
    rows, total = repository.list(AssessmentFilter(triage=record.triage_level), 10, 0)
    assert total == 1 and rows == [again]
    assert repository.list(AssessmentFilter(status=ReviewStatus.REVIEWED), 10, 0)[1] == 0
    repository.review(again, user.id, "seen")
    assert repository.list(AssessmentFilter(status=ReviewStatus.REVIEWED), 10, 0)[1] == 1
    assert repository.list(AssessmentFilter(since=utcnow() + timedelta(hours=1)), 10, 0)[1] == 0


def test_patient_link_tokens_are_stored_hashed(session: Session) -> None:
    user = _user(session)
    record = AssessmentRepository(session).add(
        created_by=user.id, source_kind=SourceKind.STRUCTURED, input=CASE, assessment=assess(CASE)
    )
    links = PatientLinkRepository(session)
    issued = links.issue(
        assessment_id=record.id, created_by=user.id, expires_at=utcnow() + timedelta(hours=1)
    )
    assert len(issued.token) >= 40
    assert issued.record.token_hash == hash_token(issued.token)
    assert links.by_token(issued.token) is issued.record
    assert links.by_token(issued.token + "x") is None


def test_audit_log_appends_and_queries(session: Session) -> None:
    log = AuditLog(session)
    log.record("user:a", "assessment.create", "assessment:1")
    log.record("user:b", "assessment.read", "assessment:1")
    log.record("user:a", "assessment.read", "assessment:2")
    session.flush()
    rows, total = log.query(AuditFilter(actor="user:a"), 10, 0)
    assert total == 2 and [r.action for r in rows] == ["assessment.read", "assessment.create"]
    assert log.query(AuditFilter(object="assessment:1"), 1, 0)[1] == 2
    assert len(log.query(AuditFilter(), 1, 1)[0]) == 1
    assert not hasattr(log, "delete") and not hasattr(log, "update")
