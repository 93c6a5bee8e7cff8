"""A nerve's own deficit rates (issue 14 item 3: a nerve by its own pattern).

The pooled in-territory rates are radiculopathy figures (Tawa 2017): a root shares each muscle
with its neighbours, so any one muscle weakens in a minority of root lesions. A nerve is its
muscles' only supply; where a series of that neuropathy reports how often a movement is weak
(anatomy/nerves.yaml ``specific``: femoral knee extension and hip flexion, Santilli 2023), that
figure is the nerve's rate, as level-specific figures are a root's.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from nervemap.engine.assess import assess
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import Nerve

FEMORAL_PICTURE: dict[str, Any] = {
    "age": 70,
    "sex": "female",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "groin", "side": "right"},
        {"region": "thigh_anterior", "side": "right", "kind": "numbness"},
    ],
    "findings": [{"id": "back_pain", "status": "absent"}],
    "strength": [
        {"movement": "knee_extension", "side": "right", "grade": 3},
        {"movement": "hip_flexion", "side": "right", "grade": 4},
        {"movement": "hip_adduction", "side": "right", "grade": 5},
    ],
}


def _site(assessment: Any, site_id: str, side: str) -> Any:
    return next(s for s in assessment.localization if s.site_id == site_id and s.side == side)


def test_the_femoral_nerve_uses_its_own_quadriceps_and_iliopsoas_rates() -> None:
    femoral = _site(assess(FEMORAL_PICTURE), "nerve:femoral", "right")
    weights = {e.finding: e for e in femoral.evidence.for_}
    knee, hip = weights["weakness:knee_extension:right"], weights["weakness:hip_flexion:right"]
    assert knee.p_if_true == pytest.approx(0.6) and knee.source == "santilli-2023"
    assert hip.p_if_true == pytest.approx(0.67) and hip.source == "santilli-2023"


def test_a_root_keeps_its_own_rates_for_the_same_movements() -> None:
    """The L4 root keeps its level-specific quadriceps figure (0.44, Niigata), not the nerve's."""
    root = _site(assess(FEMORAL_PICTURE), "root:L4", "right")
    knee = next(e for e in root.evidence.for_ if e.finding == "weakness:knee_extension:right")
    assert knee.p_if_true == pytest.approx(0.44)


def test_quadriceps_and_iliopsoas_weakness_with_adduction_spared_leads_with_the_femoral_nerve() -> None:
    """Groin pain, anterior thigh numbness, quadriceps 3/5 and hip flexion 4/5 with the adductors
    spared: femoral neuropathy leads the differential and the femoral nerve is the most probable
    single site (with the pooled 0.4 it was third, behind L3 and the plexus: 0.16 vs 0.36)."""
    assessment = assess(FEMORAL_PICTURE)
    assert assessment.differential[0].id == "femoral_neuropathy"
    best = max(assessment.localization, key=lambda site: site.probability)
    assert (best.site_id, best.side) == ("nerve:femoral", "right")


def test_normal_quadriceps_counts_more_against_the_femoral_nerve_than_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A normal knee extension is half-weighted evidence against each site whose territory holds
    it; with the nerve's own rate (0.6, not 0.4) it says more against the femoral nerve."""
    monkeypatch.setattr("nervemap.engine.core.TOP_SITES", 200)  # list the unlikely nerve too
    case = FEMORAL_PICTURE | {
        "strength": [
            {"movement": "knee_extension", "side": "right", "grade": 5},
            {"movement": "hip_flexion", "side": "right", "grade": 4},
        ]
    }
    femoral = _site(assess(case), "nerve:femoral", "right")
    against = next(e for e in femoral.evidence.against if e.finding == "weakness:knee_extension:right")
    assert against.p_if_true == pytest.approx(0.6)


def test_every_specific_rate_is_for_one_of_the_nerves_own_movements_reflexes_or_regions() -> None:
    for nerve in default_knowledge().knowledge.anatomy.nerves:
        for rate in nerve.specific:
            own = {
                "weakness": nerve.movements,
                "reflex": nerve.reflexes,
                "sensory": nerve.cutaneous,
                "pain": nerve.pain,
            }[rate.modality]
            assert rate.target in own


def test_a_rate_for_another_nerves_movement_is_refused() -> None:
    with pytest.raises(ValidationError, match="not one of its own"):
        Nerve.model_validate(
            {
                "id": "obturator",
                "name": "Obturator nerve",
                "roots": ["L2", "L3", "L4"],
                "movements": ["hip_adduction"],
                "specific": [
                    {
                        "modality": "weakness",
                        "target": "knee_extension",
                        "p": {
                            "value": 0.6,
                            "source": "santilli-2023",
                            "detail": "the femoral nerve's muscle",
                        },
                    }
                ],
                "sources": ["preston-shapiro-2020"],
            }
        )


def test_the_femoral_picture_with_back_pain_denied_leads_the_sites_with_the_femoral_nerve() -> None:
    """Groin pain is in the femoral neuropathy's own rates (0.4, M s11), not read at the leg-pain
    background: with the adductors spared and back pain denied, the femoral nerve outweighs the
    L2-L4 roots' total (with groin pain read as saying nothing, L3 + L2 + L4 led, 0.42 vs 0.38)."""
    assessment = assess(FEMORAL_PICTURE)
    top = assessment.localization[0]
    assert (top.site_id, top.side) == ("nerve:femoral", "right")
    assert assessment.differential[0].id == "femoral_neuropathy"


def test_a_nerve_more_probable_than_any_single_root_is_listed_while_the_roots_lead() -> None:
    """The sites are ordered by their kind's total first; the near-zero roots of the leading kind
    (the other side's, the far levels) are left out before the list is cut to six, so with back pain
    not asked the femoral nerve (0.45) is listed after L3, L2 and L4 (together 0.46) instead of
    twenty roots below 0.001."""
    not_asked = FEMORAL_PICTURE | {"findings": []}
    listed = [(s.site_id, s.side) for s in assess(not_asked).localization]
    assert listed[:3] == [("root:L3", "right"), ("root:L2", "right"), ("root:L4", "right")]
    assert ("nerve:femoral", "right") in listed
    assert all(s.probability >= 0.001 for s in assess(not_asked).localization)
