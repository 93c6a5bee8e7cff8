"""The sciatic nerve against the L5 and S1 roots without a history to point at it (issue 14, M s13).

A sciatic lesion weakens the hamstrings and both its divisions' territories at once (fibular: ankle and
great-toe dorsiflexion, the dorsum of the foot; tibial: plantar flexion, the sole, the ankle jerk) but
spares the gluteal muscles, whose nerves leave the plexus above it; back pain and a positive straight-leg
raise point to a root (Preston & Shapiro, sciatic chapter). Structured cases, so the reader plays no
part; the variants differ from the first picture only in the named discriminator."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _both_divisions(side: str, hip_abduction: int = 5, root_signs: bool = False) -> dict[str, Any]:
    other = "right" if side == "left" else "left"
    grades = {
        "knee_flexion": 4,
        "ankle_dorsiflexion": 3,
        "great_toe_extension": 3,
        "ankle_plantarflexion": 4,
        "hip_abduction": hip_abduction,
        "hip_extension": 5,
    }
    findings: list[dict[str, Any]] = (
        [{"id": "back_pain", "status": "present"}, {"id": "slr_positive", "status": "present", "side": side}]
        if root_signs
        else [{"id": "back_pain", "status": "absent"}, {"id": "slr_positive", "status": "absent"}]
    )
    return {
        "age": 45,
        "sex": "female",
        "duration_days": 40,
        "pain_map_complete": False,
        "pain_map": [
            {"region": "thigh_posterior", "side": side},
            {"region": "foot_dorsum", "side": side, "kind": "numbness"},
            {"region": "foot_sole", "side": side, "kind": "numbness"},
            {"region": "leg_lateral", "side": side, "kind": "numbness"},
        ],
        "findings": findings,
        "strength": [{"movement": m, "side": side, "grade": g} for m, g in grades.items()],
        "reflexes": [
            {"reflex": "achilles", "side": side, "grade": 1},
            {"reflex": "achilles", "side": other, "grade": 2},
        ],
    }


def _sciatic(assessment: Assessment, side: str) -> float:
    return sum(s.probability for s in assessment.localization if s.nerve == "sciatic" and s.side == side)


def test_weak_hamstrings_with_both_divisions_and_no_back_pain_is_the_sciatic_nerve() -> None:
    for side in ("left", "right"):
        top = assess(_both_divisions(side)).localization[0]
        assert (str(top.site), top.nerve, top.side) == ("peripheral-nerve", "sciatic", side)


def test_the_same_deficits_with_weak_hip_abduction_are_not_the_sciatic_nerve() -> None:
    # gluteus medius (superior gluteal nerve) is spared by a lesion of the sciatic nerve itself
    assessment = assess(_both_divisions("left", hip_abduction=3))
    assert assessment.localization[0].nerve != "sciatic"
    assert _sciatic(assessment, "left") < _sciatic(assess(_both_divisions("left")), "left")


def test_the_same_deficits_with_back_pain_and_a_positive_slr_point_to_a_root() -> None:
    assessment = assess(_both_divisions("left", root_signs=True))
    assert str(assessment.localization[0].site) == "root"
    assert _sciatic(assessment, "left") < _sciatic(assess(_both_divisions("left")), "left")
