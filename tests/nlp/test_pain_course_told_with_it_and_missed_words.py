"""A pain's course told with "it", and words the reader missed (issue 14, H11 session 7).

- "It begins in the right buttock and runs along the outer thigh": the course of the pain the note is
  about, with its places ("runs/spreads along/over/across/through/from/into" is a pain's course as
  "runs down" is).
- "Vibration sense is reduced in the toes" is vibration loss; "the small muscles of the foot" are the
  foot intrinsics; a belt described in words ("a broad military belt fastened tightly") is a tight belt.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import findings_of


def _pain(text: str) -> set[str]:
    return {m.region for m in extract(text).case.pain_map or []}


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        (
            "Pain in the right leg for years. It begins in the right buttock and runs along the outer thigh.",
            {"buttock", "thigh_lateral"},
        ),
        (
            "It starts in the left buttock and spreads into the back of the thigh.",
            {"buttock", "thigh_posterior"},
        ),
        ("The ache runs along the front of the right shin.", {"leg_anterior"}),
        ("Burning that spreads over the top of the left foot.", {"foot_dorsum"}),
    ],
)
def test_a_course_told_with_it_or_runs_along(text: str, regions: set[str]) -> None:
    assert regions <= _pain(text)


def test_it_begins_without_a_place_reads_nothing() -> None:
    assert not _pain("It began last spring after a long walk.")


@pytest.mark.parametrize(
    "text",
    [
        "Vibration sense is reduced in the toes of both feet.",
        "Vibration was absent at both great toes.",
        "Vibration perception is diminished at the ankles.",
    ],
)
def test_vibration_reduced_in_a_sentence(text: str) -> None:
    assert ("vibration_loss_feet", "present") in findings_of(text)


def test_small_muscles_of_the_foot() -> None:
    strength = {
        (s.movement, s.grade) for s in extract("The small muscles of the left foot are strong.").case.strength
    }
    assert ("foot_intrinsics", 5) in strength


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("He wears a broad military belt fastened tightly round his waist all day.", True),
        ("She keeps her belt pulled tight at work.", True),
        ("He wears a heavy leather tool belt.", True),
        ("His seat belt was fastened tightly.", False),
    ],
)
def test_a_belt_in_words(text: str, present: bool) -> None:
    assert (("tight_belt_or_clothing", "present") in findings_of(text)) is present


@pytest.mark.parametrize(
    "text",
    [
        "Numbness along the inner lower leg on the left.",
        "Tingling over both inner calves.",
        "Pain down the inner shins.",
    ],
)
def test_the_inner_lower_leg(text: str) -> None:
    assert "leg_medial" in _pain(text)


@pytest.mark.parametrize(
    "text",
    [
        "Straight-leg raising is positive with pain at the back of the thigh, and he hitches the hip.",
        "She walks with a hip-hitching gait because of calf pain.",
        "He hikes his hip when walking and has pain in the calf.",
    ],
)
def test_a_gaits_hip_is_not_a_place_of_pain(text: str) -> None:
    assert not _pain(text) & {"groin", "hip_lateral"}


def test_the_hip_is_still_a_place_of_pain() -> None:
    assert {"groin", "buttock", "hip_lateral"} <= _pain("Pain in the right hip for a month.")
    assert {"groin", "buttock", "hip_lateral"} <= _pain("Both hips ache after walking.")
