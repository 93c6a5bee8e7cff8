"""A known diagnosis of leg arterial disease or a previous leg revascularisation (issue 12): PAD was known
before the visit in 56 % of people with PAD in primary care (PARTNERS) against 3.5 % of patients with lumbar
spinal stenosis (Uesugi 2012), so the history raises the arterial causes of walking leg pain."""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case

KNOWN = "known_peripheral_arterial_disease"


def _case(status: str | None, duration_days: int = 120) -> dict[str, Any]:
    findings: list[dict[str, Any]] = [{"id": "leg_pain_on_walking"}, {"id": "smoking"}]
    if status is not None:
        findings.append({"id": KNOWN, "status": status})
    return {
        "age": 66,
        "sex": "male",
        "duration_days": duration_days,
        "pain_map_complete": False,
        "pain_map": [{"region": "buttock", "side": "left"}, {"region": "calf", "side": "left"}],
        "findings": findings,
    }


def _p(case: dict[str, Any], condition: str) -> float:
    """The full posterior of the condition (the differential lists only the leading ones)."""
    compiled = default_compiled()
    posterior = infer_encoded(compiled, [encode_case(Case.model_validate(case), compiled)])
    return float(posterior.conditions[0, compiled.condition_ids.index(condition)])


@pytest.mark.parametrize(
    ("condition", "days"),
    [
        ("peripheral_arterial_disease", 120),
        ("aorto_iliac_occlusive_disease", 120),
        ("acute_limb_ischaemia", 1),
    ],
)
def test_a_known_history_raises_the_arterial_conditions(condition: str, days: int) -> None:
    assert _p(_case("present", days), condition) > _p(_case(None, days), condition)


def test_unknown_is_not_absent_and_absent_lowers_pad() -> None:
    unknown, absent, present = (
        _p(_case(s), "peripheral_arterial_disease") for s in (None, "absent", "present")
    )
    assert absent < unknown < present


def test_walking_leg_pain_with_known_pad_ranks_pad_above_stenosis() -> None:
    case = _case("present")
    assert _p(case, "peripheral_arterial_disease") > _p(case, "central_lumbar_stenosis")
