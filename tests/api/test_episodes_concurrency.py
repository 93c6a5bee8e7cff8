"""Two check-ins of one episode at the same moment, each in its own connection (issue 19): both are
stored and the course read after the second one sees the first (the episode row is locked on
PostgreSQL; SQLite's write transaction takes the database lock at BEGIN)."""

from __future__ import annotations

import copy
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.services import episodes as service
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import Role, SourceKind
from nervemap.store.users import UserRepository
from tests.api.conftest import example
from tests.store.backends import BACKENDS, scratch_database


def _case(pain: float) -> dict[str, Any]:
    case = copy.deepcopy(example("l5-left-disc"))
    case.pop("id", None)
    case["scores"] = {"pain_nrs": pain}
    return case


@pytest.mark.parametrize("name", BACKENDS)
def test_two_checkins_at_once_are_both_read_into_the_course(name: str, tmp_path: Path) -> None:
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        try:
            with factory() as db:
                user = UserRepository(db).add("c@example.org", Role.CLINICIAN, "x")
                case = _case(7)
                record = AssessmentRepository(db).add(
                    created_by=user.id, source_kind=SourceKind.STRUCTURED, input=case, assessment=assess(case)
                )
                record.created_at = record.created_at - timedelta(weeks=3)
                db.commit()
                episode_id = service.start_episode(
                    db, assessment_id=record.id, user_id=user.id, actor="t"
                ).episode.id
                user_id = user.id
            start = threading.Barrier(2)
            errors: list[BaseException] = []

            def check_in(pain: float) -> None:
                try:
                    with factory() as db:
                        start.wait(timeout=30)
                        service.add_checkin(
                            db,
                            episode_id,
                            case=Case.model_validate(_case(pain)),
                            source="clinician",
                            user_id=user_id,
                            actor="t",
                        )
                except BaseException as error:  # reported below
                    errors.append(error)

            threads = [threading.Thread(target=check_in, args=(pain,)) for pain in (5, 4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert errors == []
            with factory() as db:
                view = service.get_episode(db, episode_id, actor="t")
            assert len(view.checkins) == 3
            assert len(view.course.measures) == 3  # the later recompute saw the earlier check-in
            assert sorted(m.leg_pain for m in view.course.measures[1:] if m.leg_pain is not None) == [4, 5]
        finally:
            engine.dispose()
