"""Examination phrasings (issue 14 item 5, H1): a reflex the examiner cannot elicit is absent, a
reflex named by its root ("S1 reflexes") is that reflex, and "straight leg was negative" is the
straight-leg raise."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I cannot elicit the ankle reflexes.", {("achilles", "left", 0), ("achilles", "right", 0)}),
        ("Unable to elicit the left ankle jerk.", {("achilles", "left", 0)}),
        ("I cannot elicit S1 reflexes.", {("achilles", "left", 0), ("achilles", "right", 0)}),
        ("The L4 reflexes are symmetric.", {("patellar", "left", 2), ("patellar", "right", 2)}),
    ],
)
def test_reflexes_not_elicited_or_named_by_their_root(text: str, expected: set[tuple[str, str, int]]) -> None:
    assert {(r.reflex, r.side, r.grade) for r in extract(text).case.reflexes} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "While seated, straight leg was negative on the LLE at 90 degrees and also negative on the RLE.",
            {("slr_positive", "absent", "left"), ("slr_positive", "absent", "right")},
        ),
        ("Straight leg test is positive on the right at 40 degrees.", {("slr_positive", "present", "right")}),
    ],
)
def test_the_straight_leg_named_without_raise(text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {(f.id, f.status.value, f.side) for f in extract(text).case.findings}
    assert expected <= found


def test_lifting_a_straight_leg_is_not_a_test_result() -> None:
    assert not extract("He can lift his straight leg.").case.findings


def test_toe_heel_walking_performed_without_difficulty_is_normal_heel_and_toe_walking() -> None:
    found = {
        (f.id, f.status.value)
        for f in extract("Toe-heel walking is performed without difficulty.").case.findings
    }
    assert {("heel_walking_difficulty", "absent"), ("toe_walking_difficulty", "absent")} <= found


def test_full_strength_at_the_hips_knees_and_ankles_is_full_strength_of_both_legs() -> None:
    case = extract("Manual muscle testing reveals 5/5 strength at the hips, knees, and ankles.").case
    grades = {(s.movement, s.side): s.grade for s in case.strength}
    assert grades[("ankle_dorsiflexion", "left")] == grades[("knee_extension", "right")] == 5
    assert set(grades.values()) == {5}
