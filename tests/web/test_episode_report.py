"""The clinician report of a follow-up episode: page 1 is the latest check-in's summary with the
episode's state, page 2 the course (timeline picture, the same numbers as a table, escalations,
check-ins to come). Reading it is audited."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.engine.case import Case
from nervemap.services import episodes as service
from nervemap.store.models import AssessmentRecord, AuditEvent, User
from nervemap.store.types import utcnow
from nervemap.web.report import episode_report_html
from tests.api.conftest import bearer
from tests.web.conftest import sign_in

EXAMPLE = Path(__file__).parents[2] / "src" / "nervemap" / "examples" / "l5-left-disc.json"


def _episode(app: FastAPI, client: TestClient, session: Session, clinician: User, between: int = 0) -> str:
    """An L5 sciatica assessed three weeks ago (leg pain 7/10, ankle dorsiflexion 4/5) starts an
    episode; ``between`` check-ins every half week find pain 6/10; a clinician's check-in today
    finds pain 4/10 and ankle dorsiflexion 2/5."""
    first = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    created = client.post("/v1/assessments", json=first, headers=bearer(app, clinician))
    assert created.status_code == 201, created.text
    assessment_id = uuid.UUID(created.json()["id"])
    record = session.get(AssessmentRecord, assessment_id)
    assert record is not None
    started = utcnow() - timedelta(weeks=3)
    record.created_at = started
    session.commit()
    later = {**first, "scores": {"pain_nrs": 4}}
    later["strength"] = [
        {**test, "grade": 2} if test["movement"] == "ankle_dorsiflexion" else test
        for test in first["strength"]
    ]
    actor = f"user:{clinician.id}"
    view = service.start_episode(session, assessment_id=assessment_id, user_id=clinician.id, actor=actor)
    for number in range(1, between + 1):
        service.add_checkin(
            session,
            view.episode.id,
            case=Case.model_validate({**first, "scores": {"pain_nrs": 6}}),
            source="patient",
            user_id=None,
            actor=actor,
            at=started + timedelta(weeks=number / 2),
        )
    service.add_checkin(
        session,
        view.episode.id,
        case=Case.model_validate(later),
        source="clinician",
        user_id=clinician.id,
        actor=actor,
    )
    session.commit()
    return str(view.episode.id)


def test_the_episode_report_shows_the_course_on_its_second_part(
    app: FastAPI, client: TestClient, session: Session, clinician: User
) -> None:
    sign_in(client)
    episode_id = _episode(app, client, session, clinician)
    report = client.get(f"/clinic/episodes/{episode_id}/report")
    assert report.status_code == 200, report.text[:500]
    html = report.text
    assert "Clinical summary" in html and 'data-testid="episode-line"' in html
    assert "this is check-in 2 (3 weeks after the first)" in html
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="timeline-svg"')
    svg = ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "course-title course-desc"
    ns = {"svg": "http://www.w3.org/2000/svg"}
    leg = svg.find(".//svg:g[@data-series='leg_pain']", ns)
    assert leg is not None
    assert [p.get("data-value") for p in leg if p.get("class") == "point"] == ["7", "4"]
    assert svg.find(".//svg:g[@data-series='mrc:ankle_dorsiflexion:left']", ns) is not None
    # 3 weeks of symptoms at the start: the 6-12 week window of NG59 is the episode's weeks 3-9
    (window,) = svg.iterfind(".//svg:g[@class='window']", ns)
    assert (window.get("data-start"), window.get("data-end"), window.get("data-source")) == (
        "3",
        "9",
        "nice-ng59-2016",
    )
    (marker,) = svg.iterfind(".//svg:g[@data-rule]", ns)
    assert (marker.get("data-week"), marker.get("data-level")) == ("3", "urgent")
    table = html[
        html.index('data-testid="course-table"') : html.index(
            "</table>", html.index('data-testid="course-table"')
        )
    ]
    assert table.count("<tr>") == 3  # headings and two check-ins
    assert "Ankle dorsiflexion, left (/5)" in table
    assert " style=" not in html and "<script>" not in html  # the content security policy holds
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.object == f"episode:{episode_id}"))
    )
    assert {"episode.read", "episode.report"} <= actions


def test_the_episode_report_pdf_puts_the_course_on_page_two(
    app: FastAPI, client: TestClient, session: Session, clinician: User
) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    sign_in(client)
    episode_id = _episode(app, client, session, clinician)
    pdf = client.get(f"/clinic/episodes/{episode_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert f"nervemap-episode-{episode_id}.pdf" in pdf.headers["content-disposition"]
    assert pdf.content.startswith(b"%PDF")
    html, _ = episode_report_html(session, episode_id, f"user:{clinician.id}", printable=False)
    document = weasyprint.HTML(string=html).render()
    texts = [" ".join(_texts(page._page_box)) for page in document.pages]
    assert len(texts) == 2
    assert "Course of the episode" not in texts[0] and "The course is on page 2" in texts[0]
    assert "Course of the episode" in texts[1] and "Escalated at the latest check-in" in texts[1]


def _texts(box: Any) -> list[str]:
    out = [box.text] if getattr(box, "text", None) else []
    for child in getattr(box, "children", None) or []:
        out.extend(_texts(child))
    return out


def test_an_unknown_episode_is_a_404_page(client: TestClient, clinician: User) -> None:
    sign_in(client)
    for wrong in (str(uuid.uuid4()), "not-an-id"):
        page = client.get(f"/clinic/episodes/{wrong}/report")
        assert page.status_code == 404 and "No such episode" in page.text


def test_many_checkins_show_the_first_and_latest_three_maps_and_still_fit_two_pages(
    app: FastAPI, client: TestClient, session: Session, clinician: User
) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    sign_in(client)
    episode_id = _episode(app, client, session, clinician, between=3)
    html, _ = episode_report_html(session, episode_id, f"user:{clinician.id}", printable=False)
    maps = html[html.index('data-testid="checkin-maps"') :]
    captions = re.findall(r"<figcaption>(Check-in \d+)", maps)
    assert captions == ["Check-in 1", "Check-in 3", "Check-in 4", "Check-in 5"]
    assert "Pain maps (the first and the latest check-ins)" in html
    assert len(weasyprint.HTML(string=html).render().pages) == 2


def test_the_episode_report_needs_a_signed_in_clinician(client: TestClient) -> None:
    for suffix in ("report", "report.pdf"):
        page = client.get(f"/clinic/episodes/{uuid.uuid4()}/{suffix}", follow_redirects=False)
        assert page.status_code in (302, 303) and page.headers["location"].startswith("/clinic/login")
