"""Patient pages: start (home or invitation link), body map, one question at a time, the result
with urgency and what helps, and the consultation request."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nervemap.api.deps import SessionDep
from nervemap.api.plain import patient_view, severity_measured, severity_words, summarise
from nervemap.api.problems import ProblemError
from nervemap.api.routers.interviews import (
    OpenInterview,
    QuestionOut,
    finish_interview,
    go_back,
    new_interview,
    open_interview,
    question_out,
    record_answer,
    step_out,
)
from nervemap.engine.assessment import Assessment
from nervemap.interview.catalogue import Kind
from nervemap.knowledge.models import TriageLevel
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.consultations import ConsultationRepository, NewRequest
from nervemap.store.interviews import InvitationRepository
from nervemap.store.models import AssessmentRecord, PatientLink
from nervemap.store.types import utcnow
from nervemap.web import bodymap, present
from nervemap.web.forms import (
    IMAGING_OPTIONS,
    ConsultationForm,
    FormProblem,
    answer_from_form,
    consultation_form,
    marks,
)
from nervemap.web.security import (
    INTERVIEW_COOKIE,
    INTERVIEW_MAX_AGE,
    CheckedForm,
    PageError,
    clear_cookie,
    session_user,
    set_cookie,
)
from nervemap.web.templating import emergency_number, render

router = APIRouter(include_in_schema=False)
BODY_MAP = "body_map"
START_AGAIN = ("Start a new assessment", "/")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ------------------------------------------------------------------ starting


def _invitation(db: Session, token: str) -> PatientLink:
    link = InvitationRepository(db).by_token(token)
    if link is None:
        raise PageError(
            404,
            "This link does not work",
            "The invitation link is not valid. It may have been copied incompletely or changed. "
            "Please use the link exactly as you received it, or ask the clinic for a new one.",
            START_AGAIN,
        )
    if link.expires_at <= utcnow():
        raise PageError(
            410,
            "This link has expired",
            "Invitation links work for a limited time and this one has run out. Ask the clinic for a "
            "new link, or start an assessment without one.",
            START_AGAIN,
        )
    return link


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return render(request, "home.html", {"title": "Leg pain check", "link": "", "invited": False})


@router.get("/start", response_class=HTMLResponse)
def start_page(request: Request, db: SessionDep, link: str = "") -> Response:
    if link:
        _invitation(db, link)
    return render(request, "home.html", {"title": "Leg pain check", "link": link, "invited": bool(link)})


@router.post("/start")
def start(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    token_text = form.get("link")
    invitation = _invitation(db, token_text) if isinstance(token_text, str) and token_text else None
    record, token, _ = new_interview(db, "patient", invitation=invitation)
    AuditLog(db).record(f"interview:{record.id}", "interview.start", f"interview:{record.id}")
    db.commit()
    response = _see_other("/interview")
    set_cookie(request, response, INTERVIEW_COOKIE, token, INTERVIEW_MAX_AGE)
    return response


# ------------------------------------------------------------------ the interview


def current(request: Request, db: Session) -> OpenInterview:
    """The interview named by this browser's cookie, or a clear page saying why there is none."""
    token = request.cookies.get(INTERVIEW_COOKIE, "")
    if not token:
        raise PageError(
            404,
            "No assessment in progress",
            "We could not find an assessment for this browser. It may have been finished on another "
            "device, or your browser may have cleared it.",
            START_AGAIN,
        )
    try:
        opened = open_interview(db, token)
    except ProblemError as error:
        title = "This assessment has expired" if error.status == 410 else "This assessment cannot be found"
        raise PageError(
            error.status,
            title,
            "For your privacy, unfinished assessments are kept for a limited time only. "
            "Please start again: it takes a few minutes.",
            START_AGAIN,
        ) from None
    if opened.record.owner_id is not None:
        user = session_user(request, db)
        if user is None or user.id != opened.record.owner_id:
            raise PageError(
                403,
                "Please sign in",
                "This interview belongs to a clinician's session.",
                ("Sign in", "/clinic/login"),
            )
    return opened


def _screening(opened: OpenInterview) -> bool:
    """The red-flag screen is still open: its questions come before the body map."""
    question = opened.session.next_question()
    return question is not None and question.phase == "screen"


def _body_map_due(opened: OpenInterview) -> bool:
    """The screen is done, the interview goes on and the body map is not yet answered."""
    question = opened.session.next_question()
    return question is not None and question.phase != "screen" and BODY_MAP not in opened.session.asked


def _done_url(opened: OpenInterview) -> str:
    if opened.record.owner_id is not None and opened.record.assessment_id is not None:
        return f"/clinic/assessments/{opened.record.assessment_id}"
    return "/interview/result"


def _question_page(
    request: Request,
    opened: OpenInterview,
    errors: dict[str, str] | None = None,
    kept: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> Response:
    step = step_out(opened.session)
    if step.question is None:
        return _see_other("/interview/finish")
    earlier = None
    if kept is None:
        kept, earlier = _prefill(step.question, _previous(request, step.question.id))
    errors = errors or {}
    context = {
        "title": ("Error: " if errors else "") + step.question.text,
        "error_items": _error_items(errors, step.question.kind),
        "step": step,
        "earlier": earlier,
        "invited": opened.record.patient_link_id is not None,
        "question": step.question,
        "mode": opened.session.mode,
        "errors": errors,
        "kept": kept or {},
        "imaging_options": IMAGING_OPTIONS,
        "picture": bodymap.BodyMapPicture(
            interactive=True,
            tools=("pain", "tingling", "numbness")
            if step.question.target != "sensation"
            else ("reduced", "absent", "increased", "normal"),
            marks=_kept_marks(kept),
        ),
    }
    return render(request, "question.html", context, status_code=status_code)


# ------------------------------------------------------------------ back keeps the answer
# Back undoes the last answer (the session is a pure function of its answers); the undone answer
# rides along in a short-lived cookie so the earlier question comes back filled in, never empty
# (an empty red-flag screen sent again would record every warning sign as absent).
PREVIOUS_COOKIE = "nervemap_previous"
PREVIOUS_MAX_AGE = 3600
PREVIOUS_MAX_CHARS = 3000


def _encode_previous(question_id: str, value: Any) -> str | None:
    text = json.dumps({"q": question_id, "v": value}, separators=(",", ":"))
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    return encoded if len(encoded) <= PREVIOUS_MAX_CHARS else None


def _previous(request: Request, question_id: str) -> Any:
    """The undone answer to ``question_id`` kept by Back, or None."""
    raw = request.cookies.get(PREVIOUS_COOKIE, "")
    try:
        saved = json.loads(base64.urlsafe_b64decode(raw.encode()).decode()) if raw else None
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(saved, dict) or saved.get("q") != question_id:
        return None
    return saved.get("v")


def _prefill(question: QuestionOut, value: Any) -> tuple[dict[str, list[str]], str | None]:
    """Form values (kept) and a plain note of the earlier answer, from a stored answer."""
    if value is None:
        return {}, None
    texts = {o.id: o.text for o in question.options}
    texts.update({"yes": "Yes", "no": "No", "unknown": question.unknown_option})
    if value == "unknown":
        return {}, f"Your earlier answer: {question.unknown_option}."
    kind = question.kind
    kept: dict[str, list[str]] = {}
    if kind == Kind.MULTI_CHOICE and isinstance(value, dict):
        kept["option"] = [option for option, status in value.items() if status == "yes"]
        return kept, None
    if kind == Kind.NUMBER and isinstance(value, int | float):
        return {"number": [f"{round(value, 1):g}"]}, None
    if kind == Kind.BODY_MAP and isinstance(value, list):
        for mark in value:
            if isinstance(mark, dict) and mark.get("region"):
                side = mark.get("side") or "-"
                kept[f"m:{side}:{mark['region']}"] = [str(mark.get("kind") or mark.get("status") or "")]
        return kept, None
    if kind in (Kind.EXAM_STRENGTH, Kind.EXAM_REFLEX) and isinstance(value, list):
        for grade in value:
            if isinstance(grade, dict):
                item = grade.get("movement") or grade.get("reflex")
                kept[f"g:{item}:{grade.get('side')}"] = [str(grade.get("grade"))]
        return kept, None
    if isinstance(value, str):
        return {}, f"Your earlier answer: {texts.get(value, value)}."
    return {}, None


def _error_items(errors: dict[str, str], kind: Kind) -> list[tuple[str | None, str]]:
    """The error summary's lines: each message once, linked to its field where it has one."""
    items: dict[str, str | None] = {}
    for name, message in errors.items():
        target = "number" if kind == Kind.NUMBER and name == "number" else None
        if message not in items or target:
            items[message] = target
    return [(target, message) for message, target in items.items()]


def _kept_marks(kept: dict[str, list[str]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, values in (kept or {}).items():
        if name.startswith("m:") and values and values[0]:
            _, side, region = ([*name.split(":", 2), "", ""])[:3]
            out[bodymap.key_for(region, side if side in bodymap.SIDES else None)] = values[0]
    return out


@router.get("/interview/body-map", response_class=HTMLResponse)
def body_map_page(request: Request, db: SessionDep) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    if not _body_map_due(opened):
        return _see_other("/interview")
    question = question_out(opened.session, opened.session.question(BODY_MAP), opened.session.why(BODY_MAP))
    kept, _ = _prefill(question, _previous(request, BODY_MAP))
    return _body_map_response(request, opened, question.text, question.why, kept=_kept_marks(kept))


def _body_map_response(
    request: Request,
    opened: OpenInterview,
    text: str,
    why: str,
    error: str | None = None,
    kept: dict[str, str] | None = None,
) -> Response:
    context = {
        "title": "Where do you feel it?",
        "text": text,
        "why": why,
        "error": error,
        "picture": bodymap.BodyMapPicture(interactive=True, marks=kept or {}),
        "mode": opened.session.mode,
        "answered": len(opened.session.asked),
        "invited": opened.record.patient_link_id is not None,
        "progress": round(step_out(opened.session).progress * 100),
    }
    return render(request, "body_map.html", context, status_code=422 if error else 200)


@router.post("/interview/body-map")
def body_map_answer(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    if not _body_map_due(opened):
        return _see_other("/interview")
    if form.get("choice") == "unknown":
        value: Any = "unknown"
    else:
        try:
            value = marks(form)
        except FormProblem as problem:
            raise PageError(
                400, "Something went wrong", problem.message, ("Back to the body map", "/interview/body-map")
            ) from None
        if not value:
            question = opened.session.question(BODY_MAP)
            return _body_map_response(
                request,
                opened,
                question.text(opened.session.mode),
                opened.session.why(BODY_MAP),
                "Please mark at least one place on the drawing, or choose \u201cI don't know\u201d.",
            )
    record_answer(db, opened, BODY_MAP, value)
    db.commit()
    response = _see_other("/interview")
    clear_cookie(request, response, PREVIOUS_COOKIE)
    return response


@router.get("/interview", response_class=HTMLResponse)
def interview_page(request: Request, db: SessionDep) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    step = step_out(opened.session)
    if _body_map_due(opened) or (step.question is not None and step.question.id == BODY_MAP):
        return _see_other("/interview/body-map")
    return _question_page(request, opened)


@router.post("/interview/answer")
def answer(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    question_id = form.get("question")
    step = step_out(opened.session)
    if not isinstance(question_id, str) or step.question is None or step.question.id != question_id:
        # An old page posted again (back button, double click): show the current question instead.
        return _see_other("/interview")
    try:
        value = answer_from_form(step.question, form)
    except FormProblem as problem:
        return _question_page(request, opened, {problem.field: problem.message}, _kept(form), 422)
    try:
        record_answer(db, opened, question_id, value)
    except ProblemError as error:
        message = error.errors[0].reason if error.errors else error.detail
        return _question_page(request, opened, {"number": message, "choice": message}, _kept(form), 422)
    db.commit()
    response = _see_other("/interview")
    clear_cookie(request, response, PREVIOUS_COOKIE)
    return response


def _kept(form: Any) -> dict[str, list[str]]:
    """The posted values (to show again with the error), by field name."""
    kept: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if name != "csrf" and isinstance(value, str):
            kept.setdefault(name, []).append(value)
    return kept


@router.post("/interview/back")
def back(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    if not opened.session.asked:
        return _see_other("/interview")
    last, value = opened.session.answers[-1]
    go_back(db, opened)
    db.commit()
    response = _see_other("/interview/body-map" if last == BODY_MAP else "/interview")
    encoded = _encode_previous(last, value)
    if encoded:
        set_cookie(request, response, PREVIOUS_COOKIE, encoded, PREVIOUS_MAX_AGE)
    else:
        clear_cookie(request, response, PREVIOUS_COOKIE)
    return response


@router.get("/interview/finish")
def finish(request: Request, db: SessionDep) -> Response:
    """Store the assessment once the interview has stopped, then show the result."""
    opened = current(request, db)
    if opened.record.assessment_id is None:
        if step_out(opened.session).question is not None:
            return _see_other("/interview")
        actor = (
            f"user:{opened.record.owner_id}" if opened.record.owner_id else f"interview:{opened.record.id}"
        )
        finish_interview(db, opened, actor)
        db.commit()
    return _see_other(_done_url(opened))


# ------------------------------------------------------------------ result and consultation


def _finished(request: Request, db: Session) -> tuple[OpenInterview, AssessmentRecord]:
    opened = current(request, db)
    record = (
        AssessmentRepository(db).get(opened.record.assessment_id) if opened.record.assessment_id else None
    )
    if record is None:
        raise PageError(
            409,
            "Not finished yet",
            "Please answer the remaining questions first.",
            ("Continue the assessment", "/interview"),
        )
    return opened, record


def result_context(
    record: AssessmentRecord, answers: list[tuple[str, Any]] | None = None, number: str = "999"
) -> dict[str, Any]:
    assessment = Assessment.model_validate(record.output)
    summary = summarise(assessment)
    place = summary.place
    level = assessment.triage.level.value
    pain_map = record.input.get("pain_map")
    return {
        "assessment": assessment,
        "record": record,
        "view": patient_view(record.output, record.created_at),
        "summary": summary,
        "level": level,
        "urgency_title": present.URGENCY_TITLE.get(level, level),
        "place": place,
        "sciatica": bool(place and present.is_sciatica(place)),
        "plan_steps": present.patient_plan(assessment, severity_measured(assessment)),
        "severity": severity_words(assessment),
        "open_warnings": present.open_warnings(answers or [], assessment, number),
        # the shaded territory is the likely source's, and only when that source is shown
        "picture": bodymap.picture(assessment if place else None, pain_map, "Where you feel it"),
        "red_flag_stop": level in ("emergency", "urgent") and bool(assessment.triage.red_flags),
    }


def is_emergency(record: AssessmentRecord) -> bool:
    return str(record.triage_level) == TriageLevel.EMERGENCY.value


def emergency_context(record: AssessmentRecord) -> dict[str, Any]:
    """Only what to do now: where to go, the number to call, what to tell them."""
    assessment = Assessment.model_validate(record.output)
    return {
        "title": "Emergency: get help now",
        "assessment": assessment,
        "triggers": present.emergency_triggers(assessment),
        "suspicions": present.emergency_suspicions(assessment),
        "stopped_early": bool(assessment.triage.red_flags),
    }


def _result(
    request: Request,
    db: Session,
    opened: OpenInterview,
    record: AssessmentRecord,
    form: ConsultationForm,
    status_code: int = 200,
) -> Response:
    if is_emergency(record):
        return render(request, "emergency.html", emergency_context(record))
    requested = ConsultationRepository(db).for_assessment(record.id)
    targets = {"name": "name", "contact": "contact", "consent": "consent"}
    context = {
        **result_context(record, opened.session.answers, emergency_number(request)),
        "title": ("Error: " if form.errors else "") + "Your result",
        "form_errors": [(targets.get(field), message) for field, message in form.errors.items()],
        "form": form,
        "requested": bool(requested),
    }
    return render(request, "result.html", context, status_code=status_code)


@router.get("/interview/result", response_class=HTMLResponse)
def result(request: Request, db: SessionDep) -> Response:
    opened, record = _finished(request, db)
    if opened.record.owner_id is not None:
        return _see_other(_done_url(opened))
    return _result(request, db, opened, record, ConsultationForm(key=secrets.token_urlsafe(24)))


@router.post("/interview/consultation")
def request_consultation(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    opened, record = _finished(request, db)
    if is_emergency(record):
        # the emergency page has no consultation form: the patient must get help now, not wait
        return _see_other("/interview/result")
    values = consultation_form(form)
    if values.errors:
        if "form" in values.errors:
            values.key = secrets.token_urlsafe(24)
        return _result(request, db, opened, record, values, status_code=422)
    _, created = ConsultationRepository(db).add_once(
        NewRequest(record.id, values.key, values.name, values.contact, values.consent), record
    )
    if created:
        AuditLog(db).record(
            f"interview:{opened.record.id}", "consultation.request", f"assessment:{record.id}"
        )
    db.commit()
    return _see_other("/interview/result#consultation")
