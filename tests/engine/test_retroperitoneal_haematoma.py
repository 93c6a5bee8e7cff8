"""A haematoma behind the abdomen on imaging (issue 14, peripheral-nerve mimics): it compresses the
femoral nerve (5 of 11 femoral mononeuropathies in one EMG unit) or the lumbar plexus; the
adductors (obturator nerve) speak for the plexus."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess


def _case(hip_adduction: int, haematoma: bool = True) -> dict[str, Any]:
    findings: list[dict[str, Any]] = [{"id": "anticoagulant_use"}]
    if haematoma:
        findings.append({"id": "imaging_retroperitoneal_haematoma"})
    return {
        "age": 58,
        "sex": "male",
        "duration_days": 3,
        "pain_map_complete": False,
        "pain_map": [{"region": "groin", "side": "right"}, {"region": "thigh_anterior", "side": "right"}],
        "findings": findings,
        "strength": [
            {"movement": "knee_extension", "side": "right", "grade": 2},
            {"movement": "hip_flexion", "side": "right", "grade": 3},
            {"movement": "hip_adduction", "side": "right", "grade": hip_adduction},
        ],
        "reflexes": [{"reflex": "patellar", "side": "right", "grade": 0}],
    }


def _p(case: dict[str, Any], condition: str) -> float:
    return next(d.probability for d in assess(case).differential if d.id == condition)


def test_a_haematoma_with_the_adductors_spared_is_the_femoral_nerve() -> None:
    result = assess(_case(hip_adduction=5))
    assert result.differential[0].id == "femoral_neuropathy"
    top = result.localization[0]
    assert (top.site_id, top.side) == ("nerve:femoral", "right")


def test_weak_adductors_beside_the_haematoma_move_the_lesion_towards_the_plexus() -> None:
    """The obturator nerve's adductors are outside the femoral nerve: weak, they speak for the plexus."""
    weak, spared = _case(hip_adduction=3), _case(hip_adduction=5)
    assert _p(weak, "lumbosacral_plexopathy") > _p(spared, "lumbosacral_plexopathy")
    assert _p(weak, "femoral_neuropathy") < _p(spared, "femoral_neuropathy")


def test_the_haematoma_raises_femoral_neuropathy_and_plexopathy() -> None:
    """Both conditions list the haematoma; once they hold most of the mass (groin pain is in both
    conditions' own rates, M s11) the one with the higher rate (femoral 0.45, plexus 0.3) can take
    share from the other, so what the haematoma must raise is the two together and each one's odds
    against a root lesion (disc herniation), which does not list it."""
    with_it, without = _case(3), _case(3, haematoma=False)
    pair = ("femoral_neuropathy", "lumbosacral_plexopathy")
    assert sum(_p(with_it, c) for c in pair) > sum(_p(without, c) for c in pair)
    disc = "lumbar_disc_herniation"
    for condition in pair:
        assert _p(with_it, condition) / _p(with_it, disc) > _p(without, condition) / _p(without, disc)
