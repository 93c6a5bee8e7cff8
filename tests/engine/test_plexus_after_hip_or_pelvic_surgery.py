"""A lumbosacral plexus injured at a hip or pelvic operation (issue 14, M s12).

Stoehr 1978 (Arch Neurol 35:757): of 53 traumatic or postoperative plexus lesions 22 followed hip
operations and most of the rest came with acetabular or pelvic-ring fractures. A recent hip or pelvic
operation therefore speaks for the plexus as well as for the sciatic, femoral and obturator nerves.
Structured cases, so the reader plays no part; each pair differs only in the operation.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess


def _one_leg_several_nerves(history: list[dict[str, Any]]) -> dict[str, Any]:
    """A right foot drop with numbness of the outer thigh and the outer lower leg: the territories
    of the lateral femoral cutaneous and the common fibular nerves (the lumbar and the sacral
    plexus), no back pain."""
    return {
        "age": 40,
        "sex": "male",
        "duration_days": 60,
        "pain_map_complete": False,
        "pain_map": [
            {"region": "thigh_lateral", "side": "right", "kind": "numbness"},
            {"region": "leg_lateral", "side": "right", "kind": "numbness"},
            {"region": "foot_dorsum", "side": "right", "kind": "numbness"},
        ],
        "findings": [*history, {"id": "back_pain", "status": "absent"}],
        "strength": [
            {"movement": "ankle_dorsiflexion", "side": "right", "grade": 2},
            {"movement": "knee_extension", "side": "right", "grade": 4},
        ],
    }


def test_a_recent_hip_or_pelvic_operation_makes_the_plexus_the_leading_condition() -> None:
    operated = assess(_one_leg_several_nerves([{"id": "recent_hip_or_pelvic_surgery"}]))
    not_operated = assess(
        _one_leg_several_nerves([{"id": "recent_hip_or_pelvic_surgery", "status": "absent"}])
    )
    assert operated.differential[0].id == "lumbosacral_plexopathy"
    assert str(operated.localization[0].site) == "plexus"
    plexus = {
        a: next(c.probability for c in x.differential if c.id == "lumbosacral_plexopathy")
        for a, x in (("operated", operated), ("not", not_operated))
    }
    # the operation's ratio for the plexus (0.1 against a background of 0.01), less what the
    # nerve mimics that share the history (sciatic, femoral, obturator) take
    assert plexus["operated"] > 2 * plexus["not"]
