"""Symptoms stated for the left leg and for the right leg are symptoms in both legs (H10's review, session 8).

bilateral_leg_symptoms was derived from the pain map only, and a named symptom with a side but no part of
the leg ("right sciatica") puts nothing there, so "right sciatica ... yesterday his left leg became weak
and numb" never had symptoms in both legs and the cauda equina rule for a new deficit with symptoms in
both legs (ces_bilateral_symptoms_new_deficit, 3d01d2c) did not fire: routine.
"""

from __future__ import annotations

from nervemap.engine.assess import assess
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def present(text: str) -> set[str]:
    """The findings the engine holds present for the note (symptoms in both legs are derived by the
    engine from the sided leg symptoms since session 9, localisation.yaml both_legs_from_sides)."""
    compiled = default_compiled()
    encoded = encode_case(extract(text).case, compiled)
    return {f for f, i in compiled.finding_index.items() if encoded.present[i]}


NEW_DEFICIT_IN_THE_OTHER_LEG = (
    "A 50-year-old man with right sciatica for six weeks; yesterday his left leg became weak and numb."
)


def test_sciatica_on_one_side_and_numbness_on_the_other_are_both_legs() -> None:
    assert "bilateral_leg_symptoms" in present(NEW_DEFICIT_IN_THE_OTHER_LEG)


def test_a_new_deficit_in_the_other_leg_is_a_cauda_equina_emergency() -> None:
    result = assess(extract(NEW_DEFICIT_IN_THE_OTHER_LEG).case)
    assert result.triage.level.value == "emergency"
    assert any(s.condition == "cauda_equina_syndrome" for s in result.triage.suspected)


def test_one_leg_with_sciatica_is_not_both_legs() -> None:
    assert "bilateral_leg_symptoms" not in present(
        "Right sciatica for three weeks, with numbness of the right foot."
    )


def test_knee_pain_in_the_other_leg_is_not_a_leg_symptom_of_both_legs() -> None:
    assert "bilateral_leg_symptoms" not in present(
        "Right sciatica for three weeks. Left knee pain from arthritis."
    )
