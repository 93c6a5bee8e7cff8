"""The one-page clinical summary: printable HTML, and the same page as a PDF (WeasyPrint).

For a follow-up episode the summary is that of the latest check-in, with a second page for the
course: the timeline picture (``nervemap.followup.timeline_svg``), the same numbers as a table, the
rules that escalated it and the planned check-ins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.followup.timeline_svg import render_svg, timeline_table
from nervemap.server.deps import SessionDep, get_knowledge
from nervemap.services import assessments, audit
from nervemap.services import episodes as episode_service
from nervemap.web import bodymap, course, present
from nervemap.web.clinic import _record, assessment_context
from nervemap.web.security import ClinicianPage, PageError
from nervemap.web.templating import render_string

router = APIRouter(prefix="/clinic", include_in_schema=False)
MAX_PLAN_ITEMS = 5  # the top steps; the full plan is on the assessment page
MAX_MAPS = 4  # pain maps on the course page: the first check-in's and the latest three


def _css() -> str:
    return resources.files("nervemap.web").joinpath("static/report.css").read_text("utf-8")


def report_html(
    context: dict[str, Any], printable: bool = True, knowledge: CompiledKnowledge | None = None
) -> str:
    """The report page; its red-flag screens are those of ``knowledge``'s question catalogue."""
    screens, other_absent = present.red_flag_checklist(context["assessment"], knowledge)
    values = {
        "course": None,  # a follow-up episode's course (see course_context)
        "checkin_maps": [],
        **context,
        "css": _css(),
        "printable": printable,
        "max_plan": MAX_PLAN_ITEMS,
        "screens": screens,
        "other_absent": other_absent,
    }
    return render_string("report.html", values)


def course_context(
    view: episode_service.EpisodeView, knowledge: CompiledKnowledge | None = None
) -> dict[str, Any]:
    """The course page of an episode report: the timeline (inline SVG, escaped by ElementTree), the
    table of the same numbers, escalations, guideline windows and the schedule."""
    stored = (checkin.escalations for checkin in view.checkins)
    title = "Course of the episode: pain, function and power by week"
    timeline = course.episode_timeline(view.course, stored, title, knowledge)
    headings, rows = timeline_table(timeline)
    return {
        "episode": view.episode,
        "course": view.course,
        "course_svg": Markup(render_svg(timeline, prefix="course")),
        "course_headings": headings,
        "course_rows": rows,
        "course_timeline": timeline,
        "course_schedule": [item for item in view.schedule if item.status != "done"],
        "checkin_count": len(view.checkins),
    }


@dataclass(frozen=True)
class CheckinMap:
    """One check-in's pain map on the course page."""

    number: int
    weeks: float
    picture: bodymap.BodyMapPicture
    prefix: str  # unique on the page: the first page's map has no prefix


def checkin_maps(
    db: Session, view: episode_service.EpisodeView, knowledge: CompiledKnowledge | None = None
) -> list[CheckinMap]:
    """The pain maps of the first and the latest check-ins (at most MAX_MAPS), oldest first, each
    shaded with its own assessment's leading territory."""
    numbered = list(enumerate(view.checkins, start=1))
    chosen = numbered if len(numbered) <= MAX_MAPS else [numbered[0], *numbered[-(MAX_MAPS - 1) :]]
    maps = []
    for number, checkin in chosen:
        record = assessments.stored(db, checkin.assessment_id)
        if record is None:
            continue
        case = record.input.get("case", record.input)
        assessment = Assessment.model_validate(record.output)
        weeks = (
            view.course.measures[number - 1].weeks_since_start if number <= len(view.course.measures) else 0.0
        )
        picture = bodymap.picture(assessment, case.get("pain_map"), f"Check-in {number}", knowledge)
        maps.append(CheckinMap(number, weeks, picture, f"m{number}-"))
    return maps


def _episode(
    db: Session, episode_id: str, actor: str, knowledge: CompiledKnowledge | None
) -> episode_service.EpisodeView:
    try:
        return episode_service.get_episode(db, uuid.UUID(episode_id), actor=actor, compiled=knowledge)
    except (ValueError, episode_service.EpisodeError) as error:
        raise PageError(
            404,
            "No such episode",
            "This episode does not exist or the link is wrong.",
            ("Back to the queue", "/clinic"),
        ) from error


def episode_report_html(
    db: Session,
    episode_id: str,
    actor: str,
    printable: bool = True,
    knowledge: CompiledKnowledge | None = None,
) -> tuple[str, str]:
    """(html, episode id) of an episode's report: its latest check-in's summary, then the course,
    worded with ``knowledge`` (the app's compiled knowledge)."""
    view = _episode(db, episode_id, actor, knowledge)
    latest = view.checkins[-1]
    record = _record(db, str(latest.assessment_id))
    audit.record(db, actor, "episode.report", f"episode:{view.episode.id}")
    context = {
        **assessment_context(db, record, knowledge),
        **course_context(view, knowledge),
        "checkin_maps": checkin_maps(db, view, knowledge),
    }
    return report_html(context, printable=printable, knowledge=knowledge), str(view.episode.id)


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML

    document: bytes = HTML(string=html).write_pdf()
    return document


@router.get("/assessments/{assessment_id}/report", response_class=HTMLResponse)
def report(request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep) -> Response:
    record = _record(db, assessment_id)
    audit.record(db, clinician.actor, "assessment.report", f"assessment:{record.id}")
    knowledge = get_knowledge(request)
    html = report_html(assessment_context(db, record, knowledge), knowledge=knowledge)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/assessments/{assessment_id}/report.pdf")
async def report_pdf(
    request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep
) -> Response:
    record = _record(db, assessment_id)
    audit.record(db, clinician.actor, "assessment.report-pdf", f"assessment:{record.id}")
    knowledge = get_knowledge(request)
    html = report_html(assessment_context(db, record, knowledge), printable=False, knowledge=knowledge)
    document = await run_in_threadpool(pdf_bytes, html)
    name = f"nervemap-assessment-{record.id}.pdf"
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/episodes/{episode_id}/report", response_class=HTMLResponse)
def episode_report(request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep) -> Response:
    html, _ = episode_report_html(db, episode_id, clinician.actor, knowledge=get_knowledge(request))
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/episodes/{episode_id}/report.pdf")
async def episode_report_pdf(
    request: Request, episode_id: str, clinician: ClinicianPage, db: SessionDep
) -> Response:
    html, identifier = episode_report_html(
        db, episode_id, clinician.actor, printable=False, knowledge=get_knowledge(request)
    )
    document = await run_in_threadpool(pdf_bytes, html)
    name = f"nervemap-episode-{identifier}.pdf"
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
