"""Standing or walking on the heels or toes as examined, in any form of the verb (issue 14 Build 5,
L s14).

"Cannot stand on tiptoes on the right", "unable to walk on his tiptoes", "she cannot walk on her
heels on the left" were read as the walking finding only, with no weak muscle: the grade words knew
"tiptoe" but not "tiptoes", and the muscle names knew "walking on" but not "walk on" or "stand on
her heels". They are the standing tests of the calf muscles (plantar flexion, S1) and of the ankle
dorsiflexors (L4-L5), so the muscle is weak on that side, as "unable to stand on his toes" was read.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _strength(text: str) -> set[tuple[str, str | None, int]]:
    return {(s.movement, s.side, s.grade) for s in extract(text).case.strength}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cannot stand on tiptoes on the right.", ("ankle_plantarflexion", "right", 4)),
        ("He is unable to walk on his tiptoes on the left.", ("ankle_plantarflexion", "left", 4)),
        ("She cannot walk on her toes on the left side.", ("ankle_plantarflexion", "left", 4)),
        ("She cannot walk on her heels on the left.", ("ankle_dorsiflexion", "left", 4)),
        ("Unable to stand on his heels on the right.", ("ankle_dorsiflexion", "right", 4)),
        ("Unable to tiptoe on the left.", ("ankle_plantarflexion", "left", 4)),
    ],
)
def test_an_inability_to_stand_on_heels_or_toes_weakens_that_muscle(
    text: str, expected: tuple[str, str, int]
) -> None:
    assert expected in _strength(text)


@pytest.mark.parametrize(
    "text",
    [
        "He can walk on his heels and toes.",
        "She is able to stand on her heels.",
        "He stands on his toes to reach the shelf.",
        "He walked on his heels without difficulty.",
    ],
)
def test_standing_on_heels_or_toes_without_difficulty_grades_nothing_weak(text: str) -> None:
    assert not {grade for _, _, grade in _strength(text) if grade < 5}
