"""Conditions a clinician expects in a leg-pain differential (issue 12 item 5).

Each new condition must be reachable: a short, typical presentation written from its textbook
description puts it among the three most likely conditions. The cases are deliberately brief
(a few findings a referring clinician would write down), not tuned to any dataset case.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge
from nervemap.knowledge.loader import default_knowledge


@pytest.fixture(scope="module")
def kb() -> CompiledKnowledge:
    return compile_knowledge(default_knowledge())


def _present(*ids: str, side: str | None = None) -> list[dict[str, Any]]:
    return [{"id": i, "status": "present", **({"side": side} if side else {})} for i in ids]


def _absent(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i, "status": "absent"} for i in ids]


TYPICAL: dict[str, dict[str, Any]] = {
    # Older male smoker with sudden back and loin pain who collapsed and is hypotensive.
    "abdominal_aortic_aneurysm": {
        "age": 74,
        "sex": "male",
        "setting": "emergency",
        "duration_days": 0,
        "onset": "sudden",
        "pain_map": [{"region": "lower_back", "side": "left"}, {"region": "groin", "side": "left"}],
        "findings": _present(
            "back_pain", "abdominal_or_flank_pain", "syncope_or_collapse", "systolic_bp_below_90", "smoking"
        )
        + _absent("leg_trauma", "fever"),
    },
    # Young man with a tibial fracture in a cast, pain far beyond the injury and on passive toe stretch.
    "acute_compartment_syndrome": {
        "age": 24,
        "sex": "male",
        "setting": "emergency",
        "duration_days": 1,
        "onset": "sudden",
        "pain_map": [{"region": "calf", "side": "right"}, {"region": "leg_anterior", "side": "right"}],
        "findings": _present(
            "leg_trauma", "xray_leg_fracture", "tight_cast_or_dressing", "pain_out_of_proportion"
        )
        + _present("pain_on_passive_stretch", side="right"),
    },
    # Elderly woman who tripped at home, cannot stand, groin pain, leg short and turned out.
    "hip_fracture": {
        "age": 86,
        "sex": "female",
        "setting": "emergency",
        "duration_days": 0,
        "onset": "sudden",
        "pain_map": [{"region": "groin", "side": "left"}, {"region": "hip_lateral", "side": "left"}],
        "findings": _present("fall_from_standing", "inability_to_bear_weight", "groin_pain")
        + _present("shortened_externally_rotated_leg", side="left")
        + _absent("back_pain"),
    },
    # Woman treated with pelvic radiotherapy for cervical cancer: buttock and thigh pain, then weakness
    # across femoral, obturator and sciatic territories of one leg; no cough-aggravated back pain.
    "lumbosacral_plexopathy": {
        "age": 58,
        "sex": "female",
        "setting": "spine-clinic",
        "duration_days": 70,
        "onset": "gradual",
        "pain_map": [{"region": "buttock", "side": "left"}, {"region": "thigh_anterior", "side": "left"}],
        "findings": _present(
            "history_of_cancer", "previous_pelvic_radiotherapy", "buttock_pain", "night_pain"
        )
        + _absent("back_pain", "pain_worse_cough_sneeze"),
        "strength": [
            {"movement": "hip_flexion", "side": "left", "grade": 4},
            {"movement": "hip_adduction", "side": "left", "grade": 4},
            {"movement": "knee_extension", "side": "left", "grade": 4},
            {"movement": "ankle_dorsiflexion", "side": "left", "grade": 4},
        ],
    },
}


@pytest.mark.parametrize("condition", sorted(TYPICAL))
def test_typical_presentation_reaches_the_top_three(kb: CompiledKnowledge, condition: str) -> None:
    assessment = assess(TYPICAL[condition], kb)
    top = [entry.id for entry in assessment.differential[:3]]
    assert condition in top, f"{condition} not in top three: {top}"


def test_new_conditions_have_a_prior_in_every_setting(kb: CompiledKnowledge) -> None:
    settings = {s for c in kb.conditions for s in c.prior}
    for condition in kb.conditions:
        if condition.id in TYPICAL:
            assert set(condition.prior) == settings, condition.id
