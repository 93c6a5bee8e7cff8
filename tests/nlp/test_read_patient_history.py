"""Ages of young children, and when a spinal procedure counts as recent."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("An 18-month-old boy with a swollen knee after a fall.", 1.5),
        ("A 3-week-old infant is brought in.", 0.06),
        ("A 42-year-old man with 6 months of back pain.", 42.0),
    ],
)
def test_an_age_in_months_or_weeks_is_not_read_as_years(text: str, age: float) -> None:
    assert extract(text).case.age == pytest.approx(age, abs=0.01)


def _procedure(text: str) -> str | None:
    found = [f.status for f in extract(text).case.findings if f.id == "recent_spinal_procedure"]
    return str(found[0]) if found else None


@pytest.mark.parametrize(
    "text",
    [
        "Back pain and fever 2 weeks after a lumbar discectomy.",
        "She underwent an L4-5 laminectomy 3 weeks ago and now has fever.",
        "Recent epidural steroid injection for sciatica.",
    ],
)
def test_a_recent_spinal_procedure_is_read(text: str) -> None:
    assert _procedure(text) == "present"


@pytest.mark.parametrize(
    "text",
    [
        "68-year-old woman with prior anterior cervical discectomy and fusion for myelopathy.",
        "45-year-old man with a previous laminectomy in 2009.",
    ],
)
def test_an_old_or_cervical_procedure_is_not_recent(text: str) -> None:
    assert _procedure(text) is None
