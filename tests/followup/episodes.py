"""Simulated sciatica check-ins, assessed by the real engine (engine.assess.assess)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.followup import CheckinInput

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Asked and denied at every check-in, so that a red flag appears only when a check-in reports it.
SCREENED_ABSENT = (
    "saddle_numbness",
    "urinary_retention",
    "urinary_incontinence_new",
    "bladder_sensation_altered",
    "bowel_incontinence_new",
    "fever",
    "history_of_cancer",
    "unexplained_weight_loss",
    "significant_trauma",
    "bilateral_leg_weakness",
    "progressive_weakness",
)
CALF = ("lower_back", "buttock", "thigh_posterior", "calf")


def case(
    side: str = "left",
    *,
    regions: Sequence[str] = CALF,
    strength: Sequence[tuple[str, int]] = (),
    present: Sequence[str] = (),
    duration_days: float | None = 14.0,
    complete_map: bool = True,
    **scores: float,
) -> Case:
    """A sciatica case on one side; ``scores`` are Case.scores fields (leg_pain_nrs=7.0, ...)."""
    document: dict[str, Any] = {
        "age": 42.0,
        "sex": "female",
        "duration_days": duration_days,
        "onset": "sudden",
        "pain_map": [{"region": region, "side": side} for region in regions],
        "pain_map_complete": complete_map,
        "findings": [
            {"id": "radiating_leg_pain", "side": side},
            {"id": "slr_positive", "side": side},
            {"id": "back_pain"},
            *({"id": f, "status": "absent"} for f in SCREENED_ABSENT if f not in present),
            *({"id": f} for f in present),
        ],
        "strength": [{"movement": m, "side": side, "grade": g} for m, g in strength],
        "scores": scores,
    }
    return Case.model_validate(document)


@functools.lru_cache(maxsize=256)
def _assess_json(case_json: str) -> Assessment:
    return assess(Case.model_validate_json(case_json))


def checkin(weeks: float, the_case: Case, *, source: str = "patient", reviewed: bool = False) -> CheckinInput:
    return CheckinInput(
        at=START + timedelta(weeks=weeks),
        case=the_case,
        assessment=_assess_json(the_case.model_dump_json()),
        source="clinician" if source == "clinician" else "patient",
        reviewed_by_clinician=reviewed,
    )
