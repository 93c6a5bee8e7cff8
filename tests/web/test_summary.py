"""The patient's take-away summary (issue 15, item 8): a printable page and a PDF with the pain
map, the answers, the result and the advice; none for an emergency result."""

from __future__ import annotations

from importlib import resources

import pytest
from fastapi.testclient import TestClient

from tests.web.readability import MAX_GRADE, grade, visible_text
from tests.web.test_pages import _emergency_result, _routine_result

weasyprint = pytest.importorskip("weasyprint")


def test_the_summary_page_has_the_map_the_answers_the_result_and_the_advice(client: TestClient) -> None:
    _routine_result(client)
    result = client.get("/interview/result")
    assert 'href="/interview/summary"' in result.text
    page = client.get("/interview/summary")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    assert 'id="left-foot_dorsum"' in html and "mark-tingling" in html  # the pain map with the marks
    answers = html.split('data-testid="summary-answers"')[1]
    assert "Where you feel it" in answers and "Left top of the foot (tingling)" in answers
    assert "Have you noticed any of these NEW problems?" in answers and "None of these" in answers
    assert 'data-testid="summary-urgency"' in html and 'data-testid="summary-result"' in html
    # styled by a linked stylesheet and a static script: nothing inline for the security policy
    assert '<link rel="stylesheet" href="/static/summary.css">' in html and "<style" not in html
    assert '<script src="/static/report.js" defer></script>' in html and "onclick" not in html
    # the words written for this page (not the answers, which repeat the questions) at grade <= 8
    own = html.split('data-testid="summary-answers"')[0]
    assert grade(visible_text(own)) <= MAX_GRADE, visible_text(own)


def test_the_summary_pdf(client: TestClient) -> None:
    _routine_result(client)
    response = client.get("/interview/summary.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "leg-pain-check-summary.pdf" in response.headers["content-disposition"]
    # the PDF's page: the printable page with its stylesheet inline, as the PDF is made
    css = resources.files("nervemap.web").joinpath("static/summary.css").read_text("utf-8")
    html = client.get("/interview/summary").text.replace(
        '<link rel="stylesheet" href="/static/summary.css">', f"<style>{css}</style>"
    )
    document = weasyprint.HTML(string=html).render()
    assert len(document.pages) == 1  # one A4 page to hand over


def test_an_emergency_result_has_no_summary(client: TestClient) -> None:
    _emergency_result(client)
    page = client.get("/interview/summary")
    assert page.url.path == "/interview/result" and "Request a consultation" not in page.text
    assert client.get("/interview/summary.pdf").url.path == "/interview/result"
