"""Structured cases shared by tests of several packages (engine, CLI, CDS Hooks)."""

from __future__ import annotations

from typing import Any

L5_LEFT: dict[str, Any] = {
    "age": 45,
    "sex": "male",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "buttock", "side": "left"},
        {"region": "leg_lateral", "side": "left"},
        {"region": "foot_dorsum", "side": "left", "kind": "numbness"},
    ],
    "strength": [{"movement": "great_toe_extension", "side": "left", "grade": 4}],
    "findings": [{"id": "slr_positive", "side": "left"}, {"id": "back_pain"}],
}
L4_LEFT: dict[str, Any] = {
    "age": 60,
    "sex": "female",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "thigh_anterior", "side": "left"},
        {"region": "leg_medial", "side": "left", "kind": "numbness"},
    ],
    "reflexes": [
        {"reflex": "patellar", "side": "left", "grade": 0},
        {"reflex": "patellar", "side": "right", "grade": 2},
    ],
    "strength": [{"movement": "knee_extension", "side": "left", "grade": 4}],
}
S1_RIGHT: dict[str, Any] = {
    "age": 45,
    "sex": "male",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "buttock", "side": "right"},
        {"region": "calf", "side": "right"},
        {"region": "foot_lateral_border", "side": "right", "kind": "numbness"},
    ],
    "reflexes": [
        {"reflex": "achilles", "side": "right", "grade": 0},
        {"reflex": "achilles", "side": "left", "grade": 2},
    ],
    "strength": [{"movement": "ankle_plantarflexion", "side": "right", "grade": 4}],
    "findings": [{"id": "slr_positive", "side": "right"}],
}


def with_imaging(case: dict[str, Any], **imaging: str) -> dict[str, Any]:
    return case | {"imaging": [imaging]}


# An S1 picture with a disc at L3-4 (pressing L4): imaging discordant with the clinical level.
S1_WITH_L3_L4_DISC = with_imaging(S1_RIGHT, kind="disc-herniation", level="L3-L4", side="right")
