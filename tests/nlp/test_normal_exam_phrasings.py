"""A normal examination as clinicians write it (issue 14 item 5): whole-leg normal power and
sensation, and heel and toe walking, in the usual short phrasings. A normal examination is
evidence against a root lesion, so a phrasing the reader misses leaves a root likelier than it is."""

from __future__ import annotations

import pytest

from nervemap.engine.case import Case
from nervemap.nlp import extract


def _read(text: str) -> Case:
    case: Case = extract(text).case
    return case


def _full_power_both(case: Case) -> bool:
    grades = {(s.side, s.grade) for s in case.strength}
    return grades == {("left", 5), ("right", 5)} and len(case.strength) > 20


def _normal_sensation_both(case: Case) -> bool:
    statuses = {(t.side, t.status) for t in case.sensation}
    return statuses == {("left", "normal"), ("right", "normal")} and len(case.sensation) > 20


@pytest.mark.parametrize(
    "text",
    [
        "She has full strength in upper and lower extremities.",
        "No focal weakness.",
        "Power 5/5 in all myotomes.",
        "Motor, sensation and deep tendon reflexes were normal.",
        "Strength and sensory exam are normal.",
    ],
)
def test_whole_leg_full_power(text: str) -> None:
    assert _full_power_both(_read(text))


@pytest.mark.parametrize(
    "text",
    [
        "Light touch, pinprick, and temperature are intact.",
        "Pinprick and light touch sensation are normal.",
        "Motor, sensation and deep tendon reflexes were normal.",
    ],
)
def test_whole_leg_normal_sensation(text: str) -> None:
    assert _normal_sensation_both(_read(text))


def test_intact_elsewhere_is_not_the_whole_leg() -> None:
    case = _read(
        "Sensation to light touch is reduced over the left foot; "
        "pinprick and temperature are intact elsewhere."
    )
    assert {(t.side, t.status) for t in case.sensation} == {("left", "reduced")}


def test_the_arms_alone_are_not_the_legs() -> None:
    assert _read("No focal weakness of the arms.").strength == []


def _walking(case: Case) -> set[tuple[str, str]]:
    return {
        (f.id, f.status.value)
        for f in case.findings
        if f.id in ("heel_walking_difficulty", "toe_walking_difficulty")
    }


@pytest.mark.parametrize(
    "text",
    [
        "He can walk on his heels and toes without difficulty.",
        "She is able to walk on her toes and heels.",
        "He is able to heel walk and toe walk.",
        "Heel and toe walking are normal.",
        "Normal heel and toe walking.",
    ],
)
def test_heel_and_toe_walking_normal(text: str) -> None:
    assert _walking(_read(text)) == {
        ("heel_walking_difficulty", "absent"),
        ("toe_walking_difficulty", "absent"),
    }


def test_unable_to_walk_on_the_heels_is_heel_walking_difficulty() -> None:
    assert _walking(_read("He is unable to walk on his heels.")) == {("heel_walking_difficulty", "present")}
