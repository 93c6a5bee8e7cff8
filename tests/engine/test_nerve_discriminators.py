"""Each peripheral-nerve mimic by its own pattern against the root it mimics (issue 14, Build 3).

Merged in session 11 from test_nerve_discriminators_m_s9.py (examination discriminators) and
test_nerve_discriminators_m_s10.py (L5 against the fibular nerve by history and bedside signs), same tests.

The textbook discriminators, as structured cases so the reader plays no part: ankle inversion and
hip abduction (L5 vs the common fibular nerve: tibialis posterior is tibial, gluteus medius is
superior gluteal, both L5); hip adduction (L3/L4 vs the femoral nerve: the adductors are obturator);
the lateral femoral cutaneous territory with no motor or reflex change (meralgia vs L2/L3); sole
sensation with Tinel behind the medial malleolus and a normal ankle jerk (tarsal tunnel vs S1).
Patterns from Preston & Shapiro (Electromyography and neuromuscular disorders, 4th ed., femoral,
fibular, tibial and sciatic chapters), Jeon 2013 (hip abductors in foot drop), StatPearls.
Each pair differs only in the discriminator, so a test fails if the discriminator stops working.

L5 root against the common fibular nerve by the history and the bedside signs: besides inversion and
hip abduction (above), the textbook separates an L5 radiculopathy from a common fibular neuropathy by
back pain and a positive straight-leg raise (the root) and a Tinel sign at the fibular head (the
nerve): Preston & Shapiro, fibular chapter; Fabre 1998 (Tinel at the fibular arch in 58 of 60 operated
entrapments). Structured cases, so the reader plays no part; each variant adds only the discriminator
to one isolated foot drop.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment


def _strength(side: str, **grades: int) -> list[dict[str, Any]]:
    return [{"movement": m, "side": side, "grade": g} for m, g in grades.items()]


def _top_site(assessment: Assessment) -> tuple[str, str | None, str | None, str | None]:
    site = assessment.localization[0]
    return (str(site.site), site.root, site.nerve, site.side)


def _site(assessment: Assessment, site_id: str, side: str) -> Any:
    return next(s for s in assessment.localization if s.site_id == site_id and s.side == side)


# ------------------------------------------------------------------ L5 vs common fibular


def _foot_drop(inversion: int, hip_abduction: int) -> dict[str, Any]:
    return {
        "age": 45,
        "sex": "male",
        "pain_map_complete": False,
        "pain_map": [
            {"region": "foot_dorsum", "side": "right", "kind": "numbness"},
            {"region": "leg_lateral", "side": "right", "kind": "numbness"},
        ],
        "findings": [{"id": "back_pain", "status": "absent"}],
        "strength": _strength(
            "right",
            ankle_dorsiflexion=2,
            great_toe_extension=2,
            ankle_eversion=3,
            ankle_inversion=inversion,
            hip_abduction=hip_abduction,
            ankle_plantarflexion=5,
        ),
        "reflexes": [
            {"reflex": "achilles", "side": "right", "grade": 2},
            {"reflex": "achilles", "side": "left", "grade": 2},
        ],
    }


def test_foot_drop_with_inversion_and_hip_abduction_spared_is_the_common_fibular_nerve() -> None:
    assessment = assess(_foot_drop(inversion=5, hip_abduction=5))
    assert _top_site(assessment) == ("peripheral-nerve", None, "common_fibular", "right")
    assert assessment.differential[0].id == "common_fibular_neuropathy"


def test_the_same_foot_drop_with_inversion_and_hip_abduction_weak_is_the_l5_root() -> None:
    assessment = assess(_foot_drop(inversion=3, hip_abduction=4))
    assert _top_site(assessment) == ("root", "L5", None, "right")
    assert assessment.differential[0].id != "common_fibular_neuropathy"


def test_the_fibular_nerve_uses_its_own_dorsiflexion_rate() -> None:
    """Foot drop in 54 % of common fibular neuropathies (Lu 2020): the nerve's rate, not the
    pooled radiculopathy 0.4."""
    fibular = _site(assess(_foot_drop(inversion=5, hip_abduction=5)), "nerve:common_fibular", "right")
    dorsiflexion = next(e for e in fibular.evidence.for_ if e.finding == "weakness:ankle_dorsiflexion:right")
    assert dorsiflexion.p_if_true == pytest.approx(0.54) and dorsiflexion.source == "lu-2020"


# ------------------------------------------------------------------ L3/L4 vs femoral


def _quadriceps(hip_adduction: int) -> dict[str, Any]:
    return {
        "age": 62,
        "sex": "female",
        "pain_map_complete": False,
        "pain_map": [
            {"region": "thigh_anterior", "side": "left", "kind": "numbness"},
            {"region": "leg_medial", "side": "left", "kind": "numbness"},
        ],
        "findings": [{"id": "back_pain", "status": "absent"}],
        "strength": _strength("left", knee_extension=2, hip_flexion=3, hip_adduction=hip_adduction),
        "reflexes": [
            {"reflex": "patellar", "side": "left", "grade": 0},
            {"reflex": "patellar", "side": "right", "grade": 2},
        ],
    }


def test_quadriceps_weakness_and_lost_knee_jerk_with_adductors_spared_is_femoral_neuropathy() -> None:
    assessment = assess(_quadriceps(hip_adduction=5))
    assert assessment.differential[0].id == "femoral_neuropathy"


def test_the_same_picture_with_weak_adductors_is_not_the_femoral_nerve() -> None:
    """Weak thigh adduction (obturator, L2-L4) beside the quadriceps: a root or the plexus, not the
    femoral nerve, whose muscles do not adduct the hip."""
    assessment = assess(_quadriceps(hip_adduction=3))
    assert assessment.differential[0].id != "femoral_neuropathy"
    assert _top_site(assessment)[2] != "femoral"


# ------------------------------------------------------------------ L2/L3 vs meralgia


def _anterolateral_thigh(hip_flexion: int, knee_jerk: int) -> dict[str, Any]:
    return {
        "age": 41,
        "sex": "male",
        "pain_map_complete": False,
        "pain_map": [
            {"region": "thigh_lateral", "side": "right", "kind": "numbness"},
            {"region": "thigh_lateral", "side": "right"},
        ],
        "findings": [{"id": "obesity"}, {"id": "back_pain", "status": "absent"}],
        "strength": _strength("right", hip_flexion=hip_flexion, knee_extension=5, hip_adduction=5),
        "reflexes": [
            {"reflex": "patellar", "side": "right", "grade": knee_jerk},
            {"reflex": "patellar", "side": "left", "grade": 2},
        ],
    }


def test_anterolateral_thigh_numbness_without_motor_or_reflex_change_is_meralgia() -> None:
    assessment = assess(_anterolateral_thigh(hip_flexion=5, knee_jerk=2))
    assert _top_site(assessment) == ("peripheral-nerve", None, "lateral_femoral_cutaneous", "right")
    assert assessment.differential[0].id == "meralgia_paresthetica"


@pytest.mark.xfail(
    strict=True,
    reason="known defect (M s9): the pain-map finding anterolateral_thigh_numbness is scored for meralgia at "
    "the condition level (0.95 against the background) on top of the same numbness scored by the site model, "
    "so hip-flexor weakness and a lost knee jerk (L3 over the LFCN by ~3.6 log) do not outweigh it. Measured "
    "(M s13, 68baa97): scoring the pain-map findings once, by the site model only, for the conditions whose "
    "sites are all peripheral nerves loses golden meralgia-pregnancy (nonspecific back pain 0.80: the LFCN's "
    "pooled sensory rate 0.6 against the no-lesion site's 0.05 no longer outweighs the nerve conditions' "
    "small priors) and rootset rootdev-030 (femoral); golden mimics 12 -> 11, rootset 6 -> 5, rootset "
    "top-3 29 -> 27. "
    "The nerve's own rate is now in the site model (M s14, d7f38f7: LFCN outer thigh 0.95), and "
    "scoring the numbness once still loses: removing meralgia's condition-level anterolateral_thigh_numbness "
    "(worktree d7f38f7 + that) gives golden meralgia-pregnancy to nonspecific back pain (0.75 vs meralgia), "
    "golden top-1 83 -> 82, mimics 12 -> 11, Brier 0.060 -> 0.066, and rootset rootdev-034 meralgia 1st -> "
    "out of the top 3 (top-1 20 -> 19, top-3 29 -> 28); dev and hold-outs 1-3 unchanged. Kept: the double "
    "count stands in for the small cited prior (0.0052) until the no-lesion site's own outer-thigh rate is "
    "published",
)
def test_the_same_numbness_with_weak_hip_flexion_and_a_lost_knee_jerk_is_a_root() -> None:
    assessment = assess(_anterolateral_thigh(hip_flexion=3, knee_jerk=0))
    assert _top_site(assessment)[0] == "root"
    assert assessment.differential[0].id != "meralgia_paresthetica"


# ------------------------------------------------------------------ S1 vs tarsal tunnel


def _burning_sole(ankle_jerk: int, plantarflexion: int, tinel: bool) -> dict[str, Any]:
    findings: list[dict[str, Any]] = [{"id": "burning_sole_pain", "side": "left"}]
    if tinel:
        findings.append({"id": "tinel_tarsal_tunnel", "side": "left"})
    return {
        "age": 50,
        "sex": "female",
        "duration_days": 120,
        "pain_map_complete": False,
        "pain_map": [
            {"region": "foot_sole", "side": "left"},
            {"region": "foot_sole", "side": "left", "kind": "numbness"},
        ],
        "findings": findings,
        "strength": _strength("left", ankle_plantarflexion=plantarflexion),
        "reflexes": [
            {"reflex": "achilles", "side": "left", "grade": ankle_jerk},
            {"reflex": "achilles", "side": "right", "grade": 2},
        ],
    }


def test_burning_sole_with_tinel_behind_the_medial_malleolus_and_a_normal_ankle_jerk_is_tarsal_tunnel() -> (
    None
):
    assessment = assess(_burning_sole(ankle_jerk=2, plantarflexion=5, tinel=True))
    assert _top_site(assessment)[0] == "peripheral-nerve"
    assert assessment.differential[0].id == "tarsal_tunnel_syndrome"


def test_a_numb_sole_with_a_lost_ankle_jerk_and_weak_plantar_flexion_is_the_s1_root() -> None:
    assessment = assess(_burning_sole(ankle_jerk=0, plantarflexion=4, tinel=False))
    assert _top_site(assessment) == ("root", "S1", None, "left")
    assert assessment.differential[0].id != "tarsal_tunnel_syndrome"


# ------------------------------------------------------------------ sciatic vs roots


def _after_hip_arthroplasty(gluteal: int) -> dict[str, Any]:
    return {
        "age": 67,
        "sex": "female",
        "pain_map_complete": False,
        "pain_map": [
            {"region": "foot_sole", "side": "right", "kind": "numbness"},
            {"region": "foot_dorsum", "side": "right", "kind": "numbness"},
        ],
        "findings": [{"id": "recent_hip_or_pelvic_surgery"}, {"id": "back_pain", "status": "absent"}],
        "strength": _strength(
            "right",
            ankle_dorsiflexion=1,
            ankle_plantarflexion=3,
            ankle_eversion=2,
            ankle_inversion=3,
            hip_abduction=gluteal,
            hip_extension=gluteal,
        ),
        "reflexes": [
            {"reflex": "achilles", "side": "right", "grade": 0},
            {"reflex": "achilles", "side": "left", "grade": 2},
        ],
    }


def test_fibular_and_tibial_deficits_after_hip_arthroplasty_with_gluteals_spared_is_the_sciatic_nerve() -> (
    None
):
    assessment = assess(_after_hip_arthroplasty(gluteal=5))
    assert _top_site(assessment) == ("peripheral-nerve", None, "sciatic", "right")
    assert assessment.differential[0].id == "sciatic_neuropathy"


# ------------------------------------------------------------------ L3 vs obturator


def _adductors(history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "age": 55,
        "sex": "female",
        "pain_map_complete": False,
        "pain_map": [
            {"region": "thigh_medial", "side": "right"},
            {"region": "thigh_medial", "side": "right", "kind": "numbness"},
        ],
        "findings": history,
        "strength": _strength("right", hip_adduction=3, knee_extension=5, hip_flexion=5),
        "reflexes": [
            {"reflex": "patellar", "side": "right", "grade": 2},
            {"reflex": "patellar", "side": "left", "grade": 2},
        ],
    }


def test_weak_adduction_alone_after_pelvic_surgery_is_the_obturator_nerve() -> None:
    """Medial thigh pain and numbness, adductors 3/5, quadriceps, iliopsoas and knee jerk normal."""
    case = _adductors([{"id": "recent_hip_or_pelvic_surgery"}, {"id": "back_pain", "status": "absent"}])
    assessment = assess(case)
    assert _top_site(assessment) == ("peripheral-nerve", None, "obturator", "right")
    assert assessment.differential[0].id == "obturator_neuropathy"


@pytest.mark.xfail(
    strict=True,
    reason="known defect (M s9, re-measured s10): without a history L3 (0.30), L2 and L4 lead and "
    "the obturator nerve has 0.09 (obturator neuropathy third in the differential, behind foraminal "
    "stenosis and disc herniation at 0.28): its prior 0.0003 is an estimate far below the mid-lumbar "
    "roots' share of the spinal conditions, and the sparing of the quadriceps, iliopsoas and knee jerk "
    "counts at half weight (absence_weight); ordering the sites by their own probability would not "
    "change it",
)
def test_weak_adduction_alone_without_a_history_is_still_the_obturator_nerve() -> None:
    assessment = assess(_adductors([]))
    assert _top_site(assessment) == ("peripheral-nerve", None, "obturator", "right")


# ------------------------------------------------------- L5 vs common fibular: history and bedside signs


def _untested_inversion_foot_drop(
    findings: list[dict[str, Any]], back_pain: bool = False, sex: str = "male"
) -> dict[str, Any]:
    """Dorsiflexion and great-toe extension 1/5, eversion 3/5, numb dorsum and outer leg; inversion,
    plantar flexion and hip abduction not examined."""
    return {
        "age": 45,
        "sex": sex,
        "duration_days": 21,
        "pain_map_complete": False,
        "pain_map": [
            {"region": "foot_dorsum", "side": "right", "kind": "numbness"},
            {"region": "leg_lateral", "side": "right", "kind": "numbness"},
        ],
        "findings": [{"id": "back_pain", "status": "present" if back_pain else "absent"}, *findings],
        "strength": [
            {"movement": movement, "side": "right", "grade": grade}
            for movement, grade in (
                ("ankle_dorsiflexion", 1),
                ("great_toe_extension", 1),
                ("ankle_eversion", 3),
            )
        ],
    }


def _probability(assessment: Assessment, condition: str) -> float:
    return next(c.probability for c in assessment.differential if c.id == condition)


def test_an_isolated_foot_drop_without_back_pain_is_the_common_fibular_nerve() -> None:
    assessment = assess(_untested_inversion_foot_drop([]))
    assert _top_site(assessment) == ("peripheral-nerve", None, "common_fibular", "right")
    assert assessment.differential[0].id == "common_fibular_neuropathy"


def test_a_tinel_sign_at_the_fibular_head_makes_the_fibular_nerve_likelier() -> None:
    without = assess(_untested_inversion_foot_drop([]))
    with_tinel = assess(_untested_inversion_foot_drop([{"id": "tinel_fibular_head", "side": "right"}]))
    assert _top_site(with_tinel) == ("peripheral-nerve", None, "common_fibular", "right")
    assert _probability(with_tinel, "common_fibular_neuropathy") > _probability(
        without, "common_fibular_neuropathy"
    )


def test_the_same_foot_drop_with_back_pain_and_a_positive_slr_is_the_l5_root() -> None:
    assessment = assess(
        _untested_inversion_foot_drop([{"id": "slr_positive", "side": "right"}], back_pain=True)
    )
    assert _top_site(assessment) == ("root", "L5", None, "right")
    assert assessment.differential[0].id != "common_fibular_neuropathy"


def test_a_painless_foot_drop_in_a_woman_who_denies_buttock_pain_is_not_piriformis_syndrome() -> None:
    """Buttock pain is the defining symptom of piriformis syndrome (97.9 %, Jankovic 2013)."""
    assessment = assess(
        _untested_inversion_foot_drop([{"id": "buttock_pain", "status": "absent"}], sex="female")
    )
    assert assessment.differential[0].id != "piriformis_deep_gluteal_syndrome"
    assert _top_site(assessment)[2] != "sciatic"


@pytest.mark.xfail(
    strict=True,
    reason="known defect (M s10, lever 5): deficits graded on examination are scored only by the site "
    "model, where piriformis syndrome reaches them through its sciatic-nerve share (0.6); its own "
    "condition-level rate for objective weakness (0.08, 'uncommon') is never applied, so with buttock pain "
    "not asked a dense foot drop in a woman leads with piriformis syndrome and the sciatic nerve",
)
def test_a_painless_foot_drop_in_a_woman_not_asked_about_buttock_pain_is_not_piriformis_syndrome() -> None:
    assessment = assess(_untested_inversion_foot_drop([], sex="female"))
    assert assessment.differential[0].id != "piriformis_deep_gluteal_syndrome"
    assert _top_site(assessment)[2] != "sciatic"
