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
from starlette.concurrency import run_in_threadpool

from nervemap.engine.compiled import CompiledKnowledge
from nervemap.interview.catalogue import Kind
from nervemap.interview.policy import COURSE_FIELDS, counted
from nervemap.interview.session import InterviewSession
from nervemap.knowledge.models import TriageLevel
from nervemap.presentation.plain import patient_view, severity_measured, severity_words, summarise
from nervemap.server.deps import SessionDep, get_knowledge
from nervemap.services import accounts, consultations
from nervemap.services.accounts import InvitationGone, PatientLink
from nervemap.services.assessments import AssessmentRecord, for_patient
from nervemap.services.assessments import stored as stored_assessment
from nervemap.services.consultations import NewRequest
from nervemap.services.errors import Conflict, Expired, NotFound, ServiceError
from nervemap.services.interviews import (
    OpenInterview,
    QuestionView,
    asked_view,
    change_answer,
    copy_interview,
    finish_interview,
    go_back,
    new_interview,
    open_interview,
    record_answer,
)
from nervemap.web import bodymap, episodes, present, summary
from nervemap.web.forms import (
    IMAGING_OPTIONS,
    SENSATION_KINDS,
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


def _invitation(db: Session, token: str, use: bool = False) -> PatientLink:
    """The usable invitation (counted as used when ``use``), or a 404 or 410 page saying why not."""
    try:
        return accounts.use_invitation(db, token) if use else accounts.find_invitation(db, token)
    except NotFound:
        raise PageError(
            404,
            "This link does not work",
            "The invitation link is not valid. It may have been copied incompletely or changed. "
            "Please use the link exactly as you received it, or ask the clinic for a new one.",
            START_AGAIN,
        ) from None
    except InvitationGone as gone:
        raise _invitation_gone(gone.reason) from None


def _invitation_gone(reason: str) -> PageError:
    """A 410 page: the invitation expired, was used already (single-use by default) or withdrawn."""
    messages = {
        "expired": (
            "This link has expired",
            "Invitation links work for a limited time and this one has run out. Ask the clinic for a "
            "new link, or start an assessment without one.",
        ),
        "used": (
            "This link has been used",
            "An invitation link starts one assessment and this one has been used already. If you started "
            "it on this device, your assessment is on the start page; otherwise ask the clinic for a new "
            "link, or start an assessment without one.",
        ),
        "revoked": (
            "This link was withdrawn",
            "The clinic has withdrawn this invitation link. Ask the clinic for a new link, or start an "
            "assessment without one.",
        ),
    }
    title, message = messages[reason]
    return PageError(410, title, message, START_AGAIN)


def _in_progress(request: Request, db: Session) -> dict[str, Any] | None:
    """This browser's own assessment, to resume (or its result to see again), if it has one."""
    if not request.cookies.get(INTERVIEW_COOKIE):
        return None
    try:
        opened = current(request, db)
    except PageError:
        return None
    if opened.record.owner_id is not None:
        return None
    return {"answered": len(opened.session.asked), "finished": opened.record.assessment_id is not None}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: SessionDep) -> Response:
    context = {"title": "Leg pain check", "link": "", "invited": False, "resume": _in_progress(request, db)}
    return render(request, "home.html", context)


@router.get("/start", response_class=HTMLResponse)
def start_page(request: Request, db: SessionDep, link: str = "") -> Response:
    if link:
        _invitation(db, link)
    context = {"title": "Leg pain check", "link": link, "invited": bool(link), "resume": None}
    return render(request, "home.html", context)


@router.post("/start")
def start(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    token_text = form.get("link")
    invitation = _invitation(db, token_text, use=True) if isinstance(token_text, str) and token_text else None
    _, token, _ = new_interview(
        db, "patient", invitation=invitation, audit=True, compiled=get_knowledge(request)
    )
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
        opened = open_interview(db, token, compiled=get_knowledge(request))
    except ServiceError as error:
        expired = isinstance(error, Expired)
        title = "This assessment has expired" if expired else "This assessment cannot be found"
        raise PageError(
            410 if expired else 409 if isinstance(error, Conflict) else 404,
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


def question_url(question_id: str) -> str:
    """Each question's own address (the body map has its own page)."""
    return "/interview/body-map" if question_id == BODY_MAP else f"/interview/q/{question_id}"


def remaining(session: InterviewSession) -> int:
    """At most about how many more questions: the fixed ones still open (red-flag screen, the core
    questions, the body map), or what the question budget leaves plus the course measures asked
    besides it, whichever is more. Safety questions after a confident stop can add one or two,
    hence "about"."""
    if session.finished:
        return 0
    asked = set(session.asked)
    fixed = [
        q
        for q in session.catalogue.for_mode(session.mode)
        if q.id not in asked and (q.phase in ("screen", "core") or q.id == BODY_MAP)
    ]
    if session.mode != "patient":  # a clinician's check-in asks the course measures too
        fixed = [q for q in fixed if q.phase == "screen" or (session.checkin and q.field in COURSE_FIELDS)]
    # the course measures (back pain, function) are asked besides the budget
    outside = sum(1 for q in fixed if not q.budget)
    budget_left = session.config.max_questions - counted(session.catalogue, asked)
    return max(1, len(fixed), budget_left + outside)


def _following(session: InterviewSession, question_id: str) -> str:
    """Where Continue goes after changing an earlier answer: the next answered question (so the
    browser's Back and Continue walk through the answers again), or the current question."""
    asked = session.asked
    at = asked.index(question_id) if question_id in asked else len(asked)
    return question_url(asked[at + 1]) if at + 1 < len(asked) else "/interview"


def _question_page(
    request: Request,
    opened: OpenInterview,
    question_id: str | None = None,
    errors: dict[str, str] | None = None,
    kept: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> Response:
    """The current question, or (``question_id`` answered earlier) that question with its answer
    filled in, to keep or change."""
    session = opened.session
    step = opened.step()
    if question_id is None or (step.question is not None and step.question.id == question_id):
        if step.question is None:
            return _see_other("/interview/finish")
        question = step.question
        changing = False
    else:
        question = asked_view(session, question_id)
        changing = True
    earlier = None
    if kept is None:
        stored = dict(session.answers).get(question.id) if changing else _previous(request, question.id)
        kept, earlier = _prefill(question, stored)
    errors = errors or {}
    answered = session.asked.index(question.id) if changing else step.answered
    left = remaining(session)
    context = {
        "title": ("Error: " if errors else "") + question.text,
        "error_items": _error_items(errors, question.kind),
        "step": step,
        "number": answered + 1,
        "remaining": left,
        "progress": round(100 * answered / (answered + left)) if not changing else None,
        "changing": changing,
        "from_list": changing and request.query_params.get("then") == "answers",
        "earlier": earlier,
        "invited": opened.record.patient_link_id is not None,
        "question": question,
        "mode": session.mode,
        "errors": errors,
        "kept": kept or {},
        "imaging_options": IMAGING_OPTIONS,
        "picture": bodymap.BodyMapPicture(
            interactive=True,
            tools=bodymap.MARK_KINDS if question.target != "sensation" else SENSATION_KINDS,
            marks=_kept_marks(kept),
            knowledge=session.compiled,
        ),
    }
    return render(request, "question.html", context, status_code=status_code)


# ------------------------------------------------------------------ errors after a redirect
# A refused answer is shown by redirecting to the question's page with the message and the typed
# values in a short-lived cookie (POST-redirect-GET), so reload and the browser's Back never ask
# to send a form again.
FLASH_COOKIE = "nervemap_flash"
FLASH_MAX_AGE = 300


def _flash(
    request: Request,
    question_id: str,
    errors: dict[str, str],
    kept: dict[str, list[str]],
) -> Response:
    response = _see_other(question_url(question_id))
    encoded = _encode_previous(question_id, {"errors": errors, "kept": kept})
    if encoded is None:  # too much typed to carry: keep the message only
        encoded = _encode_previous(question_id, {"errors": errors, "kept": {}})
    if encoded:
        set_cookie(request, response, FLASH_COOKIE, encoded, FLASH_MAX_AGE)
    return response


def _flashed(request: Request, question_id: str) -> tuple[dict[str, str], dict[str, list[str]]] | None:
    saved = _previous(request, question_id, FLASH_COOKIE)
    if not isinstance(saved, dict):
        return None
    errors, kept = saved.get("errors"), saved.get("kept")
    if not isinstance(errors, dict) or not isinstance(kept, dict):
        return None
    return (
        {str(k): str(v) for k, v in errors.items()},
        {str(k): [str(x) for x in v] for k, v in kept.items() if isinstance(v, list)},
    )


def _with_flash(request: Request, page: Response, question_id: str) -> Response:
    """Show a flashed error once: the cookie goes with the page that shows it."""
    if request.cookies.get(FLASH_COOKIE):
        clear_cookie(request, page, FLASH_COOKIE)
    return page


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


def _previous(request: Request, question_id: str, cookie: str = PREVIOUS_COOKIE) -> Any:
    """The undone answer to ``question_id`` kept by Back (or another kept value), or None."""
    raw = request.cookies.get(cookie, "")
    try:
        saved = json.loads(base64.urlsafe_b64decode(raw.encode()).decode()) if raw else None
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(saved, dict) or saved.get("q") != question_id:
        return None
    return saved.get("v")


def _prefill(question: QuestionView, value: Any) -> tuple[dict[str, list[str]], str | None]:
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
                kept.setdefault(f"m:{side}:{mark['region']}", []).append(
                    str(mark.get("kind") or mark.get("status") or "")
                )
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
    """Shape key -> the kinds marked there (space-separated), from form values."""
    out: dict[str, str] = {}
    for name, values in (kept or {}).items():
        if name.startswith("m:"):
            _, side, region = ([*name.split(":", 2), "", ""])[:3]
            for value in values:
                bodymap.add_kind(out, bodymap.key_for(region, side if side in bodymap.SIDES else None), value)
    return out


@router.get("/interview/body-map", response_class=HTMLResponse)
def body_map_page(request: Request, db: SessionDep) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    changing = BODY_MAP in opened.session.asked
    if not changing and not _body_map_due(opened):
        return _see_other("/interview")
    session = opened.session
    question = asked_view(session, BODY_MAP)
    stored = dict(session.answers).get(BODY_MAP) if changing else _previous(request, BODY_MAP)
    kept, _ = _prefill(question, stored)
    flashed = _flashed(request, BODY_MAP)
    error = flashed[0].get("marks") if flashed else None
    page = _body_map_response(
        request, opened, question.text, question.why, error, _kept_marks(kept), changing
    )
    return _with_flash(request, page, BODY_MAP)


def _body_map_response(
    request: Request,
    opened: OpenInterview,
    text: str,
    why: str,
    error: str | None = None,
    kept: dict[str, str] | None = None,
    changing: bool = False,
) -> Response:
    session = opened.session
    answered = session.asked.index(BODY_MAP) if changing else len(session.asked)
    left = remaining(session)
    context = {
        "title": ("Error: " if error else "") + "Where do you feel it?",
        "text": text,
        "why": why,
        "error": error,
        "picture": bodymap.BodyMapPicture(interactive=True, marks=kept or {}, knowledge=session.compiled),
        "mode": session.mode,
        "answered": len(session.asked),
        "number": answered + 1,
        "remaining": left,
        "changing": changing,
        "from_list": changing and request.query_params.get("then") == "answers",
        "invited": opened.record.patient_link_id is not None,
        "progress": round(100 * answered / (answered + left)) if not changing else None,
    }
    return render(request, "body_map.html", context, status_code=422 if error else 200)


@router.post("/interview/body-map")
def body_map_answer(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    changing = BODY_MAP in opened.session.asked
    if not changing and not _body_map_due(opened):
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
            message = "Please mark at least one place on the drawing, or choose \u201cI don't know\u201d."
            return _flash(request, BODY_MAP, {"marks": message}, {})
    return _keep(request, db, opened, BODY_MAP, value, changing, form)


def _keep(
    request: Request,
    db: Session,
    opened: OpenInterview,
    question_id: str,
    value: Any,
    changing: bool,
    form: Any = None,
) -> Response:
    """Record a new answer or change an earlier one, then go on (POST-redirect-GET): after a
    change, back to the list of answers when it came from there, else to the next answer."""
    if changing:
        change_answer(db, opened, question_id, value, actor=f"interview:{opened.record.id}")
        from_list = form is not None and form.get("then") == "answers"
        target = "/interview/answers" if from_list else _following(opened.session, question_id)
    else:
        record_answer(db, opened, question_id, value)
        target = "/interview"
    db.commit()
    response = _see_other(target)
    clear_cookie(request, response, PREVIOUS_COOKIE)
    return response


@router.get("/interview", response_class=HTMLResponse)
def interview_page(request: Request, db: SessionDep) -> Response:
    """Where the interview stands: the next question's own page, the body map, or the result."""
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    step = opened.step()
    if _body_map_due(opened) or (step.question is not None and step.question.id == BODY_MAP):
        return _see_other("/interview/body-map")
    if step.question is None:
        return _see_other("/interview/finish")
    return _see_other(question_url(step.question.id))


@router.get("/interview/q/{question_id}", response_class=HTMLResponse)
def question_page(request: Request, db: SessionDep, question_id: str) -> Response:
    """One question's own page: the current one, or one answered earlier (filled in, to change)."""
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    if question_id == BODY_MAP:
        return _see_other("/interview/body-map")
    step = opened.step()
    current_id = step.question.id if step.question is not None else None
    if question_id != current_id and question_id not in opened.session.asked:
        return _see_other("/interview")
    if current_id == question_id and _body_map_due(opened):
        return _see_other("/interview/body-map")
    flashed = _flashed(request, question_id)
    if flashed:
        page = _question_page(request, opened, question_id, flashed[0], flashed[1], 422)
    else:
        page = _question_page(request, opened, question_id)
    return _with_flash(request, page, question_id)


@router.post("/interview/answer")
def answer(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    opened = current(request, db)
    if opened.record.assessment_id is not None:
        return _see_other(_done_url(opened))
    question_id = form.get("question")
    step = opened.step()
    is_current = (
        isinstance(question_id, str) and step.question is not None and step.question.id == question_id
    )
    changing = (
        isinstance(question_id, str) and question_id != BODY_MAP and question_id in opened.session.asked
    )
    if not isinstance(question_id, str) or not (is_current or changing):
        # An old page posted again (a question no longer open): show where the interview stands.
        return _see_other("/interview")
    session = opened.session
    question = step.question if is_current and step.question is not None else asked_view(session, question_id)
    try:
        value = answer_from_form(question, form)
    except FormProblem as problem:
        return _flash(request, question_id, {problem.field: problem.message}, _kept(form))
    try:
        return _keep(request, db, opened, question_id, value, changing, form)
    except ServiceError as error:
        db.rollback()
        message = error.errors[0][1] if error.errors else error.detail
        return _flash(request, question_id, {"number": message, "choice": message}, _kept(form))


def _kept(form: Any) -> dict[str, list[str]]:
    """The posted values (to show again with the error), by field name."""
    kept: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if name not in ("csrf", "question", "choice") and isinstance(value, str):
            kept.setdefault(name, []).append(value)
    return kept


# ------------------------------------------------------------------ your answers, changing them


def answer_words(question: QuestionView, value: Any, knowledge: CompiledKnowledge | None = None) -> str:
    """A stored answer in the words the patient chose it by (body-map places named by ``knowledge``,
    the interview's knowledge base; default: the packaged one)."""
    if value == "unknown":
        return question.unknown_option
    texts = {o.id: o.text for o in question.options}
    texts.update({"yes": "Yes", "no": "No"})
    if isinstance(value, dict):
        chosen = [texts.get(str(option), str(option)) for option, status in value.items() if status == "yes"]
        return "; ".join(chosen) if chosen else "None of these"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        unit = f" {question.unit}" if question.unit else ""
        return f"{round(value, 1):g}{unit}"
    if question.kind == Kind.BODY_MAP and isinstance(value, list):
        kept, _ = _prefill(question, value)
        picture = bodymap.BodyMapPicture(interactive=False, marks=_kept_marks(kept), knowledge=knowledge)
        return "; ".join(f"{where} ({kind})" for where, kind in picture.marked_labels()) or "Nothing marked"
    if isinstance(value, list):
        return "; ".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item) for item in value
        )
    return texts.get(str(value), str(value))


def answer_rows(session: InterviewSession) -> list[dict[str, str]]:
    """Each answer so far: the question, the answer in words, and where to change it."""
    rows = []
    for question_id, value in session.answers:
        question = asked_view(session, question_id, why=False)
        text = "Where you feel it" if question_id == BODY_MAP else question.text
        rows.append(
            {"id": question_id, "question": text, "answer": answer_words(question, value, session.compiled)}
        )
    return rows


@router.get("/interview/answers", response_class=HTMLResponse)
def answers_page(request: Request, db: SessionDep) -> Response:
    """Every answer so far, each with a way to change it (during the interview or after the
    result). An emergency result offers no changes: the patient must get help now."""
    opened = current(request, db)
    assessment_id = opened.record.assessment_id
    finished = assessment_id is not None
    record = stored_assessment(db, assessment_id) if assessment_id is not None else None
    if record is not None and is_emergency(record):
        return _see_other(_done_url(opened))
    context = {
        "title": "Your answers",
        "rows": answer_rows(opened.session),
        "finished": finished,
        "invited": opened.record.patient_link_id is not None,
    }
    return render(request, "answers.html", context)


@router.post("/interview/reopen")
def reopen(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    """Change an answer after the result: the answers are copied into a new interview (the stored
    result stays as it was, for the record) and the chosen question opens to be changed."""
    opened = current(request, db)
    question_id = form.get("question")
    if opened.record.assessment_id is None:
        target = question_url(question_id) if isinstance(question_id, str) else "/interview/answers"
        return _see_other(target if question_id in opened.session.asked else "/interview/answers")
    record = stored_assessment(db, opened.record.assessment_id)
    if record is None or is_emergency(record) or question_id not in opened.session.asked:
        return _see_other(_done_url(opened))
    invitation = accounts.invitation_of(db, opened.record.patient_link_id)
    _, token = copy_interview(db, opened, invitation)
    db.commit()
    assert isinstance(question_id, str)
    response = _see_other(question_url(question_id) + "?then=answers")
    set_cookie(request, response, INTERVIEW_COOKIE, token, INTERVIEW_MAX_AGE)
    return response


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
    response = _see_other(question_url(last))
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
        if opened.step().question is not None:
            return _see_other("/interview")
        actor = (
            f"user:{opened.record.owner_id}" if opened.record.owner_id else f"interview:{opened.record.id}"
        )
        record = finish_interview(db, opened, actor)
        db.commit()
        checked_in = episodes.attach_finished(request, db, opened, record.id)
        if checked_in is not None:  # a follow-up check-in: how you are doing, or the episode
            return _see_other(checked_in)
    return _see_other(_done_url(opened))


# ------------------------------------------------------------------ result and consultation


def _finished(request: Request, db: Session) -> tuple[OpenInterview, AssessmentRecord]:
    opened = current(request, db)
    record = stored_assessment(db, opened.record.assessment_id) if opened.record.assessment_id else None
    if record is None:
        raise PageError(
            409,
            "Not finished yet",
            "Please answer the remaining questions first.",
            ("Continue the assessment", "/interview"),
        )
    return opened, record


def result_context(
    record: AssessmentRecord,
    answers: list[tuple[str, Any]] | None = None,
    number: str = "999",
    knowledge: CompiledKnowledge | None = None,
) -> dict[str, Any]:
    """The result page's context, worded with ``knowledge`` (the app's compiled knowledge)."""
    assessment = for_patient(record)  # once, without the evidence no patient page shows
    summary = summarise(assessment, knowledge)
    place = summary.place
    level = assessment.triage.level.value
    pain_map = record.input.get("pain_map")
    return {
        "assessment": assessment,
        "record": record,
        "view": patient_view(assessment, record.created_at, knowledge),
        "summary": summary,
        "level": level,
        "urgency_title": present.URGENCY_TITLE.get(level, level),
        "place": place,
        "sciatica": bool(place and present.is_sciatica(place)),
        "plan_steps": present.patient_plan(assessment, severity_measured(assessment), knowledge),
        "severity": severity_words(assessment),
        "open_warnings": present.open_warnings(answers or [], assessment, number, knowledge),
        # the shaded territory is the likely source's, and only when that source is shown
        "picture": bodymap.picture(assessment if place else None, pain_map, "Where you feel it", knowledge),
        "red_flag_stop": level in ("emergency", "urgent") and bool(assessment.triage.red_flags),
    }


def is_emergency(record: AssessmentRecord) -> bool:
    return str(record.triage_level) == TriageLevel.EMERGENCY.value


def emergency_context(record: AssessmentRecord, knowledge: CompiledKnowledge | None = None) -> dict[str, Any]:
    """Only what to do now: where to go, the number to call, what to tell them."""
    assessment = for_patient(record)  # once, without the evidence no patient page shows
    return {
        "title": "Emergency: get help now",
        "assessment": assessment,
        "triggers": present.emergency_triggers(assessment, knowledge),
        "suspicions": present.emergency_suspicions(assessment, knowledge),
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
    knowledge = get_knowledge(request)
    if is_emergency(record):
        return render(request, "emergency.html", emergency_context(record, knowledge))
    requested = consultations.for_assessment(db, record.id)
    targets = {"name": "name", "contact": "contact", "consent": "consent"}
    context = {
        **result_context(record, opened.session.answers, emergency_number(request), knowledge),
        "title": ("Error: " if form.errors else "") + "Your result",
        "form_errors": [(targets.get(field), message) for field, message in form.errors.items()],
        "form": form,
        "requested": bool(requested),
    }
    return render(request, "result.html", context, status_code=status_code)


CONSULTATION = "consultation"  # the flash cookie's name for a refused consultation request


def _flashed_form(request: Request) -> ConsultationForm | None:
    """A refused consultation request shown once after its redirect (POST-redirect-GET)."""
    saved = _previous(request, CONSULTATION, FLASH_COOKIE)
    if not isinstance(saved, dict) or not isinstance(saved.get("errors"), dict):
        return None
    return ConsultationForm(
        name=str(saved.get("name", ""))[:200],
        contact=str(saved.get("contact", ""))[:254],
        consent=saved.get("consent") is True,
        key=str(saved.get("key", "")) or secrets.token_urlsafe(24),
        errors={str(k): str(v) for k, v in saved["errors"].items()},
    )


@router.get("/interview/result", response_class=HTMLResponse)
def result(request: Request, db: SessionDep) -> Response:
    opened, record = _finished(request, db)
    if opened.record.owner_id is not None:
        return _see_other(_done_url(opened))
    refused = _flashed_form(request)
    if refused is not None and not is_emergency(record):
        page = _result(request, db, opened, record, refused, status_code=422)
        return _with_flash(request, page, CONSULTATION)
    if episodes.attached_view(request, db, opened.record.id, record.id) is not None:
        return _see_other("/checkin/result")
    return _result(request, db, opened, record, ConsultationForm(key=secrets.token_urlsafe(24)))


def _summary_html(request: Request, db: Session, printable: bool) -> str | None:
    """The take-away summary of this browser's finished assessment; None for an emergency (that
    page says only what to do now) or a clinician's interview."""
    opened, record = _finished(request, db)
    if opened.record.owner_id is not None or is_emergency(record):
        return None
    number = emergency_number(request)
    context = {
        **result_context(record, opened.session.answers, number, get_knowledge(request)),
        "rows": answer_rows(opened.session),
        "emergency_number": number,
    }
    return summary.summary_html(context, printable)


@router.get("/interview/summary", response_class=HTMLResponse)
def summary_page(request: Request, db: SessionDep) -> Response:
    """A one-page summary to print or save: the pain map, the answers, the result, the advice."""
    html = _summary_html(request, db, printable=True)
    if html is None:
        return _see_other("/interview/result")
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/interview/summary.pdf")
async def summary_pdf(request: Request, db: SessionDep) -> Response:
    html = _summary_html(request, db, printable=False)
    if html is None:
        return _see_other("/interview/result")
    document = await run_in_threadpool(summary.pdf_bytes, html)
    return Response(
        document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="leg-pain-check-summary.pdf"',
            "Cache-Control": "no-store",
        },
    )


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
        # shown after a redirect, so that reload and Back never resend the form; what was typed
        # rides along in a short-lived cookie of this browser only
        response = _see_other("/interview/result")
        kept = {
            "errors": values.errors,
            "name": values.name,
            "contact": values.contact,
            "consent": values.consent,
            "key": values.key,
        }
        encoded = _encode_previous(CONSULTATION, kept) or _encode_previous(
            CONSULTATION, {"errors": values.errors, "key": values.key}
        )
        if encoded:
            set_cookie(request, response, FLASH_COOKIE, encoded, FLASH_MAX_AGE)
        return response
    consultations.request_consultation(
        db,
        NewRequest(record.id, values.key, values.name, values.contact, values.consent),
        record,
        actor=f"interview:{opened.record.id}",
    )
    return _see_other("/interview/result#consultation")
