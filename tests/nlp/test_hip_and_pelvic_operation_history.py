"""A broken hip or pelvis fixed by an operation is a hip or pelvic operation; the hip named in an
operation is not a place of symptoms (issue 14, M s12: a plexus or nerve lesion after hip or pelvic
surgery was not linked because the operation was not read)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of

SURGERY = "recent_hip_or_pelvic_surgery"


@pytest.mark.parametrize(
    "note",
    [
        "Last month she broke the neck of her left femur and had it pinned. Since then the left foot drops.",
        "A fractured acetabulum was fixed with screws last month and his right leg has been weak since.",
        "Three weeks ago he had an operation for fixation of a fractured pelvis; now the left thigh is numb.",
        "Six weeks after a dynamic hip screw for a fractured hip her right leg is weak.",
        # the operation in other words (M s13)
        "A pelvic fracture was treated with open reduction and internal fixation last month; the foot drops.",
        "Two weeks after ORIF of the right acetabulum she cannot lift her right foot.",
        "He had an acetabular fracture plated three weeks ago and the left leg is weak.",
        # the fracture named first, its fixing in the next clause or sentence, dated in either
        "She broke her pelvis falling from a horse; the fracture was plated. Since then her sole burns.",
        "He fractured his acetabulum in a crash. The fracture was fixed two weeks ago; the left foot drops.",
    ],
)
def test_a_fixed_hip_or_pelvic_fracture_is_a_recent_hip_or_pelvic_operation(note: str) -> None:
    assert status_of(note, SURGERY) == "present"


@pytest.mark.parametrize(
    "note",
    [
        "He broke his ankle in 2010 and it was fixed with a plate.",
        "She fractured her hip ten years ago; it healed without an operation.",
        "She fractured her wrist last month; the fracture was plated.",
        "She broke her pelvis in 2005; the fracture was plated.",
        "Past surgical history: ORIF of the left acetabulum.",
    ],
)
def test_another_bone_or_an_old_unfixed_fracture_is_not(note: str) -> None:
    assert status_of(note, SURGERY) != "present"


def test_the_hip_of_an_operation_is_not_where_the_symptom_is() -> None:
    case = extract("After a total hip replacement last month his right leg is numb and weak.").case
    assert status_of("After a total hip replacement last month his right leg is numb.", SURGERY) == "present"
    assert not {m.region for m in case.pain_map or []} & {"groin", "buttock", "hip_lateral"}


def test_a_painful_hip_is_still_the_hip() -> None:
    case = extract("Her hip operation was years ago; the right hip is painful now.").case
    assert {m.region for m in case.pain_map or []} >= {"groin", "buttock", "hip_lateral"}
