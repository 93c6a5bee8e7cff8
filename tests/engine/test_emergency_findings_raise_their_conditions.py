"""Likelihoods for the emergency findings added in session 7 (issue 12 + safety, H13).

pulmonary_embolism_symptoms (deep_vein_thrombosis, sevestre-2010-optimev), sensory_level
(conus_cord_compression, husband-2001-mscc-mri; metastatic_spinal_disease through its share with cord
compression) and bilateral_leg_weakness (spinal_epidural_abscess_discitis, reihsaus-2000). Each finding
raises its condition; its absence never lowers the triage of an emergency presentation.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.knowledge.models import TRIAGE_ORDER, TriageLevel


def _case(findings: list[str], absent: tuple[str, ...] = (), **fields: Any) -> Case:
    items: list[dict[str, Any]] = [{"id": f, "status": "present"} for f in findings]
    items += [{"id": f, "status": "absent"} for f in absent]
    return Case.model_validate({"findings": items, **fields})


def _probability(case: Case, condition: str) -> float:
    return next(d.probability for d in assess(case).differential if d.id == condition)


def _rank(level: TriageLevel) -> int:
    return TRIAGE_ORDER.index(level)


# (condition, new finding, a story without it)
PAIRS: list[tuple[str, str, list[str], dict[str, Any]]] = [
    (
        "deep_vein_thrombosis",
        "pulmonary_embolism_symptoms",
        ["calf_pain", "calf_swelling_asymmetry", "recent_surgery_or_immobility"],
        {"age": 64, "setting": "emergency", "duration_days": 3.0},
    ),
    (
        "conus_cord_compression",
        "sensory_level",
        ["back_pain", "bilateral_leg_weakness", "history_of_cancer"],
        {"age": 70, "setting": "emergency", "duration_days": 10.0},
    ),
    (
        "metastatic_spinal_disease",
        "sensory_level",
        ["back_pain", "history_of_cancer", "night_pain"],
        {"age": 68, "setting": "primary-care", "duration_days": 40.0},
    ),
    (
        "spinal_epidural_abscess_discitis",
        "bilateral_leg_weakness",
        ["back_pain", "fever", "iv_drug_use"],
        {"age": 41, "setting": "emergency", "duration_days": 5.0},
    ),
]


@pytest.mark.parametrize(("condition", "finding", "story", "fields"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_new_finding_raises_its_condition(
    condition: str, finding: str, story: list[str], fields: dict[str, Any]
) -> None:
    without = _probability(_case(story, **fields), condition)
    with_it = _probability(_case([*story, finding], **fields), condition)
    odds_ratio = (with_it / (1 - with_it)) / (without / (1 - without))
    assert odds_ratio > 3, (condition, finding, without, with_it)


@pytest.mark.parametrize(("condition", "finding", "story", "fields"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_finding_present_never_lowers_triage_and_absent_leaves_an_emergency(
    condition: str, finding: str, story: list[str], fields: dict[str, Any]
) -> None:
    base = assess(_case(story, **fields)).triage.level
    present = assess(_case([*story, finding], **fields)).triage.level
    absent = assess(_case(story, absent=(finding,), **fields)).triage.level
    assert _rank(present) >= _rank(base)
    if base is TriageLevel.EMERGENCY:
        assert absent is TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    ("story", "finding"),
    [
        (["back_pain", "bilateral_leg_weakness", "urinary_retention"], "sensory_level"),
        (["calf_pain", "calf_swelling_asymmetry", "pulmonary_embolism_symptoms"], "sensory_level"),
        (["back_pain", "fever", "iv_drug_use", "bilateral_leg_weakness"], "pulmonary_embolism_symptoms"),
        (["back_pain", "sensory_level", "bilateral_leg_weakness"], "pulmonary_embolism_symptoms"),
        (["calf_pain", "pulmonary_embolism_symptoms", "calf_swelling_asymmetry"], "bilateral_leg_weakness"),
    ],
)
def test_an_emergency_stays_an_emergency_when_a_new_finding_is_denied(story: list[str], finding: str) -> None:
    fields: dict[str, Any] = {"age": 62, "setting": "emergency", "duration_days": 2.0}
    assert assess(_case(story, **fields)).triage.level is TriageLevel.EMERGENCY
    assert assess(_case(story, absent=(finding,), **fields)).triage.level is TriageLevel.EMERGENCY


def test_a_denied_sensory_level_keeps_an_emergency_with_weakness_and_retention() -> None:
    story = ["back_pain", "bilateral_leg_weakness", "urinary_retention", "history_of_cancer"]
    fields: dict[str, Any] = {"age": 70, "setting": "emergency", "duration_days": 4.0}
    denied = assess(_case(story, absent=("sensory_level",), **fields))
    assert denied.triage.level is TriageLevel.EMERGENCY
