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
