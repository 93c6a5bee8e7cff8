"""Reading: an age given as a decade ("in his 60s", "Man 60s", "70s F") is the decade's middle."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A man in his 60s has back pain and numb legs.", 65.0),
        ("A woman in her late seventies has pain in the left hip.", 75.0),
        ("Man 60s, back pain, both legs numb, retention of urine.", 65.0),
        ("70s F with right buttock pain.", 75.0),
        ("Female, 50s, pain down the back of the leg.", 55.0),
    ],
)
def test_an_age_given_as_a_decade_is_the_middle_of_the_decade(text: str, age: float) -> None:
    assert extract(text).case.age == pytest.approx(age)


@pytest.mark.parametrize(
    "text",
    [
        "Blood pressure in the 80s systolic, leg pain.",
        "Oxygen saturations in the 90s; calf pain.",
        "Back pain since the 1990s.",
    ],
)
def test_vital_signs_and_years_in_decades_are_not_an_age(text: str) -> None:
    assert extract(text).case.age is None


def test_a_number_of_years_wins_over_a_decade() -> None:
    text = "A 72-year-old man who first had sciatica in his 40s."
    assert extract(text).case.age == pytest.approx(72.0)


@pytest.mark.parametrize(
    "text",
    [
        "A woman has back pain. Her father died of prostate cancer in his 60s.",
        "Leg pain for 2 weeks. Mother had breast ca in her 40s.",
        "Sciatica on the left; her husband, in his 70s, drives her.",
    ],
)
def test_a_relatives_age_in_decades_is_not_the_patients(text: str) -> None:
    assert extract(text).case.age is None


def test_the_patients_decade_after_a_relatives_sentence_is_read() -> None:
    text = "His father had a stroke. A man in his 50s with pain down the right leg."
    assert extract(text).case.age == pytest.approx(55.0)
