"""Follow-up pages (issue 19): a clinician starts an episode from an assessment and sees it in the
queue (due, then done), the course with its timeline, table and side-by-side maps; a patient checks
in from a link with the ordinary interview and reads how they are doing; a link reaches only its
own episode, and a clinician's check-in note or schedule change is checked like any form."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.store.models import AssessmentRecord, AuditEvent, Episode, User
from nervemap.store.types import utcnow
from tests.web.conftest import csrf_of, sign_in
from tests.web.readability import MAX_GRADE, grade, visible_text

NOTE = (
    "45 year old man with 3 weeks of left leg pain radiating to the dorsum of the foot. "
    "Leg pain 7/10. Weak left great toe extension 4/5. No bladder or bowel symptoms."
)
L5_MARKS = {
    "m:left:buttock": "pain",
    "m:left:thigh_posterior": "pain",
    "m:left:leg_lateral": "pain",
}


def _assessment(client: TestClient, session: Session, days_ago: float = 0) -> str:
    """A clinician's note assessed; ``days_ago`` moves its time back (the episode started then)."""
    page = client.get("/clinic/note")
    done = client.post(
        "/clinic/note", data={"csrf": csrf_of(page.text), "text": NOTE, "setting": "primary-care"}
    )
    assessment_id = done.url.path.rsplit("/", 1)[1]
    if days_ago:
        record = session.get(AssessmentRecord, uuid.UUID(assessment_id))
        assert record is not None
        record.created_at = utcnow() - timedelta(days=days_ago)
        session.commit()
    return assessment_id


def _episode(client: TestClient, session: Session, days_ago: float = 0) -> str:
    assessment_id = _assessment(client, session, days_ago)
    page = client.get(f"/clinic/assessments/{assessment_id}")
    assert "Follow up over time" in page.text
    episode = client.post(f"/clinic/assessments/{assessment_id}/episode", data={"csrf": csrf_of(page.text)})
    assert episode.status_code == 200 and episode.url.path.startswith("/clinic/episodes/"), episode.text[:300]
    return episode.url.path.rsplit("/", 1)[1]


def _link(client: TestClient, episode_id: str) -> str:
    page = client.get(f"/clinic/episodes/{episode_id}")
    issued = client.post(f"/clinic/episodes/{episode_id}/links", data={"csrf": csrf_of(page.text)})
    assert issued.status_code == 200
    match = re.search(r'value="([^"]*/checkin\?link=([^"]+))"', issued.text)
    assert match, "no check-in link on the page"
    return match.group(2)


def _patient_checkin(
    patient: TestClient,
    link: str,
    marks: dict[str, str] | None = None,
    numbers: dict[str, str] | None = None,
) -> Any:
    """The ordinary interview from a check-in link: screen clear, three marks, the leg pain 3 (or
    ``numbers`` by question), "I don't know" to the rest; returns the last page (the check-in's
    result)."""
    start = patient.get(f"/checkin?link={link}")
    assert start.status_code == 200 and "Check-in" in start.text
    token = csrf_of(start.text)
    page = patient.post("/checkin/start", data={"csrf": token, "link": link})
    assert page.url.path.startswith("/interview")
    return _answer_all(patient, token, marks or L5_MARKS, numbers)


def _answer_all(
    patient: TestClient, token: str, marks: dict[str, str], numbers: dict[str, str] | None = None
) -> Any:
    numbers = numbers or {"pain_score": "3"}
    for question in ("red_flags_nerves", "red_flags_general"):
        page = patient.post(
            "/interview/answer", data={"csrf": token, "question": question, "choice": "options"}
        )
    page = patient.post("/interview/body-map", data={"csrf": token, "choice": "marks", **marks})
    for _ in range(40):
        if page.url.path.startswith("/checkin/") or page.url.path == "/interview/result":
            break
        question = page.text.split('name="question" value="')[1].split('"')[0]
        choice = "number" if question in numbers else "unknown"
        page = patient.post(
            "/interview/answer",
            data={"csrf": token, "question": question, "choice": choice, "number": numbers.get(question, "")},
        )
    return page


def test_an_episode_from_an_assessment_shows_its_course_schedule_and_map(
    client: TestClient, clinician: User, session: Session
) -> None:
    sign_in(client)
    episode_id = _episode(client, session)
    page = client.get(f"/clinic/episodes/{episode_id}")
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="timeline"' in html and "<svg" in html and "<title" in html and "<desc" in html
    assert 'data-testid="course-table"' in html and "Great-toe extension" in html
    assert 'data-testid="schedule"' in html and "planned" in html
    assert 'id="c1-left-foot_dorsum"' in html  # the first check-in's map, with its own ids
    for report in (f"/clinic/episodes/{episode_id}/report", f"/clinic/episodes/{episode_id}/report.pdf"):
        assert f'href="{report}"' in html and client.get(report).status_code == 200
    assert "read from a note: only the places it names" in html
    # the assessment page now leads to its episode instead of offering a new one
    first = re.search(r'href="/clinic/assessments/([^"]+)">First assessment', html)
    assert first
    assessment = client.get(f"/clinic/assessments/{first.group(1)}")
    assert (
        f"/clinic/episodes/{episode_id}" in assessment.text and "Follow up over time" not in assessment.text
    )
    # every read is audited
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "episode.read")).all()
    assert any(entry.object == f"episode:{episode_id}" for entry in reads)


def test_the_queue_shows_a_due_checkin_then_done_after_the_patient_checks_in(
    client: TestClient, clinician: User, session: Session, app: object
) -> None:
    sign_in(client)
    episode_id = _episode(client, session, days_ago=10)  # weakness: the 1-week check-in is due
    queue = client.get("/clinic")
    row = queue.text.split('data-testid="followup"')[1].split("</table>")[0]
    assert f"/clinic/episodes/{episode_id}" in row and ">due<" in row
    assert "Lumbar disc herniation" in row  # which episode: its first assessment's condition
    link = _link(client, episode_id)
    with TestClient(client.app) as patient:  # another browser
        result = _patient_checkin(patient, link)
    assert result.url.path == "/checkin/result", result.url
    assert "How you are doing" in result.text
    assert 'data-testid="next-check"' in result.text  # the 6-week check-in is next
    episode = client.get(f"/clinic/episodes/{episode_id}")
    schedule = episode.text.split('data-testid="schedule"')[1].split("</table>")[0]
    assert ">done<" in schedule
    assert 'id="c2-left-buttock"' in episode.text and "by patient" in episode.text
    plot = episode.text.split('data-testid="timeline"')[1].split("</svg>")[0]
    planned = re.findall(r"Check-in planned at week ([\d.]+)<", plot)
    assert planned and "1" not in planned  # the done one (week 1) is not still to come
    queue = client.get("/clinic")
    row = queue.text.split('data-testid="followup"')[1].split("</table>")[0]
    assert ">due<" not in row
    # the note's "Leg pain 7/10" (nlp/read_scores), then the patient's 3: better by more than the
    # 2-point minimal important change
    assert ">improving<" in row


def test_the_patients_summary_is_plain(client: TestClient, clinician: User, session: Session) -> None:
    sign_in(client)
    episode_id = _episode(client, session, days_ago=10)
    link = _link(client, episode_id)
    with TestClient(client.app) as patient:
        result = _patient_checkin(patient, link)
    section = result.text.split('data-testid="how-you-are-doing"')[1].split("</section>")[0]
    words = visible_text("<section " + section)
    assert grade(words) <= MAX_GRADE, (round(grade(words), 1), words)


def test_a_link_opens_only_its_own_episode_and_stops_when_closed(
    client: TestClient, clinician: User, session: Session
) -> None:
    sign_in(client)
    first, second = _episode(client, session), _episode(client, session)
    link = _link(client, first)
    with TestClient(client.app) as patient:
        assert patient.get(f"/checkin?link={link}x").status_code == 404
        assert patient.get("/checkin?link=").status_code == 404
        result = _patient_checkin(patient, link)
        assert result.url.path == "/checkin/result"
    views = {e.id: e for e in session.scalars(select(Episode)).all()}
    counts = {
        str(k): len(session.scalars(select(AuditEvent).where(AuditEvent.object == f"episode:{k}")).all())
        for k in views
    }
    assert counts[second] >= 1  # read by the clinician only
    patient_reads = session.scalars(
        select(AuditEvent).where(AuditEvent.actor.startswith("episode-link:"))
    ).all()
    assert patient_reads and {e.object for e in patient_reads} == {f"episode:{first}"}
    page = client.get(f"/clinic/episodes/{first}")
    client.post(f"/clinic/episodes/{first}/close", data={"csrf": csrf_of(page.text)})
    with TestClient(client.app) as patient:
        closed = patient.get(f"/checkin?link={link}")
    assert closed.status_code == 410 and "no longer works" in closed.text


def test_clinician_forms_on_the_episode_page_are_checked(
    client: TestClient, clinician: User, session: Session
) -> None:
    sign_in(client)
    episode_id = _episode(client, session)
    page = client.get(f"/clinic/episodes/{episode_id}")
    token = csrf_of(page.text)
    bad = client.post(
        f"/clinic/episodes/{episode_id}/schedule", data={"csrf": token, "weeks": "two", "reason": "x"}
    )
    assert bad.status_code == 422 and "There is a problem" in bad.text and 'aria-invalid="true"' in bad.text
    assert 'value="two"' in bad.text
    done = client.post(
        f"/clinic/episodes/{episode_id}/schedule", data={"csrf": token, "weeks": "1, 4", "reason": "Weak toe"}
    )
    assert done.status_code == 200
    schedule = done.text.split('data-testid="schedule"')[1].split("</table>")[0]
    assert "Weak toe" in schedule and schedule.count('<tr class="due-') == 2
    empty = client.post(
        f"/clinic/episodes/{episode_id}/checkins", data={"csrf": token, "note": "", "setting": "primary-care"}
    )
    assert empty.status_code == 422 and "Paste the note" in empty.text
    added = client.post(
        f"/clinic/episodes/{episode_id}/checkins",
        data={"csrf": token, "note": NOTE.replace("7/10", "3/10"), "setting": "primary-care"},
    )
    assert added.status_code == 200 and "Check-in 2" in added.text and "by clinician" in added.text
    assert 'data-testid="changes"' in added.text
    reviewed = client.post(f"/clinic/episodes/{episode_id}/review", data={"csrf": token, "comment": "Seen"})
    assert "Reviewed on" in reviewed.text
    missing = client.get(f"/clinic/episodes/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert (
        client.post(f"/clinic/episodes/{episode_id}/review", data={"comment": "no token"}).status_code == 403
    )


def test_a_checkin_with_a_new_foot_drop_goes_to_the_top_of_the_queue_with_the_rule(
    client: TestClient, clinician: User, session: Session
) -> None:
    sign_in(client)
    calm = _episode(client, session, days_ago=20)
    worse = _episode(client, session, days_ago=20)
    page = client.get(f"/clinic/episodes/{worse}")
    weaker = NOTE.replace("Weak left great toe extension 4/5", "Weak left ankle dorsiflexion 2/5")
    added = client.post(
        f"/clinic/episodes/{worse}/checkins",
        data={"csrf": csrf_of(page.text), "note": weaker, "setting": "primary-care"},
    )
    assert added.status_code == 200
    why = added.text.split('data-testid="escalations"')[1].split("</section>")[0]
    assert "new_or_progressing_motor_deficit" in why and "weakness" in why.lower()
    assert 'data-testid="episode-triage">urgent<' in added.text
    card = added.text.split('data-testid="card-escalations"')[1].split("</ul>")[0]
    assert "weakness" in card.lower()  # the check-in where it fired keeps its rule
    queue = client.get("/clinic")
    table = queue.text.split('data-testid="followup"')[1].split("</table>")[0]
    rows = table.split("<tr class=")[1:]
    assert f"/clinic/episodes/{worse}" in rows[0] and f"/clinic/episodes/{calm}" in rows[1]
    assert ">review<" in rows[0] and "weakness" in rows[0].lower() and "urgent" in rows[0]


def test_a_patient_checkin_with_new_saddle_numbness_shows_the_emergency_page(
    client: TestClient, clinician: User, session: Session
) -> None:
    sign_in(client)
    episode_id = _episode(client, session, days_ago=10)
    link = _link(client, episode_id)
    with TestClient(client.app) as patient:
        start = patient.get(f"/checkin?link={link}")
        token = csrf_of(start.text)
        patient.post("/checkin/start", data={"csrf": token, "link": link})
        data = {"csrf": token, "question": "red_flags_nerves", "choice": "options", "option": ["saddle"]}
        result = patient.post("/interview/answer", data=data)
        assert result.url.path == "/checkin/result"
        assert 'data-urgency="emergency"' in result.text and "Call 999" in result.text
        assert "How you are doing" not in result.text  # only what to do now
    episode = client.get(f"/clinic/episodes/{episode_id}")
    assert 'data-testid="episode-triage">emergency<' in episode.text
    assert "new_cauda_equina_features" in episode.text


def test_the_checkin_start_page_is_plain(client: TestClient, clinician: User, session: Session) -> None:
    sign_in(client)
    link = _link(client, _episode(client, session))
    with TestClient(client.app) as patient:
        page = patient.get(f"/checkin?link={link}")
    main = page.text.split('<main id="main" tabindex="-1">')[1].split("</main>")[0]
    words = visible_text(main)
    assert grade(words) <= MAX_GRADE, (round(grade(words), 1), words)


def test_a_patient_sees_last_times_map_beside_todays(
    client: TestClient, clinician: User, session: Session
) -> None:
    """An episode started from the patient's own assessment (a whole map): at the check-in the
    patient sees both maps and is told the area is smaller."""
    wide = {**L5_MARKS, "m:left:foot_dorsum": "pain"}
    with TestClient(client.app) as patient:
        home = patient.get("/")
        token = csrf_of(home.text)
        patient.post("/start", data={"csrf": token})
        first = _answer_all(patient, token, wide)
        assert first.url.path == "/interview/result"
        key = re.search(r'name="idempotency_key" value="([^"]+)"', first.text)
        assert key
        form = {"csrf": token, "idempotency_key": key.group(1), "name": "Ada Patient"}
        patient.post("/interview/consultation", data={**form, "contact": "ada@example.org", "consent": "yes"})
    record = session.scalars(select(AssessmentRecord).order_by(AssessmentRecord.created_at.desc())).first()
    assert record is not None
    record.created_at = utcnow() - timedelta(days=14)
    session.commit()
    sign_in(client)
    page = client.get(f"/clinic/assessments/{record.id}")
    episode = client.post(f"/clinic/assessments/{record.id}/episode", data={"csrf": csrf_of(page.text)})
    link = _link(client, episode.url.path.rsplit("/", 1)[1])
    queue = client.get("/clinic").text.split('data-testid="followup"')[1].split("</table>")[0]
    assert "Ada Patient" in queue  # the name the patient gave with the first assessment
    with TestClient(client.app) as patient:
        result = _patient_checkin(patient, link, {"m:left:buttock": "pain"})
    assert result.url.path == "/checkin/result"
    maps = result.text.split('data-testid="maps"')[1].split("</ol>")[0]
    classes = dict(re.findall(r'id="(\w+)-left-foot_dorsum" class="([^"]*)"', maps))
    assert "mark-pain" in classes["before"] and "mark-pain" not in classes["today"]
    assert "The area where you feel it is smaller." in result.text
    assert "The pain does not go as far down your leg." in result.text


def test_a_clinician_examines_in_the_interview_and_it_becomes_a_checkin(
    client: TestClient, clinician: User, session: Session
) -> None:
    """The clinician-mode interview started on the episode page: its examination is a check-in, and
    a new foot drop found there raises the episode (the rule named). It asks the course measures
    right after the red-flag screen (a clinician's ordinary interview chooses by gain only)."""
    from nervemap.services import episodes as service

    sign_in(client)
    episode_id = _episode(client, session, days_ago=10)
    page = client.get(f"/clinic/episodes/{episode_id}")
    token = csrf_of(page.text)
    step = client.post(f"/clinic/episodes/{episode_id}/interview", data={"csrf": token})
    examined = False
    asked: list[str] = []
    measures = {"pain_score": "5", "back_pain_score": "3", "function_score": "6"}
    for _ in range(60):
        if step.url.path.startswith("/clinic/episodes/"):
            break
        if step.url.path == "/interview/body-map":
            data = {"csrf": token, "choice": "marks", "m:left:leg_lateral": "pain"}
            step = client.post("/interview/body-map", data=data)
            continue
        question = step.text.split('name="question" value="')[1].split('"')[0]
        asked.append(question)
        data = {"csrf": token, "question": question, "choice": "unknown"}
        if question in measures:
            data = {**data, "choice": "number", "number": measures[question]}
        elif question == "strength_ankle_up":
            data = {**data, "choice": "grades", "g:ankle_dorsiflexion:left": "2"}
            examined = True
        elif question.startswith("red_flags"):
            data["choice"] = "options"
        step = client.post("/interview/answer", data=data)
    assert examined and step.url.path == f"/clinic/episodes/{episode_id}", step.url
    assert "Check-in 2" in step.text and "by clinician" in step.text
    assert 'data-testid="episode-triage">urgent<' in step.text
    assert "new_or_progressing_motor_deficit" in step.text
    assert asked[2:5] == list(measures)
    session.expire_all()
    latest = service.get_episode(session, uuid.UUID(episode_id), actor="test").course.measures[-1]
    assert (latest.leg_pain, latest.back_pain, latest.function) == (5.0, 3.0, 6.0)
    # an interview not started on the episode page is no check-in
    plain = client.post("/clinic/interviews", data={"csrf": token})
    assert plain.url.path.startswith("/interview")


def test_a_patient_checkin_records_leg_and_back_pain_and_function(
    client: TestClient, clinician: User, session: Session
) -> None:
    """Issue 19 item 3: the interview asks leg and back pain and the PSFS rating, so a patient's
    check-in carries all three course measures (the note's first assessment has neither of the others)."""
    from nervemap.services import episodes as service

    sign_in(client)
    episode_id = _episode(client, session, days_ago=10)
    link = _link(client, episode_id)
    numbers = {"pain_score": "4", "back_pain_score": "6", "function_score": "5"}
    with TestClient(client.app) as patient:
        result = _patient_checkin(patient, link, numbers=numbers)
    assert result.url.path == "/checkin/result", result.url
    session.expire_all()
    first, latest = service.get_episode(session, uuid.UUID(episode_id), actor="test").course.measures
    assert (first.back_pain, first.function) == (None, None)
    assert (latest.leg_pain, latest.back_pain, latest.function) == (4.0, 6.0, 5.0)
    assert latest.function_measure == "psfs"
    stored = session.scalars(select(AssessmentRecord).order_by(AssessmentRecord.created_at.desc())).first()
    assert stored is not None and stored.output["severity"]["pain_nrs"] == 6.0  # the worse pain
