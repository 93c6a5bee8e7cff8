from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from nervemap.api.cli import DEMO_EMAIL, DEMO_PASSWORD, app
from nervemap.store.db import make_engine
from nervemap.store.migrate import current_revision
from nervemap.store.models import ApiKey, AssessmentRecord, User

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
    monkeypatch.setenv("NERVEMAP_DATABASE_URL", url)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    return url


def _count(url: str, model: type[User] | type[ApiKey] | type[AssessmentRecord]) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def test_db_upgrade_and_downgrade(database: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert current_revision(database) is not None
    assert runner.invoke(app, ["db", "downgrade"]).exit_code == 0
    assert current_revision(database) is None


def test_user_add_and_apikey_create(database: str) -> None:
    result = runner.invoke(
        app, ["user", "add", "a@example.org", "--role", "admin", "--password", "long password 1"]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["user", "add", "a@example.org", "--password", "long password 1"])
    assert again.exit_code == 2
    short = runner.invoke(app, ["user", "add", "b@example.org", "--password", "short"])
    assert short.exit_code == 2
    key = runner.invoke(app, ["apikey", "create", "--owner", "a@example.org", "--scope", "admin"])
    assert key.exit_code == 0, key.output
    assert key.stdout.strip().startswith("nmk_")
    assert runner.invoke(app, ["apikey", "create", "--owner", "nobody@example.org"]).exit_code == 2
    # two users: the one added here and the inactive patient-interview service user (migration 0002)
    assert _count(database, User) == 2 and _count(database, ApiKey) == 1


def test_demo_data(database: str) -> None:
    result = runner.invoke(app, ["demo-data"])
    assert result.exit_code == 0, result.output
    assert DEMO_EMAIL in result.stdout and DEMO_PASSWORD in result.stdout
    assert _count(database, AssessmentRecord) == 3


def test_episode_show_and_list(database: str) -> None:
    """`nervemap episode show ID` prints the course and schedule (and JSON); reads are audited."""
    from nervemap.engine.case import Case
    from nervemap.services import episodes as service
    from nervemap.store.db import make_sessionmaker
    from nervemap.store.models import AuditEvent

    assert runner.invoke(app, ["demo-data"]).exit_code == 0
    engine = make_engine(database)
    try:
        with make_sessionmaker(engine)() as session:
            record = session.scalars(select(AssessmentRecord).order_by(AssessmentRecord.created_at)).all()
            routine = next(r for r in record if r.triage_level not in ("urgent", "emergency"))
            view = service.start_episode(
                session, assessment_id=routine.id, user_id=routine.created_by, actor="t"
            )
            episode_id = str(view.episode.id)
            case = Case.model_validate(routine.input)
            added = service.add_checkin(
                session, view.episode.id, case=case, source="clinician", user_id=routine.created_by, actor="t"
            )
            service.void_checkin(
                session,
                view.episode.id,
                added.checkin.id,
                reason="wrong patient",
                user_id=routine.created_by,
                actor="t",
            )
    finally:
        engine.dispose()
    shown = runner.invoke(app, ["episode", "show", episode_id])
    assert shown.exit_code == 0, shown.output
    assert episode_id in shown.stdout and "Check-ins" in shown.stdout and "Planned check-ins" in shown.stdout
    assert "planned" in shown.stdout
    assert "voided check-in" in shown.stdout and "wrong patient" in shown.stdout
    as_json = runner.invoke(app, ["episode", "show", episode_id, "--json"])
    assert as_json.exit_code == 0 and '"schedule"' in as_json.stdout
    listed = runner.invoke(app, ["episode", "list"])
    assert listed.exit_code == 0 and "1 episode(s)" in listed.stdout
    assert "0 episode(s)" in runner.invoke(app, ["episode", "list", "--due"]).stdout
    unknown = runner.invoke(app, ["episode", "show", "00000000-0000-4000-8000-00000000dead"])
    assert unknown.exit_code == 2 and "no episode" in unknown.output
    assert runner.invoke(app, ["episode", "show", "seven"]).exit_code == 2
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            actions = connection.execute(
                select(AuditEvent.action).where(
                    AuditEvent.actor == "cli", AuditEvent.action.like("episode.%")
                )
            ).scalars()
            assert sorted(actions) == ["episode.list", "episode.list", "episode.read", "episode.read"]
    finally:
        engine.dispose()


def test_outbox_keys_are_for_admins(database: str) -> None:
    assert (
        runner.invoke(app, ["user", "add", "c@example.org", "--password", "long password 1"]).exit_code == 0
    )
    refused = runner.invoke(app, ["apikey", "create", "--owner", "c@example.org", "--scope", "outbox"])
    assert refused.exit_code == 2 and "--scope outbox" in refused.output


SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def test_episode_show_reads_a_stored_course_again_with_the_knowledge_of_data(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nervemap episode show ID --data FOLDER` hands that knowledge base to the episode service, which
    reads a stored course it no longer understands again with it (issue 17: the knowledge travels);
    without --data the packaged one is used."""
    from sqlalchemy import update

    from nervemap.followup import CheckinInput, CourseSummary
    from nervemap.knowledge.loader import default_knowledge
    from nervemap.knowledge.models import KnowledgeBase
    from nervemap.services import episodes as service
    from nervemap.store.db import make_sessionmaker
    from nervemap.store.models import Episode

    assert runner.invoke(app, ["demo-data"]).exit_code == 0
    engine = make_engine(database)
    try:
        with make_sessionmaker(engine)() as session:
            record = session.scalars(select(AssessmentRecord).order_by(AssessmentRecord.created_at)).all()
            routine = next(r for r in record if r.triage_level not in ("urgent", "emergency"))
            view = service.start_episode(
                session, assessment_id=routine.id, user_id=routine.created_by, actor="t"
            )
            episode_id = view.episode.id
            session.execute(update(Episode).where(Episode.id == episode_id).values(course={}))
            session.commit()  # a course this nervemap no longer reads
    finally:
        engine.dispose()
    seen: list[str | None] = []
    summarise = service.summarise_course

    def spy(checkins: Sequence[CheckinInput], knowledge: KnowledgeBase | None = None) -> CourseSummary:
        seen.append(None if knowledge is None else knowledge.version)
        return summarise(checkins, knowledge)

    monkeypatch.setattr(service, "summarise_course", spy)
    shown = runner.invoke(app, ["episode", "show", str(episode_id), "--data", str(SMALL_KB)])
    assert shown.exit_code == 0, shown.output
    assert str(episode_id) in shown.stdout and "Check-ins" in shown.stdout
    packaged = runner.invoke(app, ["episode", "show", str(episode_id), "--json"])
    assert packaged.exit_code == 0, packaged.output
    assert seen == ["fixture-1", None] and default_knowledge().knowledge.version != "fixture-1"
    missing = runner.invoke(app, ["episode", "show", str(episode_id), "--data", str(SMALL_KB / "nothing")])
    assert missing.exit_code == 2 and "not a folder" in missing.output
