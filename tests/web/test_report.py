"""The clinical summary PDF fits one A4 page for every golden case (issue 15 item 9), counted on
the rendered document, with a consultation request and a review comment on it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.presentation.plain import severity_measured
from nervemap.web import bodymap, present
from nervemap.web.report import report_html

weasyprint = pytest.importorskip("weasyprint")
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"


def _context(case: dict[str, Any]) -> dict[str, Any]:
    assessment = assess(Case.model_validate(case))
    now = datetime.now(UTC)
    record = SimpleNamespace(
        id=uuid.uuid4(),
        created_at=now,
        source_kind="structured",
        status="reviewed",
        reviewed_at=now,
        review_comment="Seen in clinic; physiotherapy booked and safety-netted.",
        knowledge_version=assessment.knowledge_version,
        nervemap_version=assessment.nervemap_version,
    )
    request = SimpleNamespace(name="Ada Lovelace-Patient", contact="ada.patient@example.org", created_at=now)
    return {
        "record": record,
        "assessment": assessment,
        "case": case,
        "note": None,
        "picture": bodymap.picture(assessment, case.get("pain_map"), "Pain map and leading territory"),
        "requests": [request],
        "reviewer": "clinician@example.org",
        "by_patient": False,
        "severity_label": assessment.severity.grade.value
        if severity_measured(assessment)
        else "not assessed",
        "header": present.header(assessment, case),
        "next_id": None,
    }


def _texts(box: Any) -> list[str]:
    """The text of a laid-out page, in order."""
    out = [box.text] if getattr(box, "text", None) else []
    for child in getattr(box, "children", None) or []:
        out.extend(_texts(child))
    return out


def test_every_golden_summary_is_one_a4_page() -> None:
    cases = [json.loads(line) for line in GOLDEN.read_text().splitlines() if line.strip()]
    pages = {}
    for row in cases:
        html = report_html(_context(row["case"]), printable=False)
        assert "&#34;DejaVu Sans&#34;" not in html and '"DejaVu Sans"' in html  # the CSS is not escaped
        document = weasyprint.HTML(string=html).render()
        pages[row["id"]] = len(document.pages)
        assert "Decision support, not a diagnosis" in " ".join(_texts(document.pages[-1]._page_box))
        size = document.pages[0].width, document.pages[0].height
        assert size == pytest.approx((793.7, 1122.5), abs=1), size  # A4 in CSS pixels (210 x 297 mm)
    assert {case: n for case, n in pages.items() if n != 1} == {}


def test_the_summary_shows_the_exact_age_and_red_flags_as_a_checklist() -> None:
    case = json.loads(GOLDEN.read_text().splitlines()[0])["case"]
    html = report_html(_context(case), printable=False)
    who = html.split('data-testid="who">')[1].split("</p>")[0]
    assert f"Age {case['age']:g}" in who and "Ada Lovelace-Patient" in who
    checklist = html.split('data-testid="screens">')[1].split("</ul>")[0]
    assert checklist.count("<li>") == 2 and "Cauda equina" in checklist
    assert "<strong>Absent:</strong>" not in html  # no forty-item paragraph
