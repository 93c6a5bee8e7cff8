"""Reading: "a man of 34" is an age; "slowly worsening weakness" is not progressive weakness over days."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A man of 34 has had intermittent pain in the right thigh.", 34.0),
        ("A woman of 60 years, a smoker, has back pain.", 60.0),
        ("A man of 71, previously well, has leg pain.", 71.0),
    ],
)
def test_the_age_after_a_person_word_and_of_is_read(text: str, age: float) -> None:
    assert extract(text).case.age == pytest.approx(age)


@pytest.mark.parametrize(
    "text",
    [
        "A man of 80 kg has back pain.",
        "A woman of 1.5 m has back pain.",
        "A man of 3 days' leg pain is seen.",
    ],
)
def test_a_measure_after_a_person_word_is_not_an_age(text: str) -> None:
    assert extract(text).case.age is None


def _progressive(text: str) -> bool:
    return any(f.id == "progressive_weakness" and f.status == "present" for f in extract(text).case.findings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Seven years of slowly worsening weakness of the right leg.", False),
        ("Gradually increasing weakness of the thigh over two years.", False),
        ("Progressive weakness of both legs since yesterday.", True),
        ("Worsening weakness over two days.", True),
    ],
)
def test_slowly_worsening_weakness_is_not_progressive_weakness_over_days(text: str, expected: bool) -> None:
    """progressive_weakness is weakness progressing over hours to days (findings/symptoms.yaml)."""
    assert _progressive(text) is expected
