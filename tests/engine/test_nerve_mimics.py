"""Nerve and plexus mimics of a root lesion (issue 14 item 3): each site by its own pattern.

A plexus lesion covers the lumbar and the sacral plexus, so weakness of gluteal and sciatic muscles
together on one side is a plexus picture, while a single root's muscles stay that root.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _top(assessment: Assessment) -> tuple[str, str | None, str | None, str | None]:
    site = assessment.localization[0]
    return (str(site.site), site.root, site.nerve, site.side)


def _strength(side: str, **grades: int) -> list[dict[str, Any]]:
    return [{"movement": m, "side": side, "grade": g} for m, g in grades.items()]


# --------------------------------------------------------------------------- plexus vs one root

LOWER_PLEXUS: dict[str, Any] = {
    "age": 64,
    "sex": "female",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "buttock", "side": "right"},
        {"region": "thigh_posterior", "side": "right"},
        {"region": "foot_sole", "side": "right", "kind": "numbness"},
        {"region": "leg_lateral", "side": "right", "kind": "numbness"},
    ],
    "findings": [
        {"id": "history_of_cancer"},
        {"id": "night_pain"},
        {"id": "back_pain", "status": "absent"},
        {"id": "pain_worse_cough_sneeze", "status": "absent"},
    ],
}


def test_gluteal_and_sciatic_weakness_together_on_one_side_is_the_plexus() -> None:
    """Hip abduction and extension (gluteal nerves) with knee flexion, dorsiflexion and plantar
    flexion (sciatic), the quadriceps spared: no single root or nerve supplies them all."""
    case = LOWER_PLEXUS | {
        "strength": _strength(
            "right",
            hip_abduction=4,
            hip_extension=4,
            knee_flexion=4,
            ankle_dorsiflexion=4,
            ankle_plantarflexion=4,
            knee_extension=5,
            hip_flexion=5,
        ),
        "reflexes": [{"reflex": "achilles", "side": "right", "grade": 1}],
    }
    assert _top(assess(case)) == ("plexus", None, None, "right")


def test_one_roots_muscles_with_back_pain_stay_that_root_not_the_plexus() -> None:
    case = LOWER_PLEXUS | {
        "findings": [{"id": "back_pain"}, {"id": "slr_positive", "side": "right"}],
        "strength": _strength(
            "right", ankle_dorsiflexion=4, great_toe_extension=3, hip_flexion=5, knee_extension=5
        ),
    }
    assert _top(assess(case)) == ("root", "L5", None, "right")


# --------------------------------------------------------------------------- meralgia vs L2/L3

LATERAL_THIGH_NUMB: dict[str, Any] = {
    "age": 40,
    "sex": "male",
    "pain_map_complete": False,
    "pain_map": [{"region": "thigh_lateral", "side": "left", "kind": "numbness"}],
    "sensation": [{"region": "thigh_lateral", "side": "left", "status": "reduced"}],
}


def test_lateral_thigh_numbness_with_motor_and_reflex_change_is_a_mid_lumbar_root_not_meralgia() -> None:
    """The lateral femoral cutaneous nerve is purely sensory: weak hip flexion, knee extension and
    adduction with a lost knee jerk put the same numbness on a mid-lumbar root."""
    case = LATERAL_THIGH_NUMB | {
        "strength": _strength("left", hip_flexion=4, knee_extension=4, hip_adduction=4),
        "reflexes": [
            {"reflex": "patellar", "side": "left", "grade": 0},
            {"reflex": "patellar", "side": "right", "grade": 2},
        ],
        "findings": [{"id": "back_pain"}],
    }
    site, root, nerve, side = _top(assess(case))
    assert (site, side) == ("root", "left") and root in {"L2", "L3", "L4"}
    assert nerve is None


def test_lateral_thigh_numbness_with_full_power_and_reflexes_is_meralgia() -> None:
    case = LATERAL_THIGH_NUMB | {
        "strength": _strength("left", hip_flexion=5, knee_extension=5, hip_adduction=5),
        "reflexes": [
            {"reflex": "patellar", "side": "left", "grade": 2},
            {"reflex": "patellar", "side": "right", "grade": 2},
        ],
    }
    assert _top(assess(case)) == ("peripheral-nerve", None, "lateral_femoral_cutaneous", "left")
