"""Browser tests: Debian Chromium driven by Playwright against the app served by uvicorn.

(a) a patient with a left L5 radiculopathy passes the red-flag screen, marks the body map and answers
the questions; (b) a patient with new bladder trouble and saddle numbness is sent to emergency care at
once (desktop and phone): a call button, what to tell them, nothing else, and the clinician's queue
names the suspected emergency; (c) a
clinician signs in, opens the consultation request at the top of the queue, reviews it and
downloads the PDF. Screenshots of the main pages go to reports/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "playwright", reason="browser tests need playwright (pip install playwright pytest-playwright)"
)
pytest.importorskip("axe_playwright_python", reason="browser tests run axe-core: pip install -e '.[dev]'")

from axe_playwright_python.base import AXE_SCRIPT  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect

from tests.web.conftest import CLINICIAN_EMAIL, LiveServer

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# What a patient with a left L5 radiculopathy from a disc answers; anything else: "I don't know".
L5_SCRIPT: dict[str, Any] = {
    "red_flags_nerves": [],
    "red_flags_general": [],
    "age": "41",
    "sex": "male",
    "duration": "3",
    "onset": "sudden",
    "back_pain": "yes",
    "leg_worse_than_back": "yes",
    "radiating": "yes",
    "tingling": "yes",
    "numbness": "yes",
    "both_feet": "no",
    "worse_with": ["cough"],
    "walking_limit": "no",
    "pain_score": "7",
}
L5_MARKS = ["left-buttock", "left-thigh_posterior", "left-leg_lateral", "left-foot_dorsum"]


def _axe(page: Page, name: str) -> None:
    """axe-core (the copy packaged by axe-playwright-python) on the page: no serious or critical
    violation. Injected through the DevTools protocol, so the page's security policy is unchanged."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def _shot(page: Page, folder: Path, name: str) -> None:
    """A screenshot for people to look at, and axe-core on the same page."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    _axe(page, name)


def _start(page: Page, server: LiveServer) -> None:
    """Start: the red-flag screen comes first."""
    page.goto(server.url + "/")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(server.url + "/interview/q/red_flags_nerves")
    expect(page.locator("input[name=question]")).to_have_value("red_flags_nerves")


def _start_to_body_map(page: Page, server: LiveServer) -> None:
    """Start and answer the red-flag screen with none of the problems: then the body map."""
    _start(page, server)
    for question in ("red_flags_nerves", "red_flags_general"):
        expect(page.locator("input[name=question]")).to_have_value(question)
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(server.url + "/interview/body-map")
    expect(page.locator("form[data-ready=true]")).to_have_count(1)


def _answer(page: Page, question: str, kind_hint: str) -> None:
    answer = L5_SCRIPT.get(question)
    if answer is None:
        page.locator("button[name=choice][value=unknown]").click()
    elif isinstance(answer, list):
        for option in answer:
            page.locator(f"input[name=option][value={option}]").check()
        page.locator("button[name=choice][value=options]").click()
    elif kind_hint == "number":
        page.locator("#number").fill(answer)
        page.locator("button[name=choice][value=number]").click()
    else:
        page.locator(f"button[name=choice][value={answer}]").click()


def test_a_patient_with_left_l5_sciatica(page: Page, live_server: LiveServer, screenshots: Path) -> None:
    _start_to_body_map(page, live_server)
    _shot(page, screenshots, "01-body-map-empty")
    for region in L5_MARKS:
        page.locator(f"#{region}").click()
    expect(page.locator("#left-foot_dorsum")).to_have_attribute("aria-checked", "true")
    expect(page.locator("[data-marked]")).to_contain_text("Left buttock (pain)")
    _shot(page, screenshots, "02-body-map-marked")
    page.get_by_role("button", name="Continue").click()
    asked = []
    for _ in range(40):
        if "/interview/result" in page.url:
            break
        question = page.locator("input[name=question]").get_attribute("value")
        assert question is not None
        asked.append(question)
        if len(asked) == 3:
            _shot(page, screenshots, "03-question")
        kind = "number" if page.locator("#number").count() else "choice"
        _answer(page, question, kind)
    assert "/interview/result" in page.url, asked
    expect(page.get_by_test_id("likely-source")).to_contain_text("L5 nerve root")
    expect(page.get_by_test_id("likely-source")).to_contain_text("on the left side")
    expect(page.locator("main")).to_contain_text("sciatica")
    expect(page.locator("#left-foot_dorsum")).to_have_class("region shaded mark-pain")
    expect(page.locator("#left-great_toe")).to_have_class("region shaded")
    expect(page.locator("#right-foot_dorsum")).to_have_class("region")
    _shot(page, screenshots, "04-result-l5")
    page.set_viewport_size(PHONE)
    _shot(page, screenshots, "05-result-l5-phone")
    page.get_by_label("Your name").fill("Ada Patient")
    page.get_by_label("Phone number or email").fill("ada@example.org")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("request-sent")).to_be_visible()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_bladder_trouble_and_saddle_numbness_go_to_emergency_care(
    page: Page, live_server: LiveServer, screenshots: Path, size: str
) -> None:
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    _start(page, live_server)
    _shot(page, screenshots, f"06-red-flag-screen-{size}")
    page.get_by_label("Hard to start passing urine").check()
    page.get_by_label("Numb between the legs").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/interview/result")
    alert = page.locator("[data-urgency]")
    expect(alert).to_have_attribute("data-urgency", "emergency")
    expect(alert).to_contain_text("Emergency")
    expect(alert).to_contain_text("Go to the emergency department now")
    call = page.get_by_role("link", name="Call 999")
    expect(call).to_have_attribute("href", "tel:999")
    box = call.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] + box["height"] <= viewport["height"], "the call button must show without scrolling"
    assert box["height"] >= 44 and box["width"] >= 44
    tell = page.get_by_test_id("tell")
    expect(tell).to_contain_text("Hard to start passing urine")
    expect(tell).to_contain_text("cauda equina syndrome")
    main = page.locator("main")
    for absent in ("Possible causes", "settles", "What usually helps", "Request a consultation"):
        expect(main).not_to_contain_text(absent)
    expect(main.locator("form")).to_have_count(0)
    expect(main.locator("svg")).to_have_count(0)
    _shot(page, screenshots, f"07-result-emergency-{size}")
    # the clinician's queue names the suspected emergency
    page.context.clear_cookies()
    page.goto(live_server.url + "/clinic/login")
    page.get_by_label("Email").fill(CLINICIAN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    row = page.get_by_test_id("assessments").locator("tbody tr").first
    expect(row).to_contain_text("emergency")
    expect(row).to_contain_text("Suspected cauda equina syndrome")
    table = page.get_by_test_id("assessments")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth"), (
        "the queue must fit the screen"
    )
    _shot(page, screenshots, f"07b-queue-emergency-{size}")


def _patient_request(page: Page, server: LiveServer) -> None:
    """A patient finishes quickly (every question "I don't know") and asks for a consultation."""
    _start_to_body_map(page, server)
    for region in L5_MARKS:
        page.locator(f"#{region}").click()
    page.get_by_role("button", name="Continue").click()
    for _ in range(40):
        if "/interview/result" in page.url:
            break
        page.locator("button[name=choice][value=unknown]").click()
    page.get_by_label("Your name").fill("Bea Requester")
    page.get_by_label("Phone number or email").fill("07700 900123")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("request-sent")).to_be_visible()


def test_a_clinician_reviews_the_request_and_downloads_the_pdf(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    _patient_request(page, live_server)
    page.context.clear_cookies()
    page.goto(live_server.url + "/clinic")
    expect(page).to_have_url(live_server.url + "/clinic/login?next=/clinic")
    _shot(page, screenshots, "08-login")
    page.get_by_label("Email").fill(CLINICIAN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/clinic")
    first = page.get_by_test_id("requests").locator("tbody tr").first
    expect(first).to_contain_text("Bea Requester")
    _shot(page, screenshots, "09-queue")
    first.get_by_role("link").click()
    expect(page.get_by_test_id("status")).to_have_text("new")
    _shot(page, screenshots, "10-assessment")
    page.get_by_label("Comment").fill("Seen: book physiotherapy.")
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_test_id("status")).to_have_text("reviewed")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = screenshots / "11-report.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Refused" in message.text else None)
    page.get_by_role("link", name="Printable report").click()
    expect(page.locator("h1")).to_have_text("Clinical summary: leg pain")
    # styled and working under the app's own content security policy: no inline style or onclick
    assert page.locator("h1").evaluate("h => getComputedStyle(h).fontSize") == "18.6667px"  # 14pt
    assert page.locator(".map").evaluate("m => getComputedStyle(m).float") == "left"
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed === true")
    assert refused == [], refused
    _shot(page, screenshots, "12-report")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_consultation_form_error_summary_receives_focus(
    page: Page, live_server: LiveServer, screenshots: Path, size: str
) -> None:
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    _start_to_body_map(page, live_server)
    page.locator(f"#{L5_MARKS[0]}").click()
    page.get_by_role("button", name="Continue").click()
    for _ in range(40):
        if "/interview/result" in page.url:
            break
        page.locator("button[name=choice][value=unknown]").click()
    page.get_by_label("Phone number or email").fill("not a contact")
    page.get_by_role("button", name="Send request").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_in_viewport()
    expect(page).to_have_title("Error: Your result · nervemap")
    _shot(page, screenshots, f"13-form-errors-{size}")
    summary.get_by_role("link", name="Please tell us your name.").click()
    expect(page.locator("#name")).to_be_focused()
    expect(page.locator("#contact")).to_have_value("not a contact")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_screenshot_tour_of_the_patient_pages(
    page: Page, live_server: LiveServer, screenshots: Path, size: str
) -> None:
    """Every patient page at both sizes, for people to look at; the page never scrolls sideways."""
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    width = (PHONE if size == "phone" else DESKTOP)["width"]

    def shot(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        _shot(page, screenshots, f"20-tour-{name}-{size}")

    page.goto(live_server.url + "/")
    shot("home")
    page.get_by_role("button", name="Start").click()
    shot("screen")
    for question in ("red_flags_nerves", "red_flags_general"):
        expect(page.locator("input[name=question]")).to_have_value(question)
        page.get_by_role("button", name="Continue").click()
    expect(page.locator("form[data-ready=true]")).to_have_count(1)
    for region in L5_MARKS:
        page.locator(f"#{region}").click()
    shot("body-map")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("input[name=question]")).to_have_value("sex")
    page.locator("button[name=choice][value=male]").click()
    expect(page.locator("input[name=question]")).to_have_value("duration")
    shot("duration")
    page.locator("#number").fill("3 months")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("input[name=question]")).to_have_value("pain_score")
    page.locator("#number").fill("7/10")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("input[name=question]")).not_to_have_value("pain_score")
    # Back brings the earlier answer back filled in; Continue keeps it
    page.get_by_role("button", name="Back").click()
    expect(page.locator("input[name=question]")).to_have_value("pain_score")
    expect(page.locator("#number")).to_have_value("7")
    page.get_by_role("button", name="Continue").click()
    for _ in range(40):
        if "/interview/result" in page.url:
            break
        question = page.locator("input[name=question]").get_attribute("value")
        _answer(page, question or "", "number" if page.locator("#number").count() else "choice")
    expect(page.get_by_test_id("severity")).to_contain_text("7 out of 10")
    steps = page.get_by_test_id("plan").locator("li").count() + page.get_by_test_id("avoid").count()
    assert 3 <= steps <= 5
    shot("result")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_sciatica_journey_keeps_answers_going_back_and_changes_after_the_result(
    page: Page, live_server: LiveServer, screenshots: Path, size: str
) -> None:
    """Left L5 sciatica from start to result: the Back button and the browser's Back both show the
    earlier answer filled in, every question has its own address, and an answer changed from the
    result gives a new result with the other answers kept."""
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    _start_to_body_map(page, live_server)
    for region in L5_MARKS:
        page.locator(f"#{region}").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/interview/q/sex")
    expect(page.get_by_test_id("progress")).to_contain_text("At most about")
    page.locator("button[name=choice][value=male]").click()
    expect(page).to_have_url(live_server.url + "/interview/q/duration")
    page.locator("#number").fill("3 weeks")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/interview/q/pain_score")
    # the site's Back button: the duration comes back filled in
    page.get_by_role("button", name="Back").click()
    expect(page).to_have_url(live_server.url + "/interview/q/duration")
    expect(page.locator("#number")).to_have_value("3")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/interview/q/pain_score")
    # the browser's Back: the earlier question's own address, its answer there, nothing resent
    page.go_back()
    expect(page).to_have_url(live_server.url + "/interview/q/duration")
    expect(page.locator("#number")).to_have_value("3")
    expect(page.get_by_test_id("changing")).to_be_visible()
    _shot(page, screenshots, f"30-journey-browser-back-{size}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/interview/q/pain_score")
    asked = ["sex", "duration"]
    for _ in range(40):
        if "/interview/result" in page.url:
            break
        question = page.locator("input[name=question]").get_attribute("value")
        assert question is not None and question not in asked, (question, asked)
        asked.append(question)
        expect(page).to_have_url(live_server.url + f"/interview/q/{question}")
        _answer(page, question, "number" if page.locator("#number").count() else "choice")
    expect(page).to_have_url(live_server.url + "/interview/result")
    expect(page.get_by_test_id("likely-source")).to_contain_text("L5 nerve root")
    expect(page.get_by_test_id("likely-source")).to_contain_text("on the left side")
    expect(page.get_by_test_id("severity")).to_contain_text("7 out of 10")
    # change an answer after the result: the pain score
    page.get_by_test_id("change-answers").click()
    expect(page).to_have_url(live_server.url + "/interview/answers")
    answers = page.get_by_test_id("answers")
    expect(answers).to_contain_text("Left buttock (pain)")
    expect(answers).to_contain_text("3 weeks")
    _shot(page, screenshots, f"31-journey-answers-{size}")
    page.get_by_role("button", name="Change: " + _question_text(page, "pain_score")).click()
    expect(page).to_have_url(live_server.url + "/interview/q/pain_score?then=answers")
    expect(page.locator("#number")).to_have_value("7")
    page.locator("#number").fill("4")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/interview/answers")
    expect(page.get_by_test_id("answers")).to_contain_text("3 weeks")  # the others are kept
    page.get_by_test_id("continue").click()
    for _ in range(10):  # a changed answer may open a question or two
        if "/interview/result" in page.url:
            break
        question = page.locator("input[name=question]").get_attribute("value")
        _answer(page, question or "", "number" if page.locator("#number").count() else "choice")
    expect(page).to_have_url(live_server.url + "/interview/result")
    expect(page.get_by_test_id("severity")).to_contain_text("4 out of 10")
    expect(page.get_by_test_id("likely-source")).to_contain_text("L5 nerve root")
    _shot(page, screenshots, f"32-journey-new-result-{size}")
    # the take-away summary: styled and printable under the security policy, with the answers
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Refused" in message.text else None)
    page.get_by_test_id("summary-link").click()
    expect(page).to_have_url(live_server.url + "/interview/summary")
    expect(page.get_by_test_id("summary-answers")).to_contain_text("4")
    expect(page.get_by_test_id("summary-answers")).to_contain_text("Left buttock (pain)")
    assert page.locator("h1").evaluate("h => getComputedStyle(h).fontSize") == "20px"  # 15pt
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print or save as PDF").click()
    assert page.evaluate("window.printed === true")
    assert refused == [], refused
    _shot(page, screenshots, f"36-journey-summary-{size}")


def _question_text(page: Page, question_id: str) -> str:
    """The question's wording as the answers page shows it."""
    row = page.locator(f"form:has(input[name=question][value={question_id}])")
    label = row.locator("button").get_attribute("aria-label") or ""
    return label.removeprefix("Change: ")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_area_of_an_enlarged_part_is_at_least_44_px(
    page: Page, live_server: LiveServer, screenshots: Path, size: str
) -> None:
    """Each part of each leg opens enlarged (front and back); every area's rendered box is at
    least 44 x 44 CSS px, and a mark made there shows on the small drawing too."""
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    _start_to_body_map(page, live_server)
    expect(page.locator("svg.bodymap-svg").first).to_contain_text("Your left")
    parts = page.locator(".zoom-buttons [data-zoom-open]")
    assert parts.count() == 7
    measured = 0
    for i in range(parts.count()):
        button = parts.nth(i)
        part = button.get_attribute("data-zoom-open")
        button.click()
        for view in ("front", "back"):
            zoom = page.locator(f'[data-zoom="{part}"][data-view="{view}"]')
            if zoom.count() == 0:
                continue
            if zoom.is_hidden():
                page.locator(f'[data-zoom="{part}"]:not([hidden]) [data-zoom-view="{view}"]').click()
            expect(zoom).to_be_visible()
            for area in zoom.locator("polygon.region").all():
                box = area.bounding_box()
                assert box is not None
                name = area.get_attribute("aria-label")
                assert box["width"] >= 44 and box["height"] >= 44, (part, view, name, box)
                measured += 1
            if part == "left-foot" and view == "front":
                _shot(page, screenshots, f"33-body-map-enlarged-foot-{size}")
    assert measured >= 50
    # a mark made in the enlarged foot shows on the small drawing and in the list
    page.locator('.zoom-buttons [data-zoom-open="left-foot"]').click()
    page.locator('[data-zoom="left-foot"][data-view="front"] polygon[data-key="left-great_toe"]').click()
    expect(page.locator("#left-great_toe")).to_have_attribute("aria-checked", "true")
    expect(page.locator("[data-marked]")).to_contain_text("Left big toe (pain)")
    # a second kind in the same place: both are kept and both patterns drawn
    page.locator("input[name=tool][value=numbness]").check()
    page.locator('[data-zoom="left-foot"][data-view="front"] polygon[data-key="left-great_toe"]').click()
    expect(page.locator("#left-great_toe")).to_have_attribute("aria-label", "Left big toe: pain, numbness")
    expect(page.locator("[data-marked]")).to_contain_text("Left big toe (pain, numbness)")
    drawn = page.locator('svg.bodymap-svg >> nth=0 >> polygon[data-overlay="left-great_toe"]').evaluate_all(
        "overlays => overlays.map(o => o.getAttribute('fill'))"
    )
    assert drawn == ["url(#pat-pain)", "none", "url(#pat-numbness)"], drawn
    page.get_by_role("button", name="Close the big view").click()
    expect(page.locator("[data-zoom]:not([hidden])")).to_have_count(0)


def test_a_touch_screen_tap_on_the_small_drawing_opens_the_enlarged_part(
    browser: Any, live_server: LiveServer, screenshots: Path
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    _start_to_body_map(page, live_server)
    page.locator("#left-foot_dorsum").tap()
    zoom = page.locator('[data-zoom="left-foot"][data-view="front"]')
    expect(zoom).to_be_visible()
    expect(page.locator("#left-foot_dorsum")).to_have_attribute("aria-checked", "false")  # not marked yet
    zoom.locator('polygon[data-key="left-foot_dorsum"]').tap()
    expect(page.locator("#left-foot_dorsum")).to_have_attribute("aria-checked", "true")
    _shot(page, screenshots, "34-body-map-touch-enlarged")
    context.close()


def test_four_areas_are_marked_with_the_keyboard_only(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    """From the red-flag screen to the next question without a mouse: the drawing is one tab stop
    that starts at the area between the legs, the arrow keys move across it, Space marks."""
    page.set_viewport_size(DESKTOP)
    _start(page, live_server)
    for _ in range(2):  # the red-flag screen: Tab to Continue, Enter
        _tab_to(page, "button[name=choice][value=options]")
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/interview/body-map")
    expect(page.locator("form[data-ready=true]")).to_have_count(1)
    # numbness as the kind: the radio group takes the arrow keys
    _tab_to(page, "input[name=tool][value=pain]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=tool][value=numbness]")).to_be_checked()
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.id")
    assert first == "saddle", first  # the warning-sign area comes first
    stops = page.locator("svg.bodymap-svg").first.locator('polygon.region[tabindex="0"]')
    expect(stops).to_have_count(1)  # one tab stop for the whole drawing
    marked: list[str] = []
    for keys in (["ArrowRight", "ArrowDown"], ["ArrowDown", "ArrowDown"], ["ArrowDown"], ["ArrowLeft"]):
        for key in keys:
            page.keyboard.press(key)
        page.keyboard.press("Space")
        focused = page.evaluate("document.activeElement.id")
        marked.append(focused)
        expect(page.locator(f"#{focused}")).to_have_attribute("aria-checked", "true")
    assert len(set(marked)) == 4, marked
    names = (
        page.locator("svg.bodymap-svg")
        .first.locator("polygon.region")
        .evaluate_all("areas => areas.map(a => a.querySelector('title').textContent)")
    )
    assert len(names) == len(set(names)), "every area has its own name"
    expect(page.locator("[data-marked]")).to_contain_text("(numbness)")
    _shot(page, screenshots, "35-body-map-keyboard")
    # Tab leaves the drawing in one step, on to Continue
    _tab_to(page, "button[name=choice][value=marks]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/interview/q/sex")
    assert page.locator("input[name=question]").get_attribute("value") == "sex"


def _tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element is focused (only the keyboard moves the focus)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_on_the_other_pages(page: Page, live_server: LiveServer, screenshots: Path, size: str) -> None:
    """The pages no journey above photographs: error pages, the carry-on prompt, the clinician's
    note page and a clinician interview question."""
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(live_server.url + "/interview")
    expect(page.locator("h1")).to_have_text("No assessment in progress")
    _shot(page, screenshots, f"40-error-no-assessment-{size}")
    page.goto(live_server.url + "/start?link=" + "x" * 43)
    expect(page.locator("h1")).to_have_text("This link does not work")
    _shot(page, screenshots, f"41-error-bad-link-{size}")
    _start(page, live_server)
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + "/")
    expect(page.get_by_test_id("resume")).to_contain_text("You have answered 1 question")
    _shot(page, screenshots, f"42-home-carry-on-{size}")
    page.context.clear_cookies()
    page.goto(live_server.url + "/clinic/login")
    page.get_by_label("Email").fill(CLINICIAN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/clinic/note")
    _shot(page, screenshots, f"43-clinic-note-{size}")
    page.get_by_role("button", name="New interview").click()
    expect(page.locator("input[name=question]")).to_have_value("red_flags_nerves")
    _shot(page, screenshots, f"44-clinician-interview-{size}")
