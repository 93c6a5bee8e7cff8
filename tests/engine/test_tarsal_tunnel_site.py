"""The tibial nerve trapped in the tarsal tunnel (issue 14, M s13): it divides there into the medial and
lateral plantar nerves and gives the calcaneal branch, so the usual tarsal tunnel syndrome numbs the
whole sole, the heel and the toes at once, with the calf muscles and the ankle jerk spared (their
branches leave the nerve above the ankle). Before, tarsal tunnel syndrome could only put its lesion on
one plantar branch or the other, neither of which explains the whole picture, and a root won. A lesion
of one branch alone stays possible. Structured cases, so the reader plays no part."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _numb_sole(side: str, regions: list[str]) -> dict[str, Any]:
    """A burning sole, the given regions numb, a Tinel sign behind the medial malleolus, calf strength and
    the ankle jerk normal."""
    return {
        "age": 50,
        "sex": "female",
        "duration_days": 90,
        "pain_map_complete": False,
        "pain_map": [{"region": "foot_sole", "side": side}]
        + [{"region": region, "side": side, "kind": "numbness"} for region in regions],
        "findings": [
            {"id": "burning_sole_pain", "status": "present", "side": side},
            {"id": "tinel_tarsal_tunnel", "status": "present", "side": side},
        ],
        "strength": [{"movement": "ankle_plantarflexion", "side": side, "grade": 5}],
        "reflexes": [{"reflex": "achilles", "side": side, "grade": 2}],
    }


def _top(assessment: Assessment) -> tuple[str, str | None, str | None]:
    top = assessment.localization[0]
    return (str(top.site), top.nerve, top.side)


def test_a_numb_sole_heel_and_toes_is_the_tibial_nerve_in_the_tarsal_tunnel() -> None:
    for side in ("left", "right"):
        assessment = assess(_numb_sole(side, ["foot_sole", "heel", "great_toe", "lesser_toes"]))
        assert _top(assessment) == ("peripheral-nerve", "tibial_tarsal_tunnel", side)
        assert assessment.differential[0].id == "tarsal_tunnel_syndrome"


def test_numbness_of_the_heel_alone_leaves_the_lateral_plantar_branch_possible() -> None:
    whole = assess(_numb_sole("left", ["foot_sole", "heel", "great_toe", "lesser_toes"]))
    heel = assess(_numb_sole("left", ["heel"]))

    def lateral_plantar(assessment: Assessment) -> float:
        return sum(s.probability for s in assessment.localization if s.nerve == "lateral_plantar")

    assert lateral_plantar(heel) > lateral_plantar(whole)
