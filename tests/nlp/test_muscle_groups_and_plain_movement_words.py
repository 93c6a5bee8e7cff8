"""Body-region and side reading of a nerve mimic's examination (issue 14, M s12).

A muscle group's plural name is one leg's group, so a weak group with no side word is a weakness on
a side not stated, never both sides (unknown is not bilateral); a muscle named by what it does in
plain words is that movement; an aspect of the thigh named as a patch, area or strip of it is that
aspect, not the whole thigh.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _strength(text: str) -> set[tuple[str, str | None, int]]:
    return {(t.movement, t.side, t.grade) for t in extract(text).case.strength or []}


def _thigh(text: str) -> set[str]:
    """Thigh regions the note marks, as a symptom on the body map or an examined sensation."""
    case = extract(text).case
    marked = [m.region for m in case.pain_map or []] + [t.region for t in case.sensation or []]
    return {region for region in marked if region.startswith("thigh_")}


@pytest.mark.parametrize(
    ("text", "movement"),
    [
        ("On resisted testing the hip adductors are weak.", "hip_adduction"),
        ("There is weakness of the quadriceps.", "knee_extension"),
        ("The hamstrings are weak.", "knee_flexion"),
        ("The ankle dorsiflexors are weak.", "ankle_dorsiflexion"),
    ],
)
def test_a_weak_muscle_group_without_a_side_word_is_on_a_side_not_stated(text: str, movement: str) -> None:
    assert _strength(text) == {(movement, None, 4)}


def test_a_muscle_group_with_a_side_word_keeps_that_side() -> None:
    assert _strength("The quadriceps are weak on the left.") == {("knee_extension", "left", 4)}


def test_plural_knees_still_name_both_legs() -> None:
    got = _strength("On examination the muscles that straighten the knees are weak.")
    assert {(m, s) for m, s, _ in got} == {("knee_extension", "left"), ("knee_extension", "right")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The muscles that straighten the left knee are weak.", {("knee_extension", "left", 4)}),
        ("The muscle which extends his right knee is weak.", {("knee_extension", "right", 4)}),
        ("The muscles that bend the left knee are weak.", {("knee_flexion", "left", 4)}),
        ("The muscles that bend the right hip are weak.", {("hip_flexion", "right", 4)}),
        ("The muscles that bring the right leg inwards are weak.", {("hip_adduction", "right", 4)}),
        ("The muscles that move the left leg out sideways are weak.", {("hip_abduction", "left", 4)}),
        ("The muscles that lift the left foot are weak.", {("ankle_dorsiflexion", "left", 4)}),
        ("The muscles that point the right foot down are weak.", {("ankle_plantarflexion", "right", 4)}),
    ],
)
def test_a_muscle_named_by_what_it_does_is_that_movement(
    text: str, expected: set[tuple[str, str | None, int]]
) -> None:
    assert _strength(text) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Pinprick is dulled over an anterolateral area of the left thigh.", "thigh_lateral"),
        ("Numbness over the outer area of the right thigh.", "thigh_lateral"),
        ("Burning pain over the posterior area of the right thigh.", "thigh_posterior"),
        ("Tingling over the inner region of the left thigh.", "thigh_medial"),
    ],
)
def test_a_patch_or_area_of_the_thigh_is_that_aspect(text: str, region: str) -> None:
    assert _thigh(text) == {region}


def test_a_thigh_named_without_its_aspect_stays_the_whole_thigh() -> None:
    assert _thigh("Burning pain in the left thigh.") == {
        "thigh_anterior",
        "thigh_lateral",
        "thigh_medial",
        "thigh_posterior",
    }
