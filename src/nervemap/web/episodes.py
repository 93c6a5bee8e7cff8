"""Follow-up pages (issue 19): an episode for the clinician (the course as a picture and a table,
the changes and why it escalated, the planned check-ins, the body maps side by side), the patient's
check-in from a link (the same interview as a first assessment) and their plain "how you are doing".

Everything is read and changed through the episode service (``nervemap.services.episodes``), which
keeps the audit; these routes only collect form values and choose words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.followup import CourseSummary
from nervemap.followup.timeline_svg import render_svg
from nervemap.knowledge.models import Setting
from nervemap.server.deps import KnowledgeDep, SessionDep, get_knowledge
from nervemap.services import assessments, consultations
from nervemap.services import episodes as service
from nervemap.services.assessments import AssessmentRecord
from nervemap.services.episodes import Episode, EpisodeStatus
from nervemap.services.interviews import OpenInterview, new_interview
from nervemap.services.limits import comment_problem
from nervemap.store.types import utcnow
from nervemap.web import bodymap, course, present
from nervemap.web.forms import text
from nervemap.web.links import public_link
from nervemap.web.security import (
    INTERVIEW_COOKIE,
    INTERVIEW_MAX_AGE,
    CheckedForm,
    ClinicianPage,
    PageError,
    checkin_link,
    checkin_target,
    set_checkin_cookie,
    set_cookie,
)
from nervemap.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_NOTE_CHARS = 100_000
TO_QUEUE = ("Back to the queue", "/clinic")
START_AGAIN = ("Start a new assessment", "/")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise PageError(
            404, "No such episode", "This episode does not exist or the link is wrong.", TO_QUEUE
        ) from None


def _page_error(error: service.EpisodeError, action: tuple[str, str] = TO_QUEUE) -> PageError:
    return PageError(error.status, error.title, error.detail, action)


# ------------------------------------------------------------------ what the pages show


@dataclass(frozen=True)
class CheckinCard:
    """One check-in as the clinician sees it, with its own body map."""

    number: int
    at: datetime
    weeks: float
    source: str
    assessment_id: uuid.UUID
    triage_level: str
    leading: str
    picture: bodymap.BodyMapPicture
    prefix: str  # the body map's id prefix, unique on the page
    escalations: tuple[str, ...] = ()  # the rules that fired at this check-in, in clinician words
    partial_map: bool = False  # read from a note: only the places it mentions


def _leading(record: AssessmentRecord | None) -> str:
    if record is None:
        return "-"
    suspected = present.suspected_label(record.output)
    differential = record.output.get("differential") or []
    return suspected or (str(differential[0]["name"]) if differential else "-")


def _cards(
    db: Session, view: service.EpisodeView, knowledge: CompiledKnowledge | None = None
) -> list[CheckinCard]:
    cards: list[CheckinCard] = []
    for number, checkin in enumerate(view.checkins, start=1):
        record = assessments.stored(db, checkin.assessment_id)
        case = record.input.get("case", record.input) if record is not None else {}
        assessment = Assessment.model_validate(record.output) if record is not None else None
        weeks = (
            view.course.measures[number - 1].weeks_since_start if number <= len(view.course.measures) else 0.0
        )
        cards.append(
            CheckinCard(
                number=number,
                at=checkin.at,
                weeks=weeks,
                source=checkin.source,
                assessment_id=checkin.assessment_id,
                # the check-in's own level (the episode's, after it, is at the top of the page)
                triage_level=str(record.triage_level) if record is not None else checkin.triage_level,
                leading=_leading(record),
                picture=bodymap.picture(assessment, case.get("pain_map"), f"Check-in {number}", knowledge),
                prefix=f"c{number}-",
                escalations=tuple(
                    str(e.get("clinician_text") or e.get("rule_id")) for e in checkin.escalations or []
                ),
                partial_map=case.get("pain_map_complete") is False,
            )
        )
    return cards


def timeline_markup(view: service.EpisodeView, knowledge: CompiledKnowledge | None = None) -> Markup:
    """The course as an SVG picture with the guideline window shaded and a marker for every rule
    that fired at any check-in (built on the server by ElementTree, which escapes the text)."""
    stored = (checkin.escalations for checkin in view.checkins)
    timeline = course.episode_timeline(view.course, stored, "Course of the episode", knowledge)
    # the episode's own schedule (a clinician may have changed it; done ones are not still to come)
    planned = tuple(item.weeks for item in view.schedule if item.status != "done")
    return Markup(render_svg(replace(timeline, planned=planned), prefix="course"))


def coming(view: service.EpisodeView) -> course.Due | None:
    """The next planned check-in not yet done (the service's schedule, which a clinician may edit)."""
    for item in sorted(view.schedule, key=lambda i: i.due_at):
        if item.status in ("due", "overdue", "planned"):
            return course.Due(item.due_at, item.weeks, item.status == "overdue")
    return None


def episode_context(
    db: Session, view: service.EpisodeView, knowledge: CompiledKnowledge | None = None
) -> dict[str, Any]:
    """The episode page's context, named with ``knowledge`` (the app's compiled knowledge)."""
    episode = view.episode
    return {
        "episode": episode,
        "view": view,
        "course": view.course,
        "overall": course.overall_words(view.course),
        "timeline": timeline_markup(view, knowledge),
        "table": course.course_table(view.course, knowledge),
        "changes": course.change_lines(view.course, knowledge),
        "cards": _cards(db, view, knowledge),
        "schedule": view.schedule,
        "first_id": view.checkins[0].assessment_id if view.checkins else None,
        "settings": [s.value for s in Setting],
    }


# ------------------------------------------------------------------ the queue's follow-up rows


@dataclass(frozen=True)
class FollowUpRow:
    """An open episode in the clinician's queue: its state and why it is there."""

    episode: Episode
    state: str  # "review", "overdue", "due", "planned" or "no check-in planned"
    why: str
    condition: str = "-"  # the first assessment's suspected or leading condition
    patient: str | None = None  # the name a consultation request of the first assessment gave
    overall: str = "-"  # the course's trend, in words


def _overall(episode: Episode) -> str:
    """The course's trend in the queue's words (the stored course; the column if it cannot be read)."""
    try:
        return course.overall_words(CourseSummary.model_validate(episode.course))
    except ValidationError:
        return episode.overall


def follow_up_row(episode: Episode, now: datetime) -> FollowUpRow:
    due = episode.next_due_at
    when = due.strftime("%d %b %Y") if due is not None else ""
    if episode.needs_clinician_review:
        escalations = (episode.course or {}).get("escalations") or []
        why = "; ".join(str(e.get("clinician_text", "")) for e in escalations if e.get("clinician_text"))
        held = f"an open {episode.triage_level} level waits for a clinician's review"
        return FollowUpRow(episode, "review", why or held)
    if due is None:
        return FollowUpRow(episode, "no check-in planned", "No planned check-in is left.")
    if due + service.GRACE <= now:
        return FollowUpRow(episode, "overdue", f"Check-in due on {when}, not done.")
    if due <= now:
        return FollowUpRow(episode, "due", f"Check-in due on {when}.")
    return FollowUpRow(episode, "planned", f"Next check-in on {when}.")


def follow_up_rows(db: Session, actor: str, limit: int) -> list[FollowUpRow]:
    """Open episodes, those waiting for review first, then by the next planned check-in."""
    episodes, _ = service.list_episodes(
        db, actor=actor, where=service.ListFilter(status=EpisodeStatus.OPEN), limit=limit
    )
    now = utcnow()
    rows = []
    for episode in episodes:
        row = follow_up_row(episode, now)
        first = assessments.stored(db, episode.first_assessment_id)
        asked = consultations.for_assessment(db, episode.first_assessment_id)
        rows.append(
            replace(
                row,
                condition=_leading(first),
                patient=asked[0].name if asked else None,
                overall=_overall(episode),
            )
        )
    return rows


# ------------------------------------------------------------------ the clinician's pages


def _episode_page(
    request: Request,
    db: Session,
    clinician: Any,
    view: service.EpisodeView,
    *,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    link: tuple[str, datetime] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "title": ("Error: " if errors else "") + "Episode",
        "clinician": clinician,
        "errors": errors or {},
        "kept": kept or {},
        "link": link,
        **episode_context(db, view, get_knowledge(request)),
    }
    return render(request, "episode.html", context, status_code=status_code)


@router.post("/clinic/assessments/{assessment_id}/episode")
def start_episode(
    request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    try:
        view = service.start_episode(
            db,
            assessment_id=_id(assessment_id),
            user_id=clinician.id,
            actor=clinician.actor,
            compiled=get_knowledge(request),
        )
    except service.EpisodeError as error:
        raise _page_error(error, ("Back to the assessment", f"/clinic/assessments/{assessment_id}")) from None
    return _see_other(f"/clinic/episodes/{view.episode.id}")


@router.get("/clinic/episodes/{episode_id}", response_class=HTMLResponse)
def episode_page(request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep) -> Response:
    try:
        view = service.get_episode(
            db, _id(episode_id), actor=clinician.actor, compiled=get_knowledge(request)
        )
    except service.EpisodeError as error:
        raise _page_error(error) from None
    return _episode_page(request, db, clinician, view)


@router.post("/clinic/episodes/{episode_id}/links", response_class=HTMLResponse)
def issue_link(
    request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    identifier = _id(episode_id)
    try:
        link, token = service.issue_link(db, identifier, user_id=clinician.id, actor=clinician.actor)
        view = service.get_episode(db, identifier, actor=clinician.actor, compiled=get_knowledge(request))
    except service.EpisodeError as error:
        raise _page_error(error) from None
    url = public_link(request, f"/checkin?link={token}")  # never the request's Host (web.links)
    return _episode_page(request, db, clinician, view, link=(url, link.expires_at))


def _form_refused(
    request: Request,
    db: Session,
    clinician: Any,
    identifier: uuid.UUID,
    errors: dict[str, str],
    kept: dict[str, str],
) -> Response:
    """The episode page again with a form's errors and what was typed (422)."""
    try:
        view = service.get_episode(db, identifier, actor=clinician.actor, compiled=get_knowledge(request))
    except service.EpisodeError as problem:
        raise _page_error(problem) from None
    return _episode_page(request, db, clinician, view, errors=errors, kept=kept, status_code=422)


@router.post("/clinic/episodes/{episode_id}/checkins")
def clinician_checkin(
    request: Request,
    episode_id: str,
    clinician: ClinicianPage,
    db: SessionDep,
    knowledge: KnowledgeDep,
    form: CheckedForm,
) -> Response:
    """A clinician's check-in from a note (pasted text, read like any note)."""
    identifier = _id(episode_id)
    note, setting = text(form, "note"), text(form, "setting")
    error = None
    if not note:
        error = "Paste the note of this check-in."
    elif len(note) > MAX_NOTE_CHARS:
        error = f"The note is too long ({MAX_NOTE_CHARS:,} characters at most)."
    elif setting not in {s.value for s in Setting}:
        error = "Choose the setting."
    if error is None:
        try:
            service.add_checkin(
                db,
                identifier,
                text=note,
                setting=Setting(setting),
                source="clinician",
                user_id=clinician.id,
                actor=clinician.actor,
                compiled=knowledge,
            )
        except service.EpisodeError as problem:
            if problem.status in (404, 409):
                raise _page_error(problem) from None
            error = problem.detail
    if error is not None:
        kept = {"note": note, "setting": setting}
        return _form_refused(request, db, clinician, identifier, {"note": error}, kept)
    return _see_other(f"/clinic/episodes/{identifier}#checkins")


@router.post("/clinic/episodes/{episode_id}/interview")
def clinician_interview(
    request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    """A clinician's check-in by the clinician-mode interview (examination included; the course
    measures asked first, after the red-flag screen): when it finishes, its assessment is added to
    this episode."""
    identifier = _id(episode_id)
    try:
        view = service.get_episode(db, identifier, actor=clinician.actor, compiled=get_knowledge(request))
    except service.EpisodeError as error:
        raise _page_error(error) from None
    if view.episode.status != EpisodeStatus.OPEN.value:
        raise PageError(
            409, "Episode closed", "This episode is closed: it takes no more check-ins.", TO_QUEUE
        )
    record, token, _ = new_interview(
        db,
        "clinician",
        owner=clinician.id,
        checkin=True,
        audit=True,
        actor=clinician.actor,
        compiled=get_knowledge(request),
    )
    db.commit()
    response = _see_other("/interview")
    set_cookie(request, response, INTERVIEW_COOKIE, token, INTERVIEW_MAX_AGE)
    set_checkin_cookie(request, response, record.id, f"episode:{identifier}")
    return response


def _weeks(raw: str) -> list[float]:
    """'2, 6, 12' -> [2.0, 6.0, 12.0]; a clear error for anything else."""
    parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise ValueError("Give at least one week, for example 2, 6, 12.")
    try:
        weeks = sorted({float(p) for p in parts})
    except ValueError:
        raise ValueError("Give the weeks as numbers separated by commas, for example 2, 6, 12.") from None
    if any(w <= 0 or w > 104 for w in weeks):
        raise ValueError("Each week must be more than 0 and at most 104.")
    return weeks


@router.post("/clinic/episodes/{episode_id}/schedule")
def edit_schedule(
    request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    identifier = _id(episode_id)
    raw, reason = text(form, "weeks"), text(form, "reason")
    error = None
    try:
        weeks = _weeks(raw)
        if not reason:
            raise ValueError("Say why the schedule changes (it is kept with each planned check-in).")
        if len(reason) > 500:
            raise ValueError("The reason is too long (500 characters at most).")
        service.edit_schedule(
            db,
            identifier,
            [service.ScheduleEdit(weeks=w, reason=reason) for w in weeks],
            user_id=clinician.id,
            actor=clinician.actor,
            compiled=get_knowledge(request),
        )
    except ValueError as problem:
        error = str(problem)
    except service.EpisodeError as problem:
        if problem.status in (404, 409):
            raise _page_error(problem) from None
        error = problem.detail
    if error is not None:
        kept = {"weeks": raw, "reason": reason}
        return _form_refused(request, db, clinician, identifier, {"weeks": error}, kept)
    return _see_other(f"/clinic/episodes/{identifier}#schedule")


@router.post("/clinic/episodes/{episode_id}/review")
def review_episode(
    request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    identifier = _id(episode_id)
    comment = text(form, "comment")
    try:
        problem = comment_problem(comment)
        if problem is not None:
            message = f"{problem[0].upper()}{problem[1:]}."
            return _form_refused(
                request, db, clinician, identifier, {"comment": message}, {"comment": comment}
            )
        service.review_episode(
            db,
            identifier,
            comment=comment,
            user_id=clinician.id,
            actor=clinician.actor,
            compiled=get_knowledge(request),
        )
    except service.EpisodeError as error:
        raise _page_error(error) from None
    return _see_other(f"/clinic/episodes/{identifier}#review")


@router.post("/clinic/episodes/{episode_id}/close")
def close_episode(
    request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    identifier = _id(episode_id)
    try:
        service.close_episode(
            db, identifier, user_id=clinician.id, actor=clinician.actor, compiled=get_knowledge(request)
        )
    except service.EpisodeError as error:
        raise _page_error(error) from None
    return _see_other(f"/clinic/episodes/{identifier}")


# ------------------------------------------------------------------ the patient's check-in


def _link_view(request: Request, db: Session, token: str) -> service.EpisodeView:
    try:
        return service.episode_by_link(db, token, compiled=get_knowledge(request))[1]
    except service.EpisodeError as error:
        if error.status == 410:
            raise PageError(
                410,
                "This check-in link no longer works",
                "Check-in links work for a limited time, and stop when the clinic closes the "
                "follow-up. Ask the clinic for a new link.",
                START_AGAIN,
            ) from None
        raise PageError(
            404,
            "This link does not work",
            "The check-in link is not valid. It may have been copied incompletely or changed. "
            "Please use the link exactly as you received it, or ask the clinic for a new one.",
            START_AGAIN,
        ) from None


@router.get("/checkin", response_class=HTMLResponse)
def checkin_start_page(request: Request, db: SessionDep, link: str = "") -> Response:
    view = _link_view(request, db, link)
    context = {
        "title": "Check-in: how is your leg pain now?",
        "link": link,
        "started": view.checkins[0].at if view.checkins else view.episode.created_at,
        "count": len(view.checkins),
    }
    return render(request, "checkin_start.html", context)


@router.post("/checkin/start")
def checkin_start(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    link = text(form, "link")
    _link_view(request, db, link)
    record, token, _ = new_interview(db, "patient", checkin=True, audit=True, compiled=get_knowledge(request))
    db.commit()
    response = _see_other("/interview")
    set_cookie(request, response, INTERVIEW_COOKIE, token, INTERVIEW_MAX_AGE)
    set_checkin_cookie(request, response, record.id, link)
    return response


def attach_finished(
    request: Request, db: Session, opened: OpenInterview, assessment_id: uuid.UUID
) -> str | None:
    """Attach a finished check-in interview's assessment to its episode; the page to show next.

    A patient's (started from a check-in link): "/checkin/result". A clinician's (started on the
    episode page by the clinician who owns the interview): the episode page. None when the
    interview is no check-in, or the link or episode stopped taking check-ins meanwhile (then the
    ordinary result shows: the advice never depends on it)."""
    target = checkin_target(request, opened.record.id)
    if target is None:
        return None
    try:
        if not target.startswith("episode:"):
            service.link_attach(db, target, assessment_id, compiled=get_knowledge(request))
            return "/checkin/result"
        owner = opened.record.owner_id
        episode_id = _id(target.removeprefix("episode:"))
        if owner is None:
            return None
        service.attach_assessment(
            db,
            episode_id,
            assessment_id,
            source="clinician",
            actor=f"user:{owner}",
            compiled=get_knowledge(request),
        )
    except (service.EpisodeError, PageError):
        return None
    return f"/clinic/episodes/{episode_id}#checkins"


def attached_view(
    request: Request, db: Session, interview_id: uuid.UUID, assessment_id: uuid.UUID | None
) -> service.EpisodeView | None:
    """The episode this browser's finished check-in belongs to, or None."""
    token = checkin_link(request, interview_id)
    if token is None or assessment_id is None:
        return None
    try:
        _, view = service.episode_by_link(db, token, compiled=get_knowledge(request))
    except service.EpisodeError:
        return None
    return view if any(c.assessment_id == assessment_id for c in view.checkins) else None


@router.get("/checkin/result", response_class=HTMLResponse)
def checkin_result(request: Request, db: SessionDep) -> Response:
    from nervemap.web.patient import _finished, emergency_context, is_emergency, result_context

    opened, record = _finished(request, db)
    view = attached_view(request, db, opened.record.id, record.id)
    if view is None:
        return _see_other("/interview/result")
    knowledge = get_knowledge(request)
    if is_emergency(record):
        return render(request, "emergency.html", emergency_context(record, knowledge))
    # the episode's level: this check-in's, raised by a rule that fired or held by an open one
    level = view.episode.triage_level
    told = course.patient_course(view.course, coming(view))
    before = _previous_map(db, view, record.id, knowledge)
    context = {
        **result_context(record, opened.session.answers, knowledge=knowledge),
        "title": "How you are doing",
        "told": told,
        "level": level,
        "urgency_title": present.URGENCY_TITLE.get(level, level),
        "checkins": len(view.checkins),
        "before": before,
        "today": bodymap.picture(None, record.input.get("pain_map"), "Today", knowledge),
    }
    return render(request, "checkin_result.html", context)


def _previous_map(
    db: Session, view: service.EpisodeView, current: uuid.UUID, knowledge: CompiledKnowledge | None = None
) -> bodymap.BodyMapPicture | None:
    """The whole body map of the check-in before this one, to set beside today's; None when there
    is none or it lists only the places a note mentioned (then blank places are unknown, not clear)."""
    ids = [c.assessment_id for c in view.checkins]
    if current not in ids or ids.index(current) == 0:
        return None
    record = assessments.stored(db, ids[ids.index(current) - 1])
    if record is None:
        return None
    case = record.input.get("case", record.input)
    if not isinstance(case, dict) or case.get("pain_map") is None or case.get("pain_map_complete") is False:
        return None
    return bodymap.picture(None, case.get("pain_map"), "Last time", knowledge)
