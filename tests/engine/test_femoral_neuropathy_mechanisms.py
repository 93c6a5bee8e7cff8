"""Femoral neuropathy by its mechanisms (issue 14, peripheral-nerve mimics).

An anticoagulated patient with sudden groin pain, a weak leg and shock has a retroperitoneal
(iliacus) haematoma compressing the femoral nerve until shown otherwise; a wasted quadriceps with
an absent knee jerk and no pain is a femoral nerve lesion before it is a painful radiculoplexus
neuropathy.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _site(assessment: Assessment) -> tuple[str | None, str | None]:
    top = assessment.localization[0]
    return top.site_id, top.side


def _p(assessment: Assessment, condition: str) -> float:
    return next(d.probability for d in assessment.differential if d.id == condition)


HAEMATOMA: dict[str, Any] = {
    "age": 72,
    "sex": "female",
    "duration_days": 5,
    "onset": "sudden",
    "pain_map_complete": False,
    "pain_map": [{"region": "groin", "side": "right"}],
    "findings": [
        {"id": "anticoagulant_use"},
        {"id": "subjective_leg_weakness", "side": "right"},
        {"id": "tachycardia_or_hypotension"},
    ],
}


def test_anticoagulated_sudden_groin_pain_weak_leg_and_shock_is_the_femoral_nerve() -> None:
    result = assess(HAEMATOMA)
    assert result.differential[0].id == "femoral_neuropathy"
    assert _site(result) == ("nerve:femoral", "right")


def test_shock_raises_femoral_neuropathy() -> None:
    stable = HAEMATOMA | {
        "findings": [f for f in HAEMATOMA["findings"] if f["id"] != "tachycardia_or_hypotension"]
    }
    assert _p(assess(HAEMATOMA), "femoral_neuropathy") > _p(assess(stable), "femoral_neuropathy")


WASTED_QUADRICEPS: dict[str, Any] = {
    "age": 22,
    "sex": "female",
    "duration_days": 2500,
    "onset": "gradual",
    "pain_map_complete": False,
    "findings": [
        {"id": "muscle_wasting", "side": "right"},
        {"id": "back_pain", "status": "absent"},
        {"id": "radiating_leg_pain", "status": "absent"},
        {"id": "leg_numbness", "status": "absent"},
    ],
    "strength": [
        {"movement": "hip_flexion", "side": "right", "grade": 4},
        {"movement": "knee_extension", "side": "right", "grade": 2},
    ],
    "reflexes": [
        {"reflex": "patellar", "side": "right", "grade": 0},
        {"reflex": "patellar", "side": "left", "grade": 2},
    ],
}


def test_painless_wasted_weak_quadriceps_with_lost_knee_jerk_is_the_femoral_nerve_not_the_plexus() -> None:
    result = assess(WASTED_QUADRICEPS)
    assert _site(result) == ("nerve:femoral", "right")


def test_quadriceps_wasting_raises_femoral_neuropathy() -> None:
    without = WASTED_QUADRICEPS | {"findings": WASTED_QUADRICEPS["findings"][1:]}
    assert _p(assess(WASTED_QUADRICEPS), "femoral_neuropathy") > _p(assess(without), "femoral_neuropathy")
