"""Pages and forms with TestClient: the patient flow, kept values and errors, CSRF, idempotent
consultation requests, clear pages for bad links, and the clinician workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nervemap.store.interviews import InvitationRepository
from nervemap.store.models import ConsultationRequest, InterviewRecord, User
from nervemap.store.types import utcnow
from tests.web.conftest import csrf_of, sign_in

L5_MARKS = {
    "m:left:buttock": "pain",
    "m:left:thigh_posterior": "pain",
    "m:left:leg_lateral": "pain",
    "m:left:foot_dorsum": "tingling",
}


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _start(client: TestClient) -> str:
    """Start an interview: the red-flag screen comes first, before the body map."""
    home = client.get("/")
    assert home.status_code == 200 and "Leg pain check" in home.text
    token = csrf_of(home.text)
    page = client.post("/start", data={"csrf": token})
    assert page.url.path == "/interview/q/red_flags_nerves" and 'value="red_flags_nerves"' in page.text
    assert "Why we ask" in page.text
    return token


def _screen_clear(client: TestClient, token: str) -> str:
    """Answer the red-flag screen with none of the problems; the body map comes next."""
    for question in ("red_flags_nerves", "red_flags_general"):
        page = client.post(
            "/interview/answer", data={"csrf": token, "question": question, "choice": "options"}
        )
    assert page.url.path == "/interview/body-map", page.url
    assert 'id="left-foot_dorsum"' in page.text and 'id="right-foot_dorsum"' in page.text
    return page.text


def _emergency_result(client: TestClient) -> tuple[str, str]:
    token = _start(client)
    data = {
        "csrf": token,
        "question": "red_flags_nerves",
        "choice": "options",
        "option": ["bladder_change", "saddle"],
    }
    result = client.post("/interview/answer", data=data)
    assert result.url.path == "/interview/result"
    return token, result.text


def _routine_result(client: TestClient) -> tuple[str, str]:
    """No red flag, the L5 marks, then "I don't know" to everything: a result with the form."""
    token = _start(client)
    _screen_clear(client, token)
    page = client.post("/interview/body-map", data={"csrf": token, "choice": "marks", **L5_MARKS})
    for _ in range(40):
        if page.url.path == "/interview/result":
            break
        question = page.text.split('name="question" value="')[1].split('"')[0]
        page = client.post(
            "/interview/answer", data={"csrf": token, "question": question, "choice": "unknown"}
        )
    assert page.url.path == "/interview/result"
    assert 'data-urgency="emergency"' not in page.text
    return token, page.text


def test_a_red_flag_shows_emergency_advice_at_once(client: TestClient) -> None:
    _, html = _emergency_result(client)
    assert 'data-urgency="emergency"' in html
    assert "Go to the emergency department now" in html
    assert "We stopped the questions early" in html
    assert 'href="tel:999"' in html and "Call 999" in html


def test_the_emergency_page_says_only_what_to_do_now(client: TestClient) -> None:
    _, html = _emergency_result(client)
    main = html.split('<main id="main"')[1].split("</main>")[0]
    # what to tell them: the answers that triggered it, in the patient's own words, and the suspicion
    assert "What to tell them" in main
    assert "Hard to start passing urine" in main and "Numb between the legs" in main
    assert "cauda equina syndrome" in main
    # nothing that competes with "go now": no causes, reassurance, self-care, plan or form
    for absent in (
        "Possible causes",
        "Where it most likely comes from",
        "settles",
        "What usually helps",
        "Request a consultation",
        "<form",
        "bodymap-svg",
        "a doctor needs to examine you today",
    ):
        assert absent not in main, absent


def test_the_emergency_number_is_configured(app: FastAPI, client: TestClient) -> None:
    app.state.settings = app.state.settings.model_copy(update={"emergency_number": "112"})
    _, html = _emergency_result(client)
    assert 'href="tel:112"' in html and "Call 112" in html and "call 112" in html
    assert "999" not in html


def test_an_emergency_page_refuses_a_consultation_request(client: TestClient, session: Session) -> None:
    token, _ = _emergency_result(client)
    data = {
        "csrf": token,
        "idempotency_key": "k" * 24,
        "name": "A",
        "contact": "a@example.org",
        "consent": "yes",
    }
    response = client.post("/interview/consultation", data=data)
    assert response.url.path == "/interview/result" and "Request a consultation" not in response.text
    assert _count(session, ConsultationRequest) == 0


def test_the_queue_names_the_suspected_emergency(client: TestClient, clinician: User) -> None:
    _emergency_result(client)
    client.cookies.clear()
    sign_in(client)
    queue = client.get("/clinic")
    assert "Suspected cauda equina syndrome" in queue.text
    assert "Non-specific low back pain" not in queue.text


def test_an_empty_body_map_is_refused_with_a_message(client: TestClient, session: Session) -> None:
    token = _start(client)
    _screen_clear(client, token)
    page = client.post("/interview/body-map", data={"csrf": token, "choice": "marks"})
    assert page.status_code == 422 and "Please mark at least one place" in page.text
    record = session.scalars(select(InterviewRecord)).one()
    assert [a["question"] for a in record.state["answers"]] == ["red_flags_nerves", "red_flags_general"]


def test_back_from_the_body_map_returns_to_the_screen(client: TestClient) -> None:
    token = _start(client)
    _screen_clear(client, token)
    page = client.post("/interview/back", data={"csrf": token})
    assert page.url.path == "/interview/q/red_flags_general" and 'value="red_flags_general"' in page.text
    assert client.get("/interview/body-map").url.path == "/interview/q/red_flags_general"


def _answer(client: TestClient, token: str, question: str, **data: str) -> Response:
    return client.post("/interview/answer", data={"csrf": token, "question": question, **data})


def test_after_the_body_map_duration_sex_and_pain_are_asked(client: TestClient, session: Session) -> None:
    token = _start(client)
    _screen_clear(client, token)
    page = client.post("/interview/body-map", data={"csrf": token, "choice": "unknown"})
    assert 'value="sex"' in page.text
    page = _answer(client, token, "sex", choice="female")
    assert 'value="duration"' in page.text and "days, weeks or months" in page.text
    assert 'inputmode="text"' in page.text  # words can be typed on a phone
    page = _answer(client, token, "duration", choice="number", number="3 months")
    assert page.status_code == 200 and 'value="pain_score"' in page.text
    record = session.scalars(select(InterviewRecord)).one()
    stored = dict((a["question"], a["value"]) for a in record.state["answers"])
    assert stored["duration"] == pytest.approx(3 * 365.25 / 12 / 7)


def test_a_wrong_number_keeps_the_typed_value(client: TestClient) -> None:
    token = _start(client)
    _screen_clear(client, token)
    client.post("/interview/body-map", data={"csrf": token, "choice": "unknown"})
    _answer(client, token, "sex", choice="unknown")
    response = _answer(client, token, "duration", choice="number", number="3 parsecs")
    assert response.status_code == 422
    assert 'value="3 parsecs"' in response.text and "Please enter a number from 0 to 5200" in response.text
    assert "\u201c3 months\u201d" in response.text
    assert 'aria-invalid="true"' in response.text


def test_the_result_lists_unanswered_warning_signs(client: TestClient) -> None:
    token = _start(client)
    _answer(client, token, "red_flags_nerves", choice="unknown")
    _answer(client, token, "red_flags_general", choice="options")
    page = client.post("/interview/body-map", data={"csrf": token, "choice": "marks", **L5_MARKS})
    for _ in range(40):
        if page.url.path == "/interview/result":
            break
        question = page.text.split('name="question" value="')[1].split('"')[0]
        page = _answer(client, token, question, choice="unknown")
    assert page.url.path == "/interview/result"
    warnings = page.text.split('data-testid="open-warnings"')[1].split("</section>")[0]
    assert "Warning signs you did not answer" in warnings
    assert "go to an emergency department or call 999" in warnings
    assert "Numb between the legs" in warnings
    # no pain score, weakness or function measure: severity is not assessed, never "mild"
    severity = page.text.split('data-testid="severity">')[1].split("</p>")[0]
    assert "not assessed" in severity and "mild" not in page.text


def test_forms_without_the_csrf_token_are_refused(client: TestClient, session: Session) -> None:
    client.get("/")
    response = client.post("/start", data={})
    assert response.status_code == 403 and "text/html" in response.headers["content-type"]
    assert "security code" in response.text
    assert client.post("/start", data={"csrf": "forged"}).status_code == 403
    assert _count(session, InterviewRecord) == 0


def test_consultation_form_errors_keep_values_and_double_submit_stores_once(
    client: TestClient, session: Session
) -> None:
    token, html = _routine_result(client)
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    bad = client.post(
        "/interview/consultation",
        data={"csrf": token, "idempotency_key": key, "name": "Ada Patient", "contact": "not contact"},
    )
    assert bad.status_code == 422
    assert 'value="Ada Patient"' in bad.text and 'value="not contact"' in bad.text
    assert "does not look like a phone number" in bad.text and "Please tick the box" in bad.text
    assert _count(session, ConsultationRequest) == 0
    good = {
        "csrf": token,
        "idempotency_key": key,
        "name": "Ada Patient",
        "contact": "ada@example.org",
        "consent": "yes",
    }
    first = client.post("/interview/consultation", data=good)
    second = client.post("/interview/consultation", data=good)
    assert first.status_code == second.status_code == 200
    assert 'data-testid="request-sent"' in second.text
    assert _count(session, ConsultationRequest) == 1


def test_tampered_and_expired_links_show_a_clear_page(
    client: TestClient, session: Session, clinician: User
) -> None:
    tampered = client.get("/start?link=" + "x" * 43)
    assert tampered.status_code == 404 and "This link does not work" in tampered.text
    assert "Traceback" not in tampered.text
    _link, token = InvitationRepository(session).issue(
        created_by=clinician.id, expires_at=utcnow() - timedelta(hours=1)
    )
    session.commit()
    expired = client.get(f"/start?link={token}")
    assert expired.status_code == 410 and "This link has expired" in expired.text
    nothing = client.get("/interview")
    assert nothing.status_code == 404 and "No assessment in progress" in nothing.text


def test_an_invitation_starts_an_interview(client: TestClient, session: Session, clinician: User) -> None:
    _, token = InvitationRepository(session).issue(
        created_by=clinician.id, expires_at=utcnow() + timedelta(hours=1)
    )
    session.commit()
    page = client.get(f"/start?link={token}")
    assert page.status_code == 200 and "Your clinic sent you this link" in page.text
    started = client.post("/start", data={"csrf": csrf_of(page.text), "link": token})
    assert started.url.path == "/interview/q/red_flags_nerves"
    record = session.scalars(select(InterviewRecord)).one()
    assert record.patient_link_id is not None


def test_clinic_pages_need_sign_in(client: TestClient) -> None:
    response = client.get("/clinic", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(
        "/clinic/login?next=/clinic"
    )


def test_wrong_password_keeps_the_email(client: TestClient, clinician: User) -> None:
    page = client.get("/clinic/login")
    response = client.post(
        "/clinic/login", data={"csrf": csrf_of(page.text), "email": clinician.email, "password": "wrong"}
    )
    assert response.status_code == 401 and f'value="{clinician.email}"' in response.text
    assert "Wrong email or password" in response.text


def test_the_session_cookie_is_httponly_and_lax(client: TestClient, clinician: User) -> None:
    page = client.get("/clinic/login")
    response = client.post(
        "/clinic/login",
        data={
            "csrf": csrf_of(page.text),
            "email": clinician.email,
            "password": "correct horse battery staple",
        },
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "nervemap_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; Secure over https


def test_the_clinician_reviews_a_requested_assessment(client: TestClient, clinician: User) -> None:
    token, html = _routine_result(client)
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(
        "/interview/consultation",
        data={
            "csrf": token,
            "idempotency_key": key,
            "name": "Ada Patient",
            "contact": "0123 456 789",
            "consent": "yes",
        },
    )
    sign_in(client)
    queue = client.get("/clinic")
    assert "Consultation requests (1)" in queue.text and "Ada Patient" in queue.text
    link = queue.text.split('<a href="/clinic/assessments/')[1].split('"')[0]
    page = client.get(f"/clinic/assessments/{link}")
    assert "Evidence for and against" in page.text and "Triage:" in page.text
    reviewed = client.post(
        f"/clinic/assessments/{link}/review", data={"csrf": csrf_of(page.text), "comment": "Physio"}
    )
    assert 'data-testid="status">reviewed' in reviewed.text and "Physio" in reviewed.text
    report = client.get(f"/clinic/assessments/{link}/report")
    assert report.status_code == 200 and "Clinical summary" in report.text and "<svg" in report.text
    # the content security policy allows only the server's own styles and scripts
    assert "<style" not in report.text and "onclick" not in report.text and " style=" not in report.text
    assert "<th>Severity</th><td>not assessed:" in report.text  # no pain score, weakness or function
    assert '<link rel="stylesheet" href="/static/report.css">' in report.text
    assert '<script src="/static/report.js" defer></script>' in report.text
    assert client.get("/static/report.js").status_code == 200
    pdf = client.get(f"/clinic/assessments/{link}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    missing = client.get("/clinic/assessments/not-an-id")
    assert missing.status_code == 404 and "No such assessment" in missing.text


def test_a_pasted_note_is_assessed(client: TestClient, clinician: User) -> None:
    sign_in(client)
    page = client.get("/clinic/note")
    empty = client.post(
        "/clinic/note", data={"csrf": csrf_of(page.text), "text": "", "setting": "primary-care"}
    )
    assert empty.status_code == 422 and "Paste the clinical note" in empty.text
    note = (
        "45 year old man with 3 weeks of left leg pain radiating to the dorsum of the foot. "
        "Weak left great toe extension 4/5. No bladder or bowel symptoms."
    )
    done = client.post(
        "/clinic/note", data={"csrf": csrf_of(page.text), "text": note, "setting": "primary-care"}
    )
    assert done.status_code == 200 and done.url.path.startswith("/clinic/assessments/")
    assert "The note as pasted" in done.text


def test_imaging_that_disagrees_with_the_clinical_level_is_a_visible_warning(
    client: TestClient, clinician: User
) -> None:
    sign_in(client)
    page = client.get("/clinic/note")
    note = (
        "40 year old man with 4 weeks of right buttock and calf pain radiating to the lateral border "
        "of the right foot, with numbness of the lateral border of the right foot. Right ankle jerk "
        "absent, left ankle jerk normal. Weak right plantarflexion 4/5. MRI shows a right paracentral "
        "L3-4 disc herniation. No bladder or bowel symptoms."
    )
    done = client.post(
        "/clinic/note", data={"csrf": csrf_of(page.text), "text": note, "setting": "primary-care"}
    )
    assert done.status_code == 200
    assert 'data-testid="imaging-concordance"' in done.text
    assert "Imaging discordant" in done.text and "NICE NG59" in done.text
    report = client.get(done.url.path + "/report")
    assert "discordant" in report.text


def test_the_patient_result_reads_at_grade_8_or_below(client: TestClient) -> None:
    from tests.web.readability import MAX_GRADE, grade, visible_text

    _, html = _routine_result(client)
    main = html.split('<main id="main"')[1].split("</main>")[0]
    # every section this page words, the triage banner (the engine's and triage.yaml's advice) included
    sections = main.split("<section")[1:]
    grades = {
        visible_text("<section" + s)[:60]: round(grade(visible_text("<section" + s)), 1) for s in sections
    }
    assert grades and all(g <= MAX_GRADE for g in grades.values()), grades
    plan = main.split('data-testid="plan"')[1].split("</ul>")[0]
    assert 1 <= plan.count("<li>") <= 5
    assert "STarT Back" not in main and "orthosis" not in main and "Offer" not in main


def test_the_emergency_page_reads_at_grade_8_or_below(client: TestClient) -> None:
    from tests.web.readability import MAX_GRADE, grade, visible_text

    _, html = _emergency_result(client)
    main = visible_text(html.split('<main id="main" tabindex="-1">')[1].split("</main>")[0])
    assert grade(main) <= MAX_GRADE, (round(grade(main), 1), main)


def test_form_errors_are_summarised_at_the_top_with_links(client: TestClient) -> None:
    token, html = _routine_result(client)
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    bad = client.post("/interview/consultation", data={"csrf": token, "idempotency_key": key, "contact": "x"})
    assert bad.status_code == 422
    main = bad.text.split('<main id="main" tabindex="-1">')[1]
    assert main.lstrip().startswith('<div class="error-summary"'), main[:200]
    summary = main.split("</div>")[0]
    assert "There is a problem" in summary and "data-error-summary" in summary and 'tabindex="-1"' in summary
    for field in ("name", "contact", "consent"):
        assert f'<a href="#{field}">' in summary and f'id="{field}"' in bad.text
    assert "<title>Error: " in bad.text and '<script src="/static/errors.js" defer>' in bad.text


def test_a_number_error_is_summarised_once(client: TestClient) -> None:
    token = _start(client)
    _screen_clear(client, token)
    client.post("/interview/body-map", data={"csrf": token, "choice": "unknown"})
    _answer(client, token, "sex", choice="unknown")
    page = _answer(client, token, "duration", choice="number", number="soon")
    summary = page.text.split("data-error-summary")[1].split("</div>")[0]
    assert summary.count("<li>") == 1 and '<a href="#number">' in summary


def test_the_assessment_page_starts_with_the_facts_review_and_next_in_queue(
    client: TestClient, clinician: User
) -> None:
    _emergency_result(client)
    client.cookies.clear()
    token = _start(client)
    _screen_clear(client, token)
    client.post("/interview/body-map", data={"csrf": token, "choice": "marks", **L5_MARKS})
    _answer(client, token, "sex", choice="male")
    _answer(client, token, "duration", choice="number", number="3 months")
    page = _answer(client, token, "pain_score", choice="number", number="6")
    for _ in range(40):
        if page.url.path == "/interview/result":
            break
        question = page.text.split('name="question" value="')[1].split('"')[0]
        page = _answer(client, token, question, choice="unknown")
    client.cookies.clear()
    sign_in(client)
    queue = client.get("/clinic")
    ids = [part.split('"')[0] for part in queue.text.split('<a href="/clinic/assessments/')[1:]]
    assert len(ids) == 2
    first = client.get(f"/clinic/assessments/{ids[0]}")  # most urgent first: the emergency
    main = first.text.split('<main id="main" tabindex="-1">')[1]
    header = main.split('data-testid="case-header"')[1].split("</dl>")[0]
    assert "positive: Cauda equina" in header and "not examined" in header
    # the review box and the way on come before the clinical detail
    assert main.index("Mark reviewed") < main.index("Triage:")
    assert f'href="/clinic/assessments/{ids[1]}" data-testid="next"' in main
    second = client.get(f"/clinic/assessments/{ids[1]}")
    header = second.text.split('data-testid="case-header"')[1].split("</dl>")[0]
    assert "male" in header and "3 months" in header and "left" in header
    assert "negative (cauda equina screen answered)" in header


def test_back_brings_the_earlier_answer_back_filled_in(client: TestClient, session: Session) -> None:
    token = _start(client)
    _answer(client, token, "red_flags_nerves", choice="options")
    _answer(client, token, "red_flags_general", choice="options", option="cancer")
    client.post("/interview/body-map", data={"csrf": token, "choice": "marks", **L5_MARKS})
    _answer(client, token, "sex", choice="female")
    page = _answer(client, token, "duration", choice="number", number="3 months")
    assert 'value="pain_score"' in page.text
    # a number comes back in the question's unit
    page = client.post("/interview/back", data={"csrf": token})
    assert 'value="duration"' in page.text and 'id="number" name="number"' in page.text
    assert 'value="13"' in page.text
    # a one-answer question says what was chosen
    page = client.post("/interview/back", data={"csrf": token})
    assert 'value="sex"' in page.text and "Your earlier answer: Female." in page.text
    # the body map comes back with its marks
    page = client.post("/interview/back", data={"csrf": token})
    assert page.url.path == "/interview/body-map"
    assert "Marked: Left buttock (pain)" in page.text
    # the red-flag screen comes back ticked: Continue does not turn a warning sign into "absent"
    page = client.post("/interview/back", data={"csrf": token})
    assert 'value="red_flags_general"' in page.text
    assert 'value="cancer" checked' in page.text
    # answering again clears what Back kept
    page = _answer(client, token, "red_flags_general", choice="options", option="cancer")
    assert "nervemap_previous" not in client.cookies or not client.cookies.get("nervemap_previous")
    record = session.scalars(select(InterviewRecord)).one()
    stored = dict((a["question"], a["value"]) for a in record.state["answers"])
    assert stored["red_flags_general"]["cancer"] == "yes"


def test_start_again_begins_a_new_interview(client: TestClient, session: Session, clinician: User) -> None:
    token = _start(client)
    first = client.get("/interview")
    assert 'data-testid="start-again"' not in first.text  # nothing answered yet: nothing to restart
    page = _screen_clear(client, token)
    assert 'data-testid="start-again"' in page and 'action="/start"' in page
    again = client.post("/start", data={"csrf": token})
    assert again.url.path == "/interview/q/red_flags_nerves" and 'value="red_flags_nerves"' in again.text
    assert _count(session, InterviewRecord) == 2
    # an invited patient keeps the clinic's link: no "Start again" that would drop it
    _, link = InvitationRepository(session).issue(
        created_by=clinician.id, expires_at=utcnow() + timedelta(hours=1)
    )
    session.commit()
    invited = client.post("/start", data={"csrf": token, "link": link})
    page = client.post(
        "/interview/answer", data={"csrf": token, "question": "red_flags_nerves", "choice": "options"}
    )
    assert 'value="red_flags_general"' in page.text and invited.status_code == 200
    assert 'data-testid="start-again"' not in page.text and "&larr; Back" in page.text


def test_sign_in_renews_the_csrf_cookie(client: TestClient, clinician: User) -> None:
    client.get("/clinic/login")
    planted = client.cookies.get("nervemap_csrf")
    assert planted
    old_token = csrf_of(client.get("/clinic/login").text)
    sign_in(client)
    renewed = client.cookies.get("nervemap_csrf")
    assert renewed and renewed != planted
    # the form token issued for the old value is refused after sign-in; the new page's token works
    refused = client.post("/clinic/logout", data={"csrf": old_token}, follow_redirects=False)
    assert refused.status_code == 403
    fresh = csrf_of(client.get("/clinic/note").text)
    assert fresh != old_token
    assert client.post("/clinic/logout", data={"csrf": fresh}, follow_redirects=False).status_code == 303
