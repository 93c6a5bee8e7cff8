"""Sciatic nerve against the L5 and S1 roots by its own pattern (issue 14, Build 3; M s12).

The textbook separation (Preston & Shapiro, sciatic chapter; Distad & Weiss 2013): a sciatic lesion
weakens the hamstrings and muscles of both its divisions (fibular: ankle dorsiflexion; tibial: plantar
flexion) while the gluteal muscles, whose nerves leave the plexus above the sciatic nerve, keep full
power; a root lesion weakens the muscles of one myotome, gluteal ones included, and comes with back
pain and a positive straight-leg raise. Structured cases, so the reader plays no part.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _case(
    weak: dict[str, int], back_pain: bool, slr: bool, numb: tuple[str, ...] = ("foot_sole", "foot_dorsum")
) -> dict[str, Any]:
    strength = {"hip_abduction": 5, "hip_extension": 5, "knee_flexion": 5, "ankle_dorsiflexion": 5}
    strength |= {"ankle_plantarflexion": 5, **weak}
    return {
        "age": 45,
        "sex": "female",
        "duration_days": 30,
        "pain_map_complete": False,
        "pain_map": [
            {"region": "thigh_posterior", "side": "left"},
            {"region": "calf", "side": "left"},
            *({"region": region, "side": "left", "kind": "numbness"} for region in numb),
        ],
        "findings": [
            {"id": "back_pain", "status": "present" if back_pain else "absent"},
            {"id": "slr_positive", "side": "left", "status": "present" if slr else "absent"},
        ],
        "strength": [{"movement": m, "side": "left", "grade": g} for m, g in strength.items()],
        "reflexes": [
            {"reflex": "achilles", "side": "left", "grade": 0},
            {"reflex": "achilles", "side": "right", "grade": 2},
        ],
    }


def _top_site(assessment: Assessment) -> tuple[str, str | None, str | None]:
    site = assessment.localization[0]
    return (str(site.site), site.root, site.nerve)


def test_hamstrings_and_both_divisions_weak_glutei_spared_no_back_pain_is_the_sciatic_nerve() -> None:
    weak = {"knee_flexion": 4, "ankle_dorsiflexion": 3, "ankle_plantarflexion": 3}
    assessment = assess(_case(weak, back_pain=False, slr=False))
    assert _top_site(assessment) == ("peripheral-nerve", None, "sciatic")


def test_plantar_flexion_alone_with_back_pain_and_a_positive_slr_is_the_s1_root() -> None:
    assessment = assess(
        _case(
            {"ankle_plantarflexion": 3}, back_pain=True, slr=True, numb=("foot_sole", "foot_lateral_border")
        )
    )
    assert _top_site(assessment) == ("root", "S1", None)


def test_back_pain_and_a_positive_slr_take_the_sciatic_pattern_towards_the_roots() -> None:
    weak = {"knee_flexion": 4, "ankle_dorsiflexion": 3, "ankle_plantarflexion": 3}

    def sciatic(assessment: Assessment) -> float:
        return sum(s.probability for s in assessment.localization if s.nerve == "sciatic")

    nerve_like = assess(_case(weak, back_pain=False, slr=False))
    root_like = assess(_case(weak, back_pain=True, slr=True))
    assert sciatic(root_like) < sciatic(nerve_like) - 0.2
