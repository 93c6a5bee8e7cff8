"""Demo data: a demo clinician and the bundled example cases assessed as that clinician (used by
``nervemap demo-data`` and ``nervemap web demo-app``)."""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy.orm import Session

from nervemap.engine.assess import assess_many
from nervemap.engine.case import Case
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.models import Role, SourceKind
from nervemap.store.passwords import hash_password
from nervemap.store.users import UserRepository

DEMO_EMAIL = "demo.clinician@example.org"
DEMO_PASSWORD = "nervemap-demo-password"


def example_cases() -> list[Case]:
    folder = resources.files("nervemap") / "examples"
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".json")), key=lambda e: e.name)
    return [Case.model_validate(json.loads(e.read_text(encoding="utf-8"))) for e in entries]


def demo_exists(db: Session) -> bool:
    return UserRepository(db).exists(DEMO_EMAIL)


def create_demo_data(db: Session, *, actor: str) -> int:
    """The demo clinician (once) and one stored assessment per example case; the number assessed."""
    cases = example_cases()
    users = UserRepository(db)
    user = users.by_email(DEMO_EMAIL) or users.add(DEMO_EMAIL, Role.CLINICIAN, hash_password(DEMO_PASSWORD))
    repository = AssessmentRepository(db)
    for case, assessment in zip(cases, assess_many(list(cases)), strict=True):
        record = repository.add(
            created_by=user.id,
            source_kind=SourceKind.STRUCTURED,
            input=case.model_dump(mode="json", exclude_none=True),
            assessment=assessment,
        )
        AuditLog(db).record(actor, "assessment.create", f"assessment:{record.id}")
    db.commit()
    return len(cases)
