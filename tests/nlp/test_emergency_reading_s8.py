"""Reading the words of a new deficit and of a genital sensory change (H9, session 8).

A leg or foot that has just gone numb or weak is the "recent onset or deterioration" of the suspected-CES
pathway (BMJ Best Practice CES after GIRFT 2023): ``leg_neuro_symptom_new``, read with the plain numbness or
weakness the same words say (so the pulseless-limb and other rules that need them still see them). A
numbness that came gradually or over years is not new. Altered genital sensation (scrotal anaesthesia,
Saway 2019) is a saddle change.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _present(text: str) -> set[str]:
    return {f.id for f in extract(text).case.findings if str(f.status) == "present"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Just before coming in, her left heel went numb.", {"leg_neuro_symptom_new", "leg_numbness"}),
        (
            "In the last few days the right foot has also gone numb.",
            {"leg_neuro_symptom_new", "leg_numbness"},
        ),
        (
            "Since yesterday his left leg has become weak.",
            {"leg_neuro_symptom_new", "subjective_leg_weakness"},
        ),
        ("She reports new numbness in the left leg.", {"leg_neuro_symptom_new", "leg_numbness"}),
        ("The pain has now spread to the other leg.", {"leg_neuro_symptom_new"}),
        ("He has scrotal anaesthesia.", {"saddle_numbness"}),
        ("Numbness of the scrotum since this morning.", {"saddle_numbness"}),
        ("Mild tingling in the front of the left thigh and scrotum.", {"saddle_numbness", "leg_tingling"}),
        # a bulla is read apart from necrosis since session 9 (E): triage needs signs of infection with it
        ("A bulla appeared over the left calf yesterday.", {"skin_bullae"}),
    ],
)
def test_a_new_deficit_or_a_genital_sensory_change_is_read(text: str, expected: set[str]) -> None:
    assert expected <= _present(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Her feet went numb gradually over the last few years.",
        "His feet went numb over the past ten years.",
        "Both feet are numb.",
        "The right foot is numb and weak.",
    ],
)
def test_a_numbness_that_is_not_new_is_not_read_as_new(text: str) -> None:
    assert "leg_neuro_symptom_new" not in _present(text), text


def test_a_denied_genital_numbness_is_not_a_saddle_change() -> None:
    assert "saddle_numbness" not in _present("No numbness of the scrotum or perineum.")
