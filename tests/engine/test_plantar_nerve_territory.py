"""The plantar nerves' maps (issue 14, M s13): the medial plantar nerve supplies the plantar skin of the
medial three and a half toes, so numb lesser toes belong to it as well as to the lateral plantar nerve
(Radiopaedia, medial plantar nerve), and a nerve trapped in the tarsal tunnel hurts where it is trapped,
over the medial ankle, as a common fibular nerve hurts at the fibular head. Structured cases, so the
reader plays no part."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _numb_first_toes(side: str, ankle_pain: bool) -> dict[str, Any]:
    """A burning sole, numb great and second-to-fourth toes, strong small foot muscles, a normal ankle jerk
    and a Tinel sign behind the medial malleolus."""
    pain_map = [
        {"region": "foot_sole", "side": side},
        {"region": "great_toe", "side": side, "kind": "numbness"},
        {"region": "lesser_toes", "side": side, "kind": "numbness"},
    ]
    if ankle_pain:
        pain_map.append({"region": "ankle_medial", "side": side})
    return {
        "age": 44,
        "sex": "male",
        "duration_days": 30,
        "pain_map_complete": False,
        "pain_map": pain_map,
        "findings": [
            {"id": "burning_sole_pain", "status": "present", "side": side},
            {"id": "tinel_tarsal_tunnel", "status": "present", "side": side},
        ],
        "strength": [{"movement": "foot_intrinsics", "side": side, "grade": 5}],
        "reflexes": [{"reflex": "achilles", "side": side, "grade": 2}],
    }


def _site(assessment: Assessment, site_id: str, side: str) -> float:
    return sum(s.probability for s in assessment.localization if s.site_id == site_id and s.side == side)


def test_numb_first_toes_with_a_tarsal_tunnel_tinel_and_medial_ankle_pain_are_the_tarsal_tunnel() -> None:
    for side in ("left", "right"):
        assessment = assess(_numb_first_toes(side, ankle_pain=True))
        top = assessment.localization[0]
        # the tibial nerve in the tunnel or its medial plantar branch, not the L5 root
        assert (str(top.site), top.side) == ("peripheral-nerve", side)
        assert top.nerve in {"tibial_tarsal_tunnel", "medial_plantar"}
        assert assessment.differential[0].id == "tarsal_tunnel_syndrome"


def test_pain_at_the_medial_ankle_speaks_for_the_plantar_nerve_not_against_it() -> None:
    without = assess(_numb_first_toes("left", ankle_pain=False))
    with_pain = assess(_numb_first_toes("left", ankle_pain=True))
    assert _site(with_pain, "nerve:medial_plantar", "left") > _site(without, "nerve:medial_plantar", "left")
