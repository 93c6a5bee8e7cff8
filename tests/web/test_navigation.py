"""Navigation that keeps answers (issue 15, item 6): each question has its own address, an earlier
answer can be opened and changed without losing the others, refused answers come back through a
redirect (reload and the browser's Back never resend a form), and the progress line is honest."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.interview import PolicyConfig
from nervemap.store.models import InterviewRecord
from tests.web.test_pages import L5_MARKS, _answer, _screen_clear, _start


def _stored(session: Session) -> list[tuple[str, object]]:
    session.expire_all()
    record = session.scalars(select(InterviewRecord)).one()
    return [(a["question"], a["value"]) for a in record.state["answers"]]


def _to_pain_score(client: TestClient) -> str:
    token = _start(client)
    _screen_clear(client, token)
    client.post("/interview/body-map", data={"csrf": token, "choice": "marks", **L5_MARKS})
    _answer(client, token, "sex", choice="female")
    page = _answer(client, token, "duration", choice="number", number="3 months")
    assert page.url.path == "/interview/q/pain_score"
    return token


def test_each_question_has_its_own_address(client: TestClient) -> None:
    token = _start(client)
    moved = client.get("/interview", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/interview/q/red_flags_nerves"
    # a question not reached yet is not shown: the interview's current question is
    ahead = client.get("/interview/q/pain_score")
    assert ahead.url.path == "/interview/q/red_flags_nerves"
    assert client.get("/interview/q/no_such_question").url.path == "/interview/q/red_flags_nerves"
    page = _answer(client, token, "red_flags_nerves", choice="options")
    assert page.url.path == "/interview/q/red_flags_general"
    assert 'name="question" value="red_flags_general"' in page.text


def test_an_earlier_answer_opens_filled_in_and_can_be_changed(client: TestClient, session: Session) -> None:
    token = _to_pain_score(client)
    before = _stored(session)
    # the browser's Back lands on the earlier question's address: its answer is there
    page = client.get("/interview/q/duration")
    assert page.status_code == 200 and 'data-testid="changing"' in page.text
    assert 'id="number" name="number" type="text"' in page.text and 'value="13"' in page.text
    sex = client.get("/interview/q/sex")
    assert "Your earlier answer: Female." in sex.text
    # changing it keeps its place and every other answer, then walks on to the next answer
    page = _answer(client, token, "duration", choice="number", number="10 days")
    assert page.url.path == "/interview/q/pain_score"
    after = _stored(session)
    assert [q for q, _ in after] == [q for q, _ in before]
    assert dict(after)["duration"] != dict(before)["duration"]
    assert {q: v for q, v in after if q != "duration"} == {q: v for q, v in before if q != "duration"}
    # the body map too: its marks come back, and a change keeps the rest
    marks = client.get("/interview/body-map")
    assert marks.status_code == 200 and "Marked: Left buttock (pain)" in marks.text
    assert 'data-testid="changing"' in marks.text
    moved = client.post(
        "/interview/body-map",
        data={"csrf": token, "choice": "marks", "m:right:buttock": "pain"},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"] == "/interview/q/sex"
    changed = dict(_stored(session))["body_map"]
    assert isinstance(changed, list) and [m["side"] for m in changed] == ["right"]


def test_a_refused_answer_comes_back_through_a_redirect(client: TestClient) -> None:
    token = _to_pain_score(client)
    sent = client.post(
        "/interview/answer",
        data={"csrf": token, "question": "pain_score", "choice": "number", "number": "eleven"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/interview/q/pain_score"
    shown = client.get("/interview/q/pain_score")
    assert shown.status_code == 422 and 'value="eleven"' in shown.text
    assert "There is a problem" in shown.text and 'aria-invalid="true"' in shown.text
    # shown once: reloading gives the question again, without the message
    again = client.get("/interview/q/pain_score")
    assert again.status_code == 200 and "There is a problem" not in again.text
    # an empty body map the same way
    empty = client.post(
        "/interview/body-map", data={"csrf": token, "choice": "marks"}, follow_redirects=False
    )
    assert empty.status_code == 303 and empty.headers["location"] == "/interview/body-map"


def test_progress_says_at_most_how_many_more(client: TestClient) -> None:
    token = _start(client)
    first = client.get("/interview/q/red_flags_nerves").text
    counts = []
    for question in ("red_flags_nerves", "red_flags_general"):
        page = client.get(f"/interview/q/{question}").text
        found = re.search(r"Question (\d+)\. At most about (\d+) more questions, often fewer\.", page)
        assert found, page
        counts.append((int(found.group(1)), int(found.group(2))))
        _answer(client, token, question, choice="options")
    assert counts[0][0] == 1 and counts[1][0] == 2 and counts[1][1] < counts[0][1]
    # the question budget and the two course measures asked besides it (issue 19)
    assert counts[0][1] == PolicyConfig().max_questions + 2
    assert '<progress class="progress" max="100" value="0"' in first
    body_map = client.get("/interview/body-map").text
    assert "Question 3. At most about" in body_map


def _finish_with_unknowns(client: TestClient, token: str) -> None:
    page = client.get("/interview")
    for _ in range(40):
        if page.url.path == "/interview/result":
            return
        question = page.text.split('name="question" value="')[1].split('"')[0]
        page = _answer(client, token, question, choice="unknown")
    raise AssertionError("the interview did not finish")


def test_answers_can_be_listed_and_changed_during_the_interview(client: TestClient, session: Session) -> None:
    token = _to_pain_score(client)
    listed = client.get("/interview/answers")
    assert listed.status_code == 200
    assert "Female" in listed.text and "13 weeks" in listed.text and "Left buttock (pain)" in listed.text
    assert 'href="/interview/q/sex?then=answers"' in listed.text
    page = client.get("/interview/q/sex?then=answers")
    assert 'name="then" value="answers"' in page.text
    page = client.post(
        "/interview/answer", data={"csrf": token, "question": "sex", "choice": "male", "then": "answers"}
    )
    assert page.url.path == "/interview/answers" and "Male" in page.text
    assert dict(_stored(session))["sex"] == "male"
    assert client.get("/interview").url.path == "/interview/q/pain_score"


def test_answers_can_be_changed_after_the_result(client: TestClient, session: Session) -> None:
    token = _to_pain_score(client)
    _finish_with_unknowns(client, token)
    result = client.get("/interview/result")
    assert 'href="/interview/answers"' in result.text and "Change my answers" in result.text
    listed = client.get("/interview/answers")
    assert 'action="/interview/reopen"' in listed.text and "Back to your result" in listed.text
    session.expire_all()
    first = session.scalars(select(InterviewRecord)).one()
    assert first.assessment_id is not None
    page = client.post("/interview/reopen", data={"csrf": token, "question": "sex"})
    assert page.url.path == "/interview/q/sex" and "Your earlier answer: Female." in page.text
    # a new interview holds a copy of the answers; the stored result stays as it was
    session.expire_all()
    records = session.scalars(select(InterviewRecord).order_by(InterviewRecord.created_at)).all()
    assert len(records) == 2 and records[1].assessment_id is None
    assert records[1].state["answers"] == records[0].state["answers"]
    page = client.post(
        "/interview/answer", data={"csrf": token, "question": "sex", "choice": "male", "then": "answers"}
    )
    assert page.url.path == "/interview/answers" and "Male" in page.text
    _finish_with_unknowns(client, token)  # any questions the change opened, then a new result
    session.expire_all()
    latest = session.scalars(select(InterviewRecord).order_by(InterviewRecord.created_at)).all()[-1]
    assert latest.assessment_id is not None and latest.assessment_id != first.assessment_id


def test_the_home_page_offers_to_carry_on(client: TestClient) -> None:
    token = _start(client)
    _answer(client, token, "red_flags_nerves", choice="options")
    home = client.get("/")
    assert 'data-testid="resume"' in home.text and "You have answered 1 question" in home.text
    assert client.get("/interview").url.path == "/interview/q/red_flags_general"
    assert ">Start again</button>" in home.text


def test_one_area_can_hold_several_kinds_of_mark(client: TestClient, session: Session) -> None:
    token = _start(client)
    _screen_clear(client, token)
    data = {"csrf": token, "choice": "marks", "m:left:buttock": ["pain", "numbness"]}
    client.post("/interview/body-map", data=data)
    stored = dict(_stored(session))["body_map"]
    assert isinstance(stored, list)
    assert sorted(m["kind"] for m in stored if m["region"] == "buttock") == ["numbness", "pain"]
    page = client.get("/interview/body-map").text
    assert 'value="pain" data-key="left-buttock" checked' in page
    assert 'value="numbness" data-key="left-buttock" checked' in page
    assert 'aria-label="Left buttock: pain, numbness"' in page
    assert "Marked: Left buttock (pain, numbness)" in page
    assert "Left buttock (pain, numbness)" in client.get("/interview/answers").text


def test_a_refused_consultation_request_comes_back_through_a_redirect(client: TestClient) -> None:
    token = _to_pain_score(client)
    _finish_with_unknowns(client, token)
    html = client.get("/interview/result").text
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"csrf": token, "idempotency_key": key, "name": "Ada Patient", "contact": "not contact"}
    sent = client.post("/interview/consultation", data=data, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/interview/result"
    shown = client.get("/interview/result")
    assert shown.status_code == 422 and "There is a problem" in shown.text
    assert 'value="Ada Patient"' in shown.text and f'value="{key}"' in shown.text
    again = client.get("/interview/result")  # reload: the form again, without the message
    assert again.status_code == 200 and "There is a problem" not in again.text
