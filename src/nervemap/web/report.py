"""The one-page clinical summary: printable HTML, and the same page as a PDF (WeasyPrint)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from nervemap.api.deps import SessionDep
from nervemap.store.audit import AuditLog
from nervemap.web import present
from nervemap.web.clinic import _record, assessment_context
from nervemap.web.security import ClinicianPage
from nervemap.web.templating import render_string

router = APIRouter(prefix="/clinic", include_in_schema=False)
MAX_PLAN_ITEMS = 5  # the top steps; the full plan is on the assessment page


def _css() -> str:
    return resources.files("nervemap.web").joinpath("static/report.css").read_text("utf-8")


def report_html(context: dict[str, Any], printable: bool = True) -> str:
    screens, other_absent = present.red_flag_checklist(context["assessment"])
    values = {
        **context,
        "css": _css(),
        "printable": printable,
        "max_plan": MAX_PLAN_ITEMS,
        "screens": screens,
        "other_absent": other_absent,
    }
    return render_string("report.html", values)


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML

    document: bytes = HTML(string=html).write_pdf()
    return document


@router.get("/assessments/{assessment_id}/report", response_class=HTMLResponse)
def report(request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep) -> Response:
    record = _record(db, assessment_id)
    AuditLog(db).record(clinician.actor, "assessment.report", f"assessment:{record.id}")
    db.commit()
    html = report_html(assessment_context(db, record))
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/assessments/{assessment_id}/report.pdf")
async def report_pdf(
    request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep
) -> Response:
    record = _record(db, assessment_id)
    AuditLog(db).record(clinician.actor, "assessment.report-pdf", f"assessment:{record.id}")
    db.commit()
    html = report_html(assessment_context(db, record), printable=False)
    document = await run_in_threadpool(pdf_bytes, html)
    name = f"nervemap-assessment-{record.id}.pdf"
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
