"""Reading defects a set of unseen published cases showed (issue 14, H11 session 7), as general rules.

- Negation scope: "without any trigger" denies only the trigger; ", with" opens a phrase that a "no" or
  "without" before it does not reach.
- Past episodes: "an operation N years ago for X", "N years ago he had X", "X that settled with
  physiotherapy" are history, not the present illness (only years: "three weeks ago he developed" is
  the present illness); "presumed X" is not asserted.
- "Feeling is lost over X" is a sensory finding, not pain.
- "The inner side of the calf / ankle / knee / leg" is the medial region ("side of the calf" alone is
  the lateral one).
- A word grade next to a reflex grades the reflex only; names joined before "are each graded 4+/5" all
  take the grade.
- Weakness and wasting in prose: "his leg feels weak", "getting weaker", "the strength of the
  quadriceps is reduced", "the thigh muscles have shrunk".
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import findings_of


def _sided_findings(text: str) -> set[tuple[str, str, str | None]]:
    return {(f.id, f.status.value, f.side) for f in extract(text).case.findings or []}


def _pain(text: str) -> set[tuple[str, str | None]]:
    return {(m.region, m.side) for m in extract(text).case.pain_map or []}


def _sensation(text: str) -> set[tuple[str, str | None, str]]:
    return {(s.region, s.side, s.status) for s in extract(text).case.sensation or []}


def _strength(text: str) -> set[tuple[str, str | None, int]]:
    return {(s.movement, s.side, s.grade) for s in extract(text).case.strength or []}


# ------------------------------------------------------------------ negation scope


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("She developed, without any trigger, severe pain along the outer right thigh.", "thigh_lateral"),
        ("Without any obvious cause he developed pain in the left calf.", "calf"),
        (
            "The pain came on with no apparent trigger and spread down the back of the right thigh.",
            "thigh_posterior",
        ),
        ("Pain began without warning in the front of the left shin.", "leg_anterior"),
    ],
)
def test_without_a_trigger_denies_only_the_trigger(text: str, region: str) -> None:
    assert any(r == region for r, _ in _pain(text)), _pain(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("The pain crept on without injury, with bouts of numbness in the same area.", "leg_numbness"),
        ("No fever, with tingling in the right foot.", "leg_tingling"),
        ("Back pain without trauma, with numbness of the left leg.", "leg_numbness"),
    ],
)
def test_comma_with_ends_a_negation(text: str, finding: str) -> None:
    found = findings_of(text)
    assert (finding, "absent") not in found
    assert (finding, "present") in found


def test_a_denied_list_still_reaches_every_member() -> None:
    found = findings_of("He denies numbness, tingling or weakness in the legs.")
    assert ("leg_numbness", "absent") in found
    assert ("leg_tingling", "absent") in found


# ------------------------------------------------------------------ past episodes


@pytest.mark.parametrize(
    "text",
    [
        "A decompression at L4-5 four years ago for presumed stenosis did not help.",
        "She had a discectomy 6 years ago for an L5-S1 disc herniation.",
        "Surgery ten years ago for spinal stenosis at L3-4.",
    ],
)
def test_an_old_operations_indication_is_not_current_imaging(text: str) -> None:
    assert not extract(text).case.imaging


@pytest.mark.parametrize(
    "text",
    [
        "Four years ago he had sciatica mostly in the right leg.",
        "Ten years ago she had sciatica on the right.",
        "He had right sciatica that settled with physiotherapy.",
        "An episode of right-sided sciatica that resolved with an epidural injection.",
    ],
)
def test_a_past_episode_is_not_present(text: str) -> None:
    assert ("radiating_leg_pain", "present") not in findings_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "Three weeks ago he developed sciatica in the right leg.",
        "Two months ago she had sudden sciatica on the left.",
        "Right sciatica since an injury two years ago.",
    ],
)
def test_the_present_illness_is_still_present(text: str) -> None:
    assert ("radiating_leg_pain", "present") in findings_of(text)


def test_a_typical_claudication_episode_is_not_history() -> None:
    text = "Calf pain on walking that resolved with rest within minutes."
    assert any(r == "calf" for r, _ in _pain(text))


# ------------------------------------------------------------------ feeling lost, inner side


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Feeling is lost over the front of the right thigh.", ("thigh_anterior", "right", "absent")),
        ("Feeling was reduced over the left outer calf.", ("leg_lateral", "left", "reduced")),
        ("There is loss of feeling on the sole of the left foot.", ("foot_sole", "left", "absent")),
    ],
)
def test_feeling_lost_is_a_sensory_finding(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _sensation(text)
    assert not _pain(text)


def test_a_feeling_of_heaviness_is_not_a_sensory_exam() -> None:
    assert not _sensation("A feeling of heaviness in the right calf.")


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Touch is reduced along the inner side of the left calf.", "leg_medial"),
        ("She has pain on the inner side of the left ankle.", "ankle_medial"),
        ("Pain over the medial side of the right knee.", "knee_medial"),
        ("Aching along the inner part of the right shin.", "leg_medial"),
    ],
)
def test_the_inner_side_is_medial(text: str, region: str) -> None:
    regions = {r for r, _ in _pain(text)} | {r for r, _, _ in _sensation(text)}
    assert region in regions
    assert not regions & {"leg_lateral", "ankle_lateral", "knee_lateral"}


# ------------------------------------------------------------------ grades


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        (
            "The right knee jerk is absent, right hip adduction and knee extension are weak.",
            {("hip_adduction", "right", 4), ("knee_extension", "right", 4)},
            {("hip_adduction", "right", 0), ("knee_extension", "right", 0)},
        ),
        (
            "Absent left ankle jerk, left plantar flexion weak.",
            {("ankle_plantarflexion", "left", 4)},
            {("ankle_plantarflexion", "left", 0)},
        ),
    ],
)
def test_a_reflex_word_does_not_grade_a_muscle(
    text: str, expected: set[tuple[str, str, int]], not_expected: set[tuple[str, str, int]]
) -> None:
    found = _strength(text)
    assert expected <= found
    assert not (not_expected & found)


@pytest.mark.parametrize(
    "text",
    [
        "Right hip flexion and knee extension are each graded 4+/5.",
        "Right hip flexion and knee extension were all rated 4/5.",
    ],
)
def test_coordinated_names_share_a_grade(text: str) -> None:
    assert {("hip_flexion", "right", 4), ("knee_extension", "right", 4)} <= _strength(text)


# ------------------------------------------------------------------ weakness and wasting in prose


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Now his left leg hurts, cramps and feels weak.", "left"),
        ("Over a month he found his left leg getting weaker.", "left"),
        ("The right thigh has become weak over days.", "right"),
        ("Her left leg has grown steadily weaker.", "left"),
    ],
)
def test_weakness_in_prose(text: str, side: str) -> None:
    assert ("subjective_leg_weakness", "present", side) in _sided_findings(text)


def test_strength_of_a_named_muscle_reduced() -> None:
    assert ("knee_extension", "left", 4) in _strength(
        "The strength of the left quadriceps is clearly reduced."
    )
    assert ("ankle_dorsiflexion", "right", 4) in _strength(
        "Power in the right ankle dorsiflexors was mildly decreased."
    )


@pytest.mark.parametrize(
    "text",
    [
        "The left thigh muscles have shrunk.",
        "His right calf has wasted.",
        "The quadriceps have visibly thinned on the left.",
    ],
)
def test_wasting_in_prose(text: str) -> None:
    assert ("muscle_wasting", "present") in findings_of(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rivaroxaban for AF, sudden groin pain, weak knee extension on the right.",
            ("knee_extension", "right", 4),
        ),
        ("Right foot drop with sparing of ankle inversion.", ("ankle_inversion", "right", 5)),
        ("Absent knee extension on the left.", ("knee_extension", "left", 0)),
    ],
)
def test_a_reflex_word_inside_a_movement_name_is_the_movement(
    text: str, expected: tuple[str, str, int]
) -> None:
    assert expected in _strength(text)
