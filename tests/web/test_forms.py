"""Forgiving number answers (issue 15 items 3 and 7): the words people add are understood."""

from __future__ import annotations

import pytest

from nervemap.api.routers.interviews import QuestionOut
from nervemap.interview.catalogue import Kind
from nervemap.web.forms import FormProblem, number

DURATION = QuestionOut(
    id="duration", kind=Kind.NUMBER, text="", why="", unit="weeks", minimum=0, maximum=5200
)
AGE = QuestionOut(id="age", kind=Kind.NUMBER, text="", why="", minimum=0, maximum=120)
PAIN = QuestionOut(id="pain_score", kind=Kind.NUMBER, text="", why="", minimum=0, maximum=10)


@pytest.mark.parametrize(
    ("question", "typed", "weeks_or_value"),
    [
        (DURATION, "3", 3.0),
        (DURATION, "3 weeks", 3.0),
        (DURATION, "6 wks", 6.0),
        (DURATION, "10 days", 10 / 7),
        (DURATION, "3 months", 3 * 365.25 / 12 / 7),
        (DURATION, "3 Months ago", 3 * 365.25 / 12 / 7),
        (DURATION, "1 year", 365.25 / 7),
        (AGE, "45", 45.0),
        (AGE, "45 years", 45.0),
        (AGE, "45 years old", 45.0),
        (AGE, " 45  yrs ", 45.0),
        (PAIN, "7/10", 7.0),
        (PAIN, "7 out of 10", 7.0),
        (PAIN, "about 6", 6.0),
        (PAIN, "6,5", 6.5),
    ],
)
def test_forgiving_numbers(question: QuestionOut, typed: str, weeks_or_value: float) -> None:
    assert number(question, typed) == pytest.approx(weeks_or_value)


@pytest.mark.parametrize(
    ("question", "typed"),
    [
        (PAIN, "7 days"),
        (AGE, "forty"),
        (DURATION, "3 parsecs"),
        (AGE, "130 years"),
        (PAIN, ""),
        (DURATION, "-2"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_message(question: QuestionOut, typed: str) -> None:
    with pytest.raises(FormProblem) as error:
        number(question, typed)
    assert error.value.field == "number" and error.value.message.startswith("Please enter a number")
    if question is DURATION:
        assert "3 months" in error.value.message
