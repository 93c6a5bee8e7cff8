"""A region word that names a structure, a diagnosis or a test is no pain site (E s12).

"a lumbar root problem", "lumbosacral radiculopathy", "lumbar disc herniation", "lumbar MRI": the
adjective says what is thought to be wrong or what was done, not where the patient hurts. Read as the
back, it put a pain of the feet into the back and sent a diabetic's neuropathy through the
spinal-infection rules. "lumbar pain", "pain in the lumbar region" and "lumbar and buttock pain" still
name the back."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _regions(text: str) -> set[str]:
    return {mark.region for mark in extract(text).case.pain_map or []}


@pytest.mark.parametrize(
    "text",
    [
        "Burning pain in both feet, which his GP puts down to a lumbar root problem.",
        "Pain in both feet; referred with lumbosacral radiculopathy.",
        "Aching in the feet, thought to be from a lumbar disc herniation.",
        "Pain in the left calf; a lumbar MRI was arranged.",
        "Pain in the right foot, referred for lumbar L5 nerve root irritation.",
    ],
)
def test_a_named_lumbar_structure_is_no_back_pain(text: str) -> None:
    assert "lower_back" not in _regions(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lumbar and buttock pain for three weeks.",
        "Pain in the lumbar and gluteal area.",
        "Lumbosacral pain radiating to the left leg.",
        "Pain lumbar, radiating to the thigh.",
    ],
)
def test_the_lumbar_region_named_as_a_place_is_still_the_back(text: str) -> None:
    assert "lower_back" in _regions(text)


def test_painful_feet_with_a_raised_crp_do_not_fire_the_back_pain_infection_rule() -> None:
    text = (
        "A 66-year-old man with type 2 diabetes has burning pain in both feet, which his GP "
        "attributes to a lumbar root problem. CRP 14 mg/L."
    )
    fired = {flag.id for flag in assess(extract(text).case).triage.red_flags}
    assert "infection_back_pain_raised_markers" not in fired
