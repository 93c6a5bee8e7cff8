"""Browser test of follow-up (issue 19, acceptance): Debian Chromium driven by Playwright against the
app served by uvicorn.

A clinician assesses a note (left L5 radiculopathy, weak great-toe extension) and starts an episode
from it; the episode is moved to have started ten days ago (the one-week check-in a weakness asks
for is then due), so the queue shows it *due*. The clinician makes a check-in link; a patient opens
it in another browser, answers the ordinary interview and reads how they are doing. The clinician
then sees the check-in *done* in the episode, with the timeline plot, its table and both body maps.
Screenshots go to /tmp/followup-*.png (NERVEMAP_FOLLOWUP_SHOTS moves them); axe-core checks each
photographed page.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip(
    "playwright", reason="browser tests need playwright (pip install playwright pytest-playwright)"
)
pytest.importorskip("axe_playwright_python", reason="browser tests run axe-core: pip install -e '.[dev]'")

from playwright.sync_api import Browser, Page, expect

from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.models import AssessmentRecord
from nervemap.store.types import utcnow
from tests.web.conftest import CLINICIAN_EMAIL, LiveServer
from tests.web.test_browser import PASSWORD, _axe

SHOTS = Path(os.environ.get("NERVEMAP_FOLLOWUP_SHOTS") or "/tmp")
DESKTOP = {"width": 1280, "height": 900}
NOTE = (
    "45 year old man with 3 weeks of left leg pain radiating to the dorsum of the foot. "
    "Weak left great toe extension 4/5. No bladder or bowel symptoms."
)
PATIENT_MARKS = ["left-buttock", "left-thigh_posterior", "left-leg_lateral"]

CHECKIN_NUMBERS = {"pain_score": "3", "back_pain_score": "5", "function_score": "4"}


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"followup-{name}.png"), full_page=True)
    _axe(page, name)


def _sign_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/clinic/login")
    page.get_by_label("Email").fill(CLINICIAN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url + "/clinic")


def _backdate(server: LiveServer, assessment_id: str, days: float) -> None:
    """The assessment (and so the episode it starts) was made ``days`` ago."""
    engine = make_engine(server.database_url)
    with make_sessionmaker(engine)() as db:
        record = db.get(AssessmentRecord, uuid.UUID(assessment_id))
        assert record is not None
        record.created_at = utcnow() - timedelta(days=days)
        db.commit()
    engine.dispose()


def _followup_row(page: Page, episode_url: str) -> object:
    return (
        page.get_by_test_id("followup")
        .locator("tbody tr")
        .filter(has=page.locator(f'a[href="{episode_url}"]'))
    )


def _patient_checks_in(browser: Browser, link: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    patient = context.new_page()
    patient.goto(link)
    expect(patient.locator("h1")).to_have_text("Check-in: how is your leg pain now?")
    patient.get_by_role("button", name="Start the check-in").click()
    for question in ("red_flags_nerves", "red_flags_general"):
        expect(patient.locator("input[name=question]")).to_have_value(question)
        patient.get_by_role("button", name="Continue").click()
    expect(patient.locator("form[data-ready=true]")).to_have_count(1)
    for region in PATIENT_MARKS:
        patient.locator(f"#{region}").click()
    patient.get_by_role("button", name="Continue").click()
    for _ in range(40):
        if "/checkin/result" in patient.url:
            break
        question = patient.locator("input[name=question]").get_attribute("value")
        # leg and back pain and the function rating (issue 19 item 3), "I don't know" to the rest
        if question in CHECKIN_NUMBERS:
            patient.locator("#number").fill(CHECKIN_NUMBERS[question])
            patient.locator("button[name=choice][value=number]").click()
        else:
            patient.locator("button[name=choice][value=unknown]").first.click()
    expect(patient).to_have_url(link.split("/checkin")[0] + "/checkin/result")
    expect(patient.get_by_test_id("how-you-are-doing")).to_contain_text("How you are doing")
    expect(patient.get_by_test_id("next-check")).to_contain_text("Your next check-in is due on")
    assert patient.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    _shot(patient, "02-patient-how-you-are-doing")
    context.close()


def test_a_patient_checks_in_from_a_link_and_the_clinician_sees_it_due_then_done(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    _sign_in(page, live_server)
    page.goto(live_server.url + "/clinic/note")
    page.get_by_label("Clinical note").fill(NOTE)
    page.get_by_role("button", name="Assess").click()
    expect(page.get_by_test_id("status")).to_have_text("new")
    assessment_id = page.url.rsplit("/", 1)[1]
    _backdate(live_server, assessment_id, days=10)
    page.get_by_role("button", name="Follow up over time").click()
    expect(page.locator("h1")).to_contain_text("Episode")
    episode_url = page.url.removeprefix(live_server.url)

    # the queue: the one-week check-in is due
    page.goto(live_server.url + "/clinic")
    row = _followup_row(page, episode_url)
    expect(row.get_by_test_id("followup-state")).to_have_text("due")  # type: ignore[attr-defined]
    _shot(page, "01-queue-due")

    # a check-in link for the patient
    page.goto(live_server.url + episode_url)
    page.get_by_role("button", name="Make a check-in link").click()
    link = page.get_by_test_id("checkin-link").input_value()
    assert "/checkin?link=" in link

    _patient_checks_in(browser, link)

    # the clinician: no longer due in the queue; done in the episode, with the plot and both maps
    page.goto(live_server.url + "/clinic")
    expect(_followup_row(page, episode_url).get_by_test_id("followup-state")).not_to_have_text("due")  # type: ignore[attr-defined]
    page.goto(live_server.url + episode_url)
    schedule = page.get_by_test_id("schedule")
    expect(schedule.locator("tbody tr").first).to_contain_text("done")
    plot = page.get_by_test_id("timeline").locator("svg")
    expect(plot).to_be_visible()
    assert plot.get_attribute("role") == "img"
    expect(plot.locator("title").first).not_to_be_empty()
    box = plot.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    expect(plot.locator("g.window")).to_have_count(1)  # the guideline window is shaded
    expect(plot.locator("g.window")).to_have_attribute("data-source", "nice-ng59-2016")
    plot.screenshot(path=str(SHOTS / "followup-04-timeline.png"))
    expect(page.get_by_test_id("course-table")).to_contain_text("Leg pain (0-10)")
    # the patient's back pain and function rating from the check-in interview (issue 19 item 3)
    expect(page.get_by_test_id("course-table")).to_contain_text("Back pain (0-10)")
    expect(page.get_by_test_id("course-table")).to_contain_text("Function (psfs)")
    cards = page.get_by_test_id("checkins").locator("li")
    expect(cards).to_have_count(2)
    expect(cards.nth(1)).to_contain_text("by patient")
    expect(page.locator("#c2-left-buttock")).to_have_class("region mark-pain")
    _shot(page, "03-episode-done-with-timeline")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "followup-03b-episode-top.png"))  # what a clinician sees first
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone: the page never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "05-episode-phone")
