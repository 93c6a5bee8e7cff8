"""A scan report with no side stated for any symptom or sign: the sides the scan shows decide whether the
picture is one-sided (engine/encode.py _encode_laterality). Stated clinical sides still come first: a
scan on the other side is discordant imaging and never makes the picture both-sided."""

from __future__ import annotations

from typing import Any

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case


def _pattern(case: dict[str, Any]) -> set[str]:
    compiled = default_compiled()
    encoded = encode_case(Case.model_validate(case), compiled)
    return {
        compiled.observations[o].target
        for o in encoded.observed_present.nonzero()[0].tolist()
        if compiled.observations[o].modality == "pattern"
    }


def _report(*images: dict[str, Any], findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"age": 60, "sex": "male", "findings": findings or [], "imaging": list(images)}


LEFT_S1 = {"kind": "stenosis", "level": "L5-S1", "zone": "paracentral", "side": "left"}
RIGHT_L5 = {"kind": "disc-herniation", "level": "L4-L5", "zone": "paracentral", "side": "right"}


def test_a_scan_alone_on_one_side_is_a_one_sided_picture() -> None:
    assert _pattern(_report(LEFT_S1)) == {"unilateral"}


def test_a_scan_alone_on_both_sides_is_a_both_sided_picture() -> None:
    assert _pattern(_report(LEFT_S1, RIGHT_L5)) == {"bilateral"}


def test_a_stated_side_keeps_the_scan_on_the_other_side_discordant() -> None:
    left_leg = [{"id": "radiating_leg_pain", "status": "present", "side": "left"}]
    assert _pattern(_report(RIGHT_L5, findings=left_leg)) == {"unilateral"}
    assert _pattern(_report(LEFT_S1, RIGHT_L5, findings=left_leg)) == {"unilateral"}


def test_no_scan_and_no_side_is_no_pattern() -> None:
    assert _pattern(_report()) == set()
