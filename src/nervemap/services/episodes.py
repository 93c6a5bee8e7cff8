"""Follow-up episodes (issue 19): start, read, check in, reschedule, review, close, patient links, outbox.

Shared by the API (``api/routers/episodes.py``), the web pages and the CLI. Every function takes the
session first, runs its own transactions and commits on success; a refused request raises
:class:`EpisodeError` before anything is committed (the caller's session rolls back when it closes),
so nothing stored is changed or lost. Reads commit their read transaction, then write their audit
line in a short transaction of its own (as ``api/routers/assessments.py`` does).

Rules kept here (the clinical ones live in ``nervemap.followup`` and its knowledge):

- The course is recomputed from every check-in with ``followup.summarise_course`` after each change.
- The episode's triage never falls below an open urgent or emergency level until a clinician has
  reviewed the episode (``review_episode``), whatever a later check-in says.
- A planned check-in is *done* by the first check-in made no more than ``EARLY`` before it is due,
  and no more than half the time since the previous planned one (or the start), so a check-in the
  day after the start does not count for the one planned at a week; a later check-in also closes
  earlier planned ones it overtook. It is *due* from its due time and *overdue* ``GRACE`` after it.
  These are service settings, not clinical numbers.
- Reminders are outbox rows holding ids, times, kinds and levels, never patient text; nervemap sends
  nothing. A reminder is cancelled when its check-in is done, moved or dropped, or the episode closes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from nervemap import __version__
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.followup import (
    CheckinDue,
    CheckinInput,
    CheckinMeasures,
    CourseSummary,
    Escalation,
    summarise_course,
)
from nervemap.knowledge.models import TRIAGE_ORDER, KnowledgeBase, Setting, TriageLevel
from nervemap.services.assessments import assess_input
from nervemap.services.errors import ServiceError
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.episodes import EpisodeFilter, EpisodeRepository, OutboxRepository
from nervemap.store.interviews import service_user
from nervemap.store.models import (
    AssessmentRecord,
    Episode,
    EpisodeCheckin,
    EpisodeLink,
    EpisodeStatus,
    OutboxMessage,
    SourceKind,
)
from nervemap.store.types import as_utc, utcnow

__all__ = [
    "Episode",
    "EpisodeCheckin",
    "EpisodeError",
    "EpisodeLink",
    "EpisodeStatus",
    "OutboxMessage",
]
log = logging.getLogger("nervemap.services.episodes")
EARLY = timedelta(days=7)  # a check-in up to a week (at most) before a planned one counts for it
GRACE = timedelta(days=7)  # a planned check-in not done a week after it is due is overdue
HELD = (TriageLevel.URGENT, TriageLevel.EMERGENCY)
DEFAULT_LINK_HOURS = 24 * 90
REMINDER_LINK_HOURS = 24 * 14
MAX_LINK_HOURS = 24 * 365
MAX_WEEKS = 104
KIND_DUE = "checkin-due"
KIND_ESCALATION = "escalation"
Source = Literal["patient", "clinician"]
ItemStatus = Literal["done", "due", "overdue", "planned"]


class EpisodeError(ServiceError):
    """A refused request of this service: a status (404, 409, 410, 422, 501, kept by the front ends'
    mapping, ``server/errors.status_of``), a kind, words, and each (field, reason)."""

    def __init__(
        self, status: int, kind: str, title: str, detail: str, errors: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__(detail, errors, kind=kind, title=title)
        self.status = status


def _not_found(what: str, field_name: str) -> EpisodeError:
    return EpisodeError(
        404, "not-found", "Not found", f"no {what} with this id", [(field_name, "unknown id")]
    )


# ------------------------------------------------------------------ views


class ScheduleEdit(BaseModel):
    """One planned check-in as a clinician sets it."""

    model_config = ConfigDict(extra="forbid")

    weeks: float = Field(gt=0, le=MAX_WEEKS, description="Weeks after the episode's start")
    reason: str = Field(min_length=1, max_length=300)
    source_id: str = Field(default="clinician", min_length=1, max_length=100)


class ScheduleItem(BaseModel):
    weeks: float
    due_at: datetime
    reason: str
    source_id: str
    status: ItemStatus
    checkin_id: uuid.UUID | None = Field(default=None, description="The check-in that did it")


@dataclass
class EpisodeView:
    episode: Episode
    checkins: list[EpisodeCheckin]  # read into the course, oldest first
    course: CourseSummary
    schedule: list[ScheduleItem]
    voided: list[EpisodeCheckin] = field(default_factory=list)  # entered in error: kept, not read


@dataclass
class CheckinResult:
    view: EpisodeView
    checkin: EpisodeCheckin
    assessment: AssessmentRecord
    escalations: list[Escalation] = field(default_factory=list)
    replayed: bool = False  # a retry with the same Idempotency-Key: nothing new was stored


@dataclass(frozen=True)
class ListFilter:
    status: EpisodeStatus | None = None
    due: bool = False
    overdue: bool = False
    escalated: bool = False
    triage: TriageLevel | None = None
    assessment_id: uuid.UUID | None = None  # the episode holding this assessment (start or check-in)


# ------------------------------------------------------------------ helpers


def _rank(level: str) -> int:
    return TRIAGE_ORDER.index(TriageLevel(level))


def _case_of(record: AssessmentRecord) -> Case:
    document = (
        record.input.get("case", record.input) if record.source_kind == SourceKind.TEXT else record.input
    )
    return Case.model_validate(document)


def _schedule_of(episode: Episode) -> list[CheckinDue]:
    return [CheckinDue.model_validate(item) for item in episode.schedule]


def _early(schedule: Sequence[CheckinDue], index: int, start: datetime) -> timedelta:
    """How long before planned check-in ``index`` a check-in still counts for it."""
    previous = schedule[index - 1].due_at if index > 0 else start
    return max(timedelta(0), min(EARLY, (schedule[index].due_at - previous) / 2))


def _items(
    schedule: Sequence[CheckinDue], checkins: Sequence[EpisodeCheckin], now: datetime
) -> list[ScheduleItem]:
    """Each planned check-in with its state: done by which check-in, due, overdue or planned."""
    later = checkins[1:]  # the first check-in is the starting assessment
    done: dict[int, uuid.UUID] = {}
    for checkin in later:
        for index, item in enumerate(schedule):
            if index not in done and item.due_at - _early(schedule, index, checkins[0].at) <= checkin.at:
                done[index] = checkin.id
    out: list[ScheduleItem] = []
    for index, item in enumerate(schedule):
        status: ItemStatus
        if index in done:
            status = "done"
        elif item.due_at + GRACE <= now:
            status = "overdue"
        elif item.due_at <= now:
            status = "due"
        else:
            status = "planned"
        out.append(
            ScheduleItem(
                weeks=item.weeks,
                due_at=item.due_at,
                reason=item.reason,
                source_id=item.source_id,
                status=status,
                checkin_id=done.get(index),
            )
        )
    return out


def _inputs(db: Session, checkins: Sequence[EpisodeCheckin]) -> list[CheckinInput]:
    repository = AssessmentRepository(db)
    out: list[CheckinInput] = []
    for checkin in checkins:
        record = repository.get(checkin.assessment_id)
        assert record is not None  # a foreign key with ON DELETE CASCADE
        out.append(
            CheckinInput(
                at=checkin.at,
                case=_case_of(record),
                assessment=Assessment.model_validate(record.output),
                source="patient" if checkin.source == "patient" else "clinician",
                reviewed_by_clinician=checkin.reviewed_at is not None,
            )
        )
    return out


def _kb(compiled: CompiledKnowledge | None) -> KnowledgeBase | None:
    """The knowledge base the course is read with: the app's (``compiled``), else the packaged one."""
    return compiled.knowledge if compiled is not None else None


def _recompute(
    db: Session,
    episode: Episode,
    checkins: list[EpisodeCheckin],
    hold: bool,
    compiled: CompiledKnowledge | None = None,
) -> EpisodeView:
    """Read the course again from every check-in and bring the episode's columns and reminders up to date.

    ``hold``: keep an open urgent/emergency level of the episode (a new check-in); False after review.
    ``compiled``: the knowledge base the app was built with (default: the packaged one).
    """
    now = utcnow()
    inputs = _inputs(db, checkins)
    try:
        course = summarise_course(inputs, _kb(compiled))
    except Exception as error:  # a fault in reading the course must not lose a check-in
        if not episode.course:  # nothing to fall back on: the episode is not started
            raise
        course = _course_unavailable(episode, inputs, error)
    level = course.triage_level.value
    held = hold and episode.triage_level in HELD and _rank(episode.triage_level) > _rank(level)
    if held:
        level = episode.triage_level
    latest = checkins[-1]
    schedule = _schedule_of(episode) if episode.schedule_edited_at is not None else list(course.schedule)
    items = _items(schedule, checkins, now)
    pending = [i for i in items if i.status != "done"]
    episode.triage_level = level
    episode.needs_clinician_review = (course.needs_clinician_review or held) and latest.reviewed_at is None
    episode.overall = course.overall
    episode.course = course.model_dump(mode="json")
    episode.schedule = [item.model_dump(mode="json") for item in schedule]
    episode.next_due_at = (
        min(i.due_at for i in pending) if pending and episode.status == EpisodeStatus.OPEN else None
    )
    episode.knowledge_version = inputs[-1].assessment.knowledge_version
    episode.nervemap_version = __version__
    episode.updated_at = now
    _sync_reminders(db, episode, pending)
    db.flush()
    return EpisodeView(
        episode, checkins, course, items, EpisodeRepository(db).checkins(episode.id, voided=True)
    )


COURSE_UNAVAILABLE = "course-unavailable"


def _course_unavailable(episode: Episode, inputs: Sequence[CheckinInput], error: Exception) -> CourseSummary:
    """The last course read, with the new check-in's own triage and a marker asking for review.

    Logged with the exception's type and frames only (its message may quote patient data).
    """
    import traceback

    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("course of episode %s not read: %s\n%s", episode.id, type(error).__name__, frames)
    latest = inputs[-1]
    level = latest.assessment.triage.level
    if _rank(episode.triage_level) > _rank(level.value):
        level = TriageLevel(episode.triage_level)
    try:
        previous = CourseSummary.model_validate(episode.course)
    except ValidationError:  # stored by another version: start the picture afresh
        previous = CourseSummary(
            measures=[], overall="unchanged", triage_level=level, needs_clinician_review=True
        )
    marker = Escalation(
        rule_id=COURSE_UNAVAILABLE,
        triage_level=level,
        clinician_text="The course could not be read at this check-in (a software fault, logged): "
        "review the check-in's own assessment.",
        patient_text="Your clinician will look at your check-in.",
        source_ids=[],
        at=latest.at,
    )
    weeks = (latest.at - inputs[0].at).total_seconds() / (7 * 24 * 3600)
    measures = CheckinMeasures(
        at=latest.at, weeks_since_start=weeks, triage_level=latest.assessment.triage.level
    )
    return previous.model_copy(
        update={
            "measures": [*previous.measures, measures],
            "changes": [],
            "escalations": [*previous.escalations, marker],
            "triage_level": level,
            "needs_clinician_review": True,
        }
    )


def _sync_reminders(db: Session, episode: Episode, pending: Sequence[ScheduleItem]) -> None:
    outbox = OutboxRepository(db)
    wanted: set[str] = set()
    if episode.status == EpisodeStatus.OPEN:
        for item in pending:
            key = f"{episode.id}:{KIND_DUE}:{item.due_at.isoformat()}"
            wanted.add(key)
            payload = {
                "episode_id": str(episode.id),
                "kind": KIND_DUE,
                "due_at": item.due_at.isoformat(),
                "weeks": item.weeks,
                "source_id": item.source_id,
            }
            outbox.put(episode_id=episode.id, kind=KIND_DUE, due_at=item.due_at, payload=payload, key=key)
    for message in outbox.pending_of(episode.id, KIND_DUE):
        if message.dedupe_key not in wanted:
            outbox.cancel(message)
    if episode.status != EpisodeStatus.OPEN:
        for message in outbox.pending_of(episode.id, KIND_ESCALATION):
            outbox.cancel(message)


def stored_escalation(item: dict[str, Any]) -> Escalation:
    """A stored escalation as the model reads it today (fields since removed are dropped)."""
    return Escalation.model_validate({k: v for k, v in item.items() if k in Escalation.model_fields})


def stored_measures(item: dict[str, Any]) -> CheckinMeasures:
    """Stored check-in measures as the model reads them today (fields since removed are dropped)."""
    return CheckinMeasures.model_validate(
        {k: v for k, v in item.items() if k in CheckinMeasures.model_fields}
    )


def _refuse_in_episode(repository: EpisodeRepository, assessment_id: uuid.UUID) -> None:
    """An assessment is a check-in of one episode at most."""
    if repository.checkin_of_assessment(assessment_id) is not None:
        raise EpisodeError(
            409,
            "conflict",
            "Already in an episode",
            "this assessment already belongs to an episode",
            [("body.assessment_id", "already in an episode")],
        )


def _recorded(
    db: Session,
    episode: Episode,
    checkins: list[EpisodeCheckin],
    *,
    hold: bool,
    compiled: CompiledKnowledge | None,
    actor: str,
    action: str,
) -> EpisodeView:
    """After a change to the episode: the course recomputed (:func:`_recompute`), the change audited
    as ``action`` on the episode, committed."""
    view = _recompute(db, episode, checkins, hold=hold, compiled=compiled)
    AuditLog(db).record(actor, action, f"episode:{episode.id}")
    db.commit()
    return view


def _stored_course(
    db: Session,
    episode: Episode,
    checkins: Sequence[EpisodeCheckin],
    compiled: CompiledKnowledge | None = None,
) -> CourseSummary:
    """The course as stored; read again from the check-ins (not saved) when a newer nervemap's model
    no longer reads the stored one."""
    try:
        return CourseSummary.model_validate(episode.course)
    except ValidationError:
        return summarise_course(_inputs(db, checkins), _kb(compiled))


def _view(db: Session, episode: Episode, compiled: CompiledKnowledge | None = None) -> EpisodeView:
    """The stored episode as a view (no recomputation of the course)."""
    repository = EpisodeRepository(db)
    checkins = repository.checkins(episode.id)
    course = _stored_course(db, episode, checkins, compiled)
    items = _items(_schedule_of(episode), checkins, utcnow())
    return EpisodeView(episode, checkins, course, items, repository.checkins(episode.id, voided=True))


def _open_episode(
    db: Session, episode_id: uuid.UUID, field_name: str = "path.episode_id", lock: bool = True
) -> Episode:
    """The episode or a 404; locked for the transaction unless ``lock`` is False (reads), so two
    check-ins at once each recompute the course with the other's check-in in view."""
    episode = EpisodeRepository(db).get(episode_id, lock=lock)
    if episode is None:
        raise _not_found("episode", field_name)
    return episode


def _refuse_closed(episode: Episode) -> None:
    if episode.status != EpisodeStatus.OPEN:
        raise EpisodeError(
            409,
            "closed",
            "Episode closed",
            "this episode is closed; start a new episode from a new assessment",
            [("path.episode_id", "closed")],
        )


def _audit_read(db: Session, actor: str, action: str, obj: str | None) -> None:
    db.commit()  # the read ends; the audit line is a short write transaction of its own
    AuditLog(db).record(actor, action, obj)
    db.commit()


# ------------------------------------------------------------------ clinicians


def start_episode(
    db: Session,
    *,
    assessment_id: uuid.UUID,
    user_id: uuid.UUID,
    actor: str,
    patient_ref: str | None = None,
    compiled: CompiledKnowledge | None = None,
) -> EpisodeView:
    """An episode started by a stored assessment; its first check-in is that assessment.

    ``patient_ref`` is the EHR's patient id (FHIR Patient.id), when the episode is started from an
    EHR: CDS Hooks patient-view then shows a card when a check-in of it escalated."""
    record = AssessmentRepository(db).get(assessment_id)
    if record is None:
        raise _not_found("assessment", "body.assessment_id")
    repository = EpisodeRepository(db)
    _refuse_in_episode(repository, assessment_id)
    assessment = Assessment.model_validate(record.output)
    episode = repository.add(
        Episode(
            created_by=user_id,
            first_assessment_id=record.id,
            status=EpisodeStatus.OPEN.value,
            triage_level=assessment.triage.level.value,
            needs_clinician_review=False,
            overall="first check-in",
            schedule=[],
            course={},
            knowledge_version=record.knowledge_version,
            nervemap_version=__version__,
            patient_ref=patient_ref,
        )
    )
    source: Source = "clinician" if record.created_by != service_user(db).id else "patient"
    checkin = repository.add_checkin(
        EpisodeCheckin(
            episode_id=episode.id,
            assessment_id=record.id,
            at=record.created_at,
            source=source,
            actor=actor,
            measures={},
            escalations=[],
            triage_level=assessment.triage.level.value,
        )
    )
    view = _recompute(db, episode, [checkin], hold=False, compiled=compiled)
    checkin.measures = view.course.measures[0].model_dump(mode="json")
    AuditLog(db).record(actor, "episode.create", f"episode:{episode.id}")
    db.commit()
    return view


def _read_episode(
    db: Session, episode_id: uuid.UUID, actor: str, action: str, compiled: CompiledKnowledge | None
) -> EpisodeView:
    begin_read(db)
    view = _view(db, _open_episode(db, episode_id, lock=False), compiled)
    _audit_read(db, actor, action, f"episode:{episode_id}")
    return view


def get_episode(
    db: Session, episode_id: uuid.UUID, *, actor: str, compiled: CompiledKnowledge | None = None
) -> EpisodeView:
    """The episode with its check-ins, course and schedule. Audited (episode.read). ``compiled``:
    the knowledge base the app was built with, to read a stored course again with (default: the
    packaged one)."""
    return _read_episode(db, episode_id, actor, "episode.read", compiled)


def escalated_courses_of_patient(
    db: Session, patient_ref: str, *, actor: str, compiled: CompiledKnowledge | None = None
) -> list[tuple[uuid.UUID, CourseSummary]]:
    """The open episodes of an EHR patient with escalations no clinician has reviewed yet, each with
    its course carrying those escalations (not only the latest check-in's: a foot drop at week 3 still
    counts at week 6 until reviewed). Each episode returned is audited as read (episode.read)."""
    begin_read(db)
    found: list[tuple[uuid.UUID, CourseSummary]] = []
    repository = EpisodeRepository(db)
    for episode in repository.open_of_patient(patient_ref):
        view = _view(db, episode, compiled)
        pending = unreviewed(view.checkins)
        if pending:
            found.append((episode.id, view.course.model_copy(update={"escalations": pending})))
    db.commit()
    for episode_id, _ in found:
        AuditLog(db).record(actor, "episode.read", f"episode:{episode_id}")
    db.commit()
    return found


def list_checkins(
    db: Session, episode_id: uuid.UUID, *, actor: str, compiled: CompiledKnowledge | None = None
) -> EpisodeView:
    """As :func:`get_episode`, audited as a read of the check-ins (episode.checkins.read)."""
    return _read_episode(db, episode_id, actor, "episode.checkins.read", compiled)


def list_episodes(
    db: Session,
    *,
    actor: str,
    where: ListFilter = ListFilter(),
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[list[Episode], int]:
    """Waiting for review first (the most urgent first), then by the next due check-in. Audited."""
    now = as_utc(now) or utcnow()
    due_before = None
    if where.overdue:
        due_before = now - GRACE
    elif where.due:
        due_before = now
    store_filter = EpisodeFilter(
        status=where.status,
        due_before=due_before,
        escalated=where.escalated,
        triage=where.triage.value if where.triage else None,
        assessment_id=where.assessment_id,
    )
    begin_read(db)
    rows, total = EpisodeRepository(db).page(store_filter, limit, offset)
    _audit_read(db, actor, "episode.list", None)
    return rows, total


def unreviewed(checkins: Sequence[EpisodeCheckin]) -> list[Escalation]:
    """The escalations no clinician has reviewed yet: those of the check-ins after the last reviewed
    one (oldest first; a rule that fired again counts once, at its latest firing)."""
    by_rule: dict[str, Escalation] = {}
    for checkin in sorted(checkins, key=lambda c: (c.at, str(c.id))):
        if checkin.reviewed_at is not None:  # the review covers this check-in and every one before
            by_rule = {}
            continue
        for item in checkin.escalations:
            escalation = stored_escalation(item)
            by_rule.pop(escalation.rule_id, None)
            by_rule[escalation.rule_id] = escalation
    return list(by_rule.values())


def open_escalations(db: Session, episode_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Escalation]]:
    """:func:`unreviewed` for several episodes in one query (the queue's "why"). Not audited: it
    follows a :func:`list_episodes` that was."""
    if not episode_ids:
        return {}
    began = begin_read(db)
    rows = EpisodeRepository(db).checkins_of(episode_ids)
    if began:
        db.commit()
    grouped: dict[uuid.UUID, list[EpisodeCheckin]] = {episode_id: [] for episode_id in episode_ids}
    for checkin in rows:
        grouped[checkin.episode_id].append(checkin)
    return {episode_id: unreviewed(checkins) for episode_id, checkins in grouped.items()}


def _assess(
    case: Case | None, text: str | None, setting: Setting, compiled: CompiledKnowledge | None = None
) -> tuple[Case, Assessment, dict[str, Any], SourceKind]:
    if text is None and case is None:
        raise EpisodeError(
            422, "validation", "Invalid check-in", "a case or a text is needed", [("body", "empty")]
        )
    done = assess_input(case=case, text=text, setting=setting.value, compiled=compiled)
    return done.case, done.assessment, done.stored, done.kind


def _checkin_time(latest: EpisodeCheckin, at: datetime | None, field_name: str) -> datetime:
    """When the new check-in was made: now, or ``at`` (not in the future, after the latest check-in,
    so the course is always read in the order the check-ins were added)."""
    now = utcnow()
    if at is None:
        return max(now, latest.at + timedelta(milliseconds=1))
    moment = as_utc(at)
    assert moment is not None
    if moment > now + timedelta(minutes=5):
        raise EpisodeError(
            422,
            "validation",
            "Invalid time",
            "a check-in cannot be in the future",
            [(field_name, "in the future")],
        )
    if moment <= latest.at:
        raise EpisodeError(
            422,
            "validation",
            "Invalid time",
            f"a check-in must come after the latest one ({latest.at:%Y-%m-%d %H:%M} UTC)",
            [(field_name, "not after the latest check-in")],
        )
    return moment


def _attach(
    db: Session,
    episode: Episode,
    record: AssessmentRecord,
    *,
    source: Source,
    actor: str,
    at: datetime | None,
    at_field: str = "query.at",
    idempotency_key: str | None = None,
    compiled: CompiledKnowledge | None = None,
) -> CheckinResult:
    _refuse_closed(episode)
    repository = EpisodeRepository(db)
    _refuse_in_episode(repository, record.id)
    checkins = repository.checkins(episode.id)
    moment = _checkin_time(checkins[-1], at, at_field)
    assessment = Assessment.model_validate(record.output)
    checkin = repository.add_checkin(
        EpisodeCheckin(
            episode_id=episode.id,
            assessment_id=record.id,
            at=moment,
            source=source,
            actor=actor,
            measures={},
            escalations=[],
            triage_level=assessment.triage.level.value,
            idempotency_key=idempotency_key,
        )
    )
    checkins = repository.checkins(episode.id)
    view = _recompute(db, episode, checkins, hold=True, compiled=compiled)
    # The new check-in is the latest (see _checkin_time). The course lists its escalations and earlier
    # ones still open: keep those that fired here (an earlier one is stored with its own check-in).
    escalations = [e for e in view.course.escalations if e.at is None or e.at == moment]
    checkin.measures = view.course.measures[-1].model_dump(mode="json")
    checkin.escalations = [e.model_dump(mode="json") for e in escalations]
    checkin.triage_level = episode.triage_level
    if escalations:
        OutboxRepository(db).put(
            episode_id=episode.id,
            kind=KIND_ESCALATION,
            due_at=utcnow(),
            payload={
                "episode_id": str(episode.id),
                "checkin_id": str(checkin.id),
                "kind": KIND_ESCALATION,
                "triage_level": episode.triage_level,
                "rule_ids": [e.rule_id for e in escalations],
            },
            key=f"{episode.id}:{KIND_ESCALATION}:{checkin.id}",
        )
    AuditLog(db).record(actor, "episode.checkin", f"episode:{episode.id}")
    db.flush()
    return CheckinResult(view=view, checkin=checkin, assessment=record, escalations=escalations)


def add_checkin(
    db: Session,
    episode_id: uuid.UUID,
    *,
    case: Case | None = None,
    text: str | None = None,
    setting: Setting = Setting.PRIMARY_CARE,
    source: Source,
    user_id: uuid.UUID | None,
    actor: str,
    at: datetime | None = None,
    idempotency_key: str | None = None,
    compiled: CompiledKnowledge | None = None,
) -> CheckinResult:
    """Assess a case (or read a note), store the assessment, add it as a check-in, recompute the course.
    ``compiled``: the knowledge base to assess with (default: the packaged one).

    With ``idempotency_key``, a retry (same key, same episode, same case or text) returns the check-in
    stored the first time (``CheckinResult.replayed``) and stores nothing; the same key with another
    case is refused (409).
    """
    episode = _open_episode(db, episode_id)
    if idempotency_key is not None:
        replay = _replay(db, episode, idempotency_key, case, text, setting, actor, compiled)
        if replay is not None:
            return replay
    _refuse_closed(episode)
    _case, assessment, stored, kind = _assess(case, text, setting, compiled)
    record = AssessmentRepository(db).add(
        created_by=user_id or service_user(db).id, source_kind=kind, input=stored, assessment=assessment
    )
    AuditLog(db).record(actor, "assessment.create", f"assessment:{record.id}")
    result = _attach(
        db,
        episode,
        record,
        source=source,
        actor=actor,
        at=at,
        idempotency_key=idempotency_key,
        compiled=compiled,
    )
    db.commit()
    return result


def _replay(
    db: Session,
    episode: Episode,
    key: str,
    case: Case | None,
    text: str | None,
    setting: Setting,
    actor: str,
    compiled: CompiledKnowledge | None,
) -> CheckinResult | None:
    checkin = EpisodeRepository(db).checkin_by_key(episode.id, key)
    if checkin is None:
        return None
    record = AssessmentRepository(db).get(checkin.assessment_id)
    assert record is not None  # a foreign key with ON DELETE CASCADE
    if text is not None:
        same = record.input.get("text") == text and record.input.get("setting") == setting.value
    else:
        same = case is not None and record.input == case.model_dump(mode="json", exclude_none=True)
    if not same:
        raise EpisodeError(
            409,
            "conflict",
            "Idempotency key reused",
            "this Idempotency-Key was used for another check-in of this episode",
            [("header.Idempotency-Key", "used with a different case")],
        )
    view = _view(db, episode, compiled)
    AuditLog(db).record(actor, "episode.checkin.replay", f"episode:{episode.id}")
    db.commit()
    escalations = [stored_escalation(e) for e in checkin.escalations]
    return CheckinResult(
        view=view, checkin=checkin, assessment=record, escalations=escalations, replayed=True
    )


def attach_assessment(
    db: Session,
    episode_id: uuid.UUID,
    assessment_id: uuid.UUID,
    *,
    source: Source,
    actor: str,
    at: datetime | None = None,
    compiled: CompiledKnowledge | None = None,
) -> CheckinResult:
    """Add an already stored assessment (e.g. a finished web interview) as a check-in."""
    episode = _open_episode(db, episode_id)
    record = AssessmentRepository(db).get(assessment_id)
    if record is None:
        raise _not_found("assessment", "body.assessment_id")
    if at is None:  # the assessment's own time, unless a check-in came in between (then now)
        latest = EpisodeRepository(db).checkins(episode.id)[-1]
        at = record.created_at if record.created_at > latest.at else None
    result = _attach(db, episode, record, source=source, actor=actor, at=at, compiled=compiled)
    db.commit()
    return result


def void_checkin(
    db: Session,
    episode_id: uuid.UUID,
    checkin_id: uuid.UUID,
    *,
    reason: str,
    user_id: uuid.UUID,
    actor: str,
    compiled: CompiledKnowledge | None = None,
) -> EpisodeView:
    """A check-in entered in error: kept (with who, when and why) but no longer read into the course.

    The course, triage and schedule are read again from the other check-ins; as a clinician's
    deliberate act, it does not keep a level only the voided check-in raised. The starting assessment
    cannot be voided (close the episode instead). Its undelivered escalation message is cancelled.
    """
    episode = _open_episode(db, episode_id)
    _refuse_closed(episode)
    repository = EpisodeRepository(db)
    checkin = repository.checkin(checkin_id)
    if checkin is None or checkin.episode_id != episode.id:
        raise _not_found("check-in", "path.checkin_id")
    if checkin.voided_at is not None:
        raise EpisodeError(
            409,
            "conflict",
            "Already voided",
            "this check-in is voided already",
            [("path.checkin_id", "voided")],
        )
    checkins = repository.checkins(episode.id)
    if checkins[0].id == checkin.id:
        raise EpisodeError(
            409,
            "conflict",
            "The starting assessment",
            "the assessment that started the episode cannot be voided; close the episode instead",
            [("path.checkin_id", "the episode's first check-in")],
        )
    checkin.voided_at = utcnow()
    checkin.voided_by = user_id
    checkin.void_reason = reason
    outbox = OutboxRepository(db)
    message = outbox.by_key(f"{episode.id}:{KIND_ESCALATION}:{checkin.id}")
    if message is not None:
        outbox.cancel(message)
    db.flush()
    checkins = repository.checkins(episode.id)
    return _recorded(
        db, episode, checkins, hold=False, compiled=compiled, actor=actor, action="episode.checkin.void"
    )


def edit_schedule(
    db: Session,
    episode_id: uuid.UUID,
    items: Sequence[ScheduleEdit | dict[str, Any]] | None,
    *,
    user_id: uuid.UUID,
    actor: str,
    compiled: CompiledKnowledge | None = None,
) -> EpisodeView:
    """Replace the planned check-ins (weeks after the start); reminders follow. An empty list plans
    none; ``None`` goes back to the plan the follow-up knowledge gives (``followup.schedule_from``)."""
    episode = _open_episode(db, episode_id)
    _refuse_closed(episode)
    if items is None:
        episode.schedule_edited_by = None
        episode.schedule_edited_at = None
        checkins = EpisodeRepository(db).checkins(episode.id)
        return _recorded(
            db, episode, checkins, hold=True, compiled=compiled, actor=actor, action="episode.schedule.reset"
        )
    edits: list[ScheduleEdit] = []
    for index, item in enumerate(items):
        try:
            edits.append(item if isinstance(item, ScheduleEdit) else ScheduleEdit.model_validate(item))
        except ValidationError as error:
            raise EpisodeError(
                422,
                "validation",
                "Invalid schedule",
                "a planned check-in is not valid",
                [
                    (f"body.items[{index}]." + ".".join(str(p) for p in e["loc"]), e["msg"])
                    for e in error.errors()
                ],
            ) from None
    weeks = [e.weeks for e in edits]
    if len(set(weeks)) != len(weeks):
        raise EpisodeError(
            422,
            "validation",
            "Invalid schedule",
            "two check-ins planned at the same week",
            [("body.items", "duplicate weeks")],
        )
    repository = EpisodeRepository(db)
    checkins = repository.checkins(episode.id)
    start = checkins[0].at
    schedule = [
        CheckinDue(
            weeks=e.weeks, due_at=start + timedelta(weeks=e.weeks), reason=e.reason, source_id=e.source_id
        )
        for e in sorted(edits, key=lambda e: e.weeks)
    ]
    episode.schedule = [s.model_dump(mode="json") for s in schedule]
    episode.schedule_edited_by = user_id
    episode.schedule_edited_at = utcnow()
    return _recorded(
        db, episode, checkins, hold=True, compiled=compiled, actor=actor, action="episode.schedule"
    )


def review_episode(
    db: Session,
    episode_id: uuid.UUID,
    *,
    comment: str,
    user_id: uuid.UUID,
    actor: str,
    compiled: CompiledKnowledge | None = None,
) -> EpisodeView:
    """A clinician acknowledges the episode as it stands: the latest check-in counts as reviewed, so
    the course may lower an urgent/emergency level that the latest assessment no longer supports."""
    episode = _open_episode(db, episode_id)
    repository = EpisodeRepository(db)
    checkins = repository.checkins(episode.id)
    now = utcnow()
    latest = checkins[-1]
    latest.reviewed_by = user_id
    latest.reviewed_at = now
    episode.reviewed_by = user_id
    episode.reviewed_at = now
    episode.review_comment = comment
    view = _recompute(db, episode, checkins, hold=False, compiled=compiled)
    for message in OutboxRepository(db).pending_of(episode.id, KIND_ESCALATION):
        OutboxRepository(db).cancel(message)
    AuditLog(db).record(actor, "episode.review", f"episode:{episode.id}")
    db.commit()
    return view


def close_episode(
    db: Session,
    episode_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    actor: str,
    compiled: CompiledKnowledge | None = None,
) -> EpisodeView:
    """Close the episode: no more check-ins, reminders cancelled, links revoked."""
    episode = _open_episode(db, episode_id)
    _refuse_closed(episode)
    repository = EpisodeRepository(db)
    episode.status = EpisodeStatus.CLOSED.value
    episode.closed_at = utcnow()
    repository.revoke_links(episode.id)
    checkins = repository.checkins(episode.id)
    return _recorded(db, episode, checkins, hold=True, compiled=compiled, actor=actor, action="episode.close")


# ------------------------------------------------------------------ patients (the link is the credential)


def issue_link(
    db: Session,
    episode_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    actor: str,
    expires_in_hours: float | None = None,
) -> tuple[EpisodeLink, str]:
    """A patient's check-in link bound to this one episode; the token is returned once (hash stored)."""
    episode = _open_episode(db, episode_id)
    _refuse_closed(episode)
    hours = expires_in_hours or DEFAULT_LINK_HOURS
    if not 0 < hours <= MAX_LINK_HOURS:
        raise EpisodeError(
            422,
            "validation",
            "Invalid link",
            "the link must expire within a year",
            [("body.expires_in_hours", "out of range")],
        )
    issued = EpisodeRepository(db).issue_link(
        episode_id=episode.id, created_by=user_id, expires_at=utcnow() + timedelta(hours=hours)
    )
    AuditLog(db).record(actor, "episode-link.create", f"episode:{episode.id}")
    db.commit()
    return issued.record, issued.token


def _link(db: Session, token: str, field_name: str = "path.token") -> tuple[EpisodeLink, Episode]:
    link = EpisodeRepository(db).link_by_token(token)
    episode = EpisodeRepository(db).get(link.episode_id) if link is not None else None
    if link is None or episode is None:
        raise EpisodeError(
            404, "not-found", "Not found", "this link is not valid", [(field_name, "unknown link")]
        )
    if link.revoked_at is not None or link.expires_at <= utcnow() or episode.status != EpisodeStatus.OPEN:
        raise EpisodeError(
            410,
            "expired",
            "Link expired",
            "this link has expired; ask your clinician for a new one",
            [(field_name, "expired")],
        )
    return link, episode


def latest_patient_advice(db: Session, view: EpisodeView) -> str:
    """What the latest check-in's own assessment tells the patient to do (its triage advice)."""
    began = begin_read(db)
    record = AssessmentRepository(db).get(view.checkins[-1].assessment_id)
    if began:
        db.commit()
    if record is None:
        return ""
    return str(record.output.get("triage", {}).get("patient_advice", ""))


def link_actor(link: EpisodeLink) -> str:
    return f"episode-link:{link.id}"


def episode_by_link(
    db: Session, token: str, *, field_name: str = "path.token", compiled: CompiledKnowledge | None = None
) -> tuple[EpisodeLink, EpisodeView]:
    """The episode behind a patient's link (only that one). Audited (episode.read by the link).
    ``compiled``: the knowledge base the app was built with (default: the packaged one)."""
    begin_read(db)
    link, episode = _link(db, token, field_name)
    view = _view(db, episode, compiled)
    _audit_read(db, link_actor(link), "episode.read", f"episode:{episode.id}")
    return link, view


def link_checkin(
    db: Session,
    token: str,
    *,
    case: Case,
    idempotency_key: str | None = None,
    compiled: CompiledKnowledge | None = None,
) -> CheckinResult:
    """A patient's check-in through the link: assessed, stored (owned by the service user), added."""
    link, episode = _link(db, token)
    return add_checkin(
        db,
        episode.id,
        case=case,
        source="patient",
        user_id=None,
        actor=link_actor(link),
        idempotency_key=idempotency_key,
        compiled=compiled,
    )


def link_attach(
    db: Session, token: str, assessment_id: uuid.UUID, compiled: CompiledKnowledge | None = None
) -> CheckinResult:
    """A patient's finished web interview (its assessment stored) added to the link's episode."""
    link, episode = _link(db, token, "query.token")
    record = AssessmentRepository(db).get(assessment_id)
    if record is None or record.created_by != service_user(db).id or record.created_at < link.created_at:
        # only a patient's own assessment made since the link was issued: never a clinician's record
        raise _not_found("assessment", "body.assessment_id")
    return attach_assessment(
        db, episode.id, assessment_id, source="patient", actor=link_actor(link), compiled=compiled
    )


# ------------------------------------------------------------------ the outbox (integrators)


def outbox(
    db: Session, *, actor: str, include_future: bool = False, limit: int = 100
) -> tuple[list[OutboxMessage], int]:
    """Unsent reminders, oldest due first (only those due now unless ``include_future``). Audited."""
    begin_read(db)
    rows, total = OutboxRepository(db).undelivered(None if include_future else utcnow(), limit)
    _audit_read(db, actor, "outbox.read", None)
    return rows, total


def link_for_message(
    db: Session,
    message_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    actor: str,
    expires_in_hours: float | None = None,
) -> tuple[EpisodeLink, str]:
    """A fresh check-in link for the episode of a check-in reminder, for the integrator to send with it
    (nervemap keeps only its hash, so a reminder cannot carry one). Default expiry: two weeks."""
    message = OutboxRepository(db).get(message_id)
    if message is None:
        raise _not_found("outbox message", "path.message_id")
    if message.kind != KIND_DUE:
        raise EpisodeError(
            409,
            "conflict",
            "Not a check-in reminder",
            "only a check-in reminder comes with a check-in link",
            [("path.message_id", f"a '{message.kind}' message")],
        )
    episode = _open_episode(db, message.episode_id, "path.message_id")
    if episode.status != EpisodeStatus.OPEN:
        raise EpisodeError(
            409,
            "closed",
            "Episode closed",
            "the episode of this reminder is closed",
            [("path.message_id", "closed")],
        )
    return issue_link(
        db, episode.id, user_id=user_id, actor=actor, expires_in_hours=expires_in_hours or REMINDER_LINK_HOURS
    )


def acknowledge(db: Session, message_id: uuid.UUID, *, actor: str) -> OutboxMessage:
    """Mark a reminder sent (again: no change)."""
    repository = OutboxRepository(db)
    message = repository.get(message_id)
    if message is None:
        raise _not_found("outbox message", "path.message_id")
    repository.acknowledge(message, actor)
    AuditLog(db).record(actor, "outbox.ack", f"outbox:{message.id}")
    db.commit()
    return message


def checkin_of_assessment(db: Session, assessment_id: uuid.UUID) -> EpisodeCheckin | None:
    """The check-in an assessment was made for, if any (no audit line: a part of a page already read)."""
    return EpisodeRepository(db).checkin_of_assessment(assessment_id)
