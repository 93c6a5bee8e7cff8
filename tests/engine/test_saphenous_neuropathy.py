"""Saphenous neuropathy against the L4 root and the femoral nerve (issue 14, Build 3).

The textbook pattern (Preston & Shapiro; Morganti 2002 review): the saphenous nerve is the purely
sensory end branch of the femoral nerve, so its lesion gives pain and numbness of the inner knee and
inner leg with normal power and a normal knee jerk. Weak knee extension with a lost knee jerk in the
same skin is the L4 root or the femoral nerve. Structured cases, so the reader plays no part; each
pair differs only in the discriminator.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _inner_knee_and_leg(knee_extension: int, knee_jerk: int, back_pain: bool = False) -> dict[str, Any]:
    regions: list[tuple[str, str | None]] = [
        ("knee_medial", None),
        ("knee_medial", "numbness"),
        ("leg_medial", None),
        ("leg_medial", "numbness"),
    ]
    return {
        "age": 45,
        "sex": "female",
        "duration_days": 120,
        "pain_map_complete": False,
        "pain_map": [
            {"region": region, "side": "left", **({"kind": kind} if kind else {})} for region, kind in regions
        ],
        "findings": [{"id": "back_pain", "status": "present" if back_pain else "absent"}],
        "strength": [
            {"movement": movement, "side": "left", "grade": grade}
            for movement, grade in (
                ("knee_extension", knee_extension),
                ("hip_flexion", 5),
                ("hip_adduction", 5),
                ("ankle_dorsiflexion", 5),
            )
        ],
        "reflexes": [
            {"reflex": "patellar", "side": "left", "grade": knee_jerk},
            {"reflex": "patellar", "side": "right", "grade": 2},
        ],
    }


def _top_site(assessment: Assessment) -> tuple[str, str | None, str | None]:
    site = assessment.localization[0]
    return (str(site.site), site.nerve, site.side)


def test_inner_knee_and_leg_numbness_with_normal_power_and_knee_jerk_is_the_saphenous_nerve() -> None:
    assessment = assess(_inner_knee_and_leg(knee_extension=5, knee_jerk=2))
    assert _top_site(assessment) == ("peripheral-nerve", "saphenous", "left")
    assert assessment.differential[0].id == "saphenous_neuropathy"


def test_the_same_skin_with_weak_knee_extension_and_a_lost_knee_jerk_is_not_the_saphenous_nerve() -> None:
    """The quadriceps and the knee jerk are the femoral nerve's and the L3/L4 roots', not the saphenous."""
    assessment = assess(_inner_knee_and_leg(knee_extension=3, knee_jerk=0))
    assert _top_site(assessment)[1] != "saphenous"
    assert "saphenous_neuropathy" not in [c.id for c in assessment.differential[:3]]


def test_back_pain_moves_the_same_sensory_picture_towards_the_l4_root() -> None:
    """Back pain is coincidental in a saphenous lesion (11.9 % point prevalence, Hoy 2012) but common
    with an L4 root lesion, so it lowers the nerve below its no-back-pain value."""
    without = assess(_inner_knee_and_leg(knee_extension=5, knee_jerk=2))
    with_back_pain = assess(_inner_knee_and_leg(knee_extension=5, knee_jerk=2, back_pain=True))

    def saphenous(assessment: Assessment) -> float:
        return next(c.probability for c in assessment.differential if c.id == "saphenous_neuropathy")

    assert saphenous(with_back_pain) < saphenous(without)


def test_medial_knee_pain_alone_is_not_called_a_saphenous_lesion() -> None:
    """Pain without numbness or a sensory sign: the knee joint, not the nerve (the common case)."""
    case = _inner_knee_and_leg(knee_extension=5, knee_jerk=2)
    case["age"] = 62
    case["pain_map"] = [{"region": "knee_medial", "side": "left"}]
    assessment = assess(case)
    assert _top_site(assessment)[0] == "none"
    assert assessment.differential[0].id != "saphenous_neuropathy"
