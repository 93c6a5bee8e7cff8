"""General reading errors found on the development set (issues 12 and 14): hedged imaging,
extent of radiating pain, hip pain, levels of a mixed-region sentence, stocking sensory symptoms
and past surgical history lists."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _imaging(text: str) -> set[tuple[str, str]]:
    return {(i.kind, i.level) for i in extract(text).case.imaging}


@pytest.mark.parametrize(
    "text",
    [
        "CT myelogram: stenosis at L2-L3, but the radiologist felt this could be artefact.",
        "Lumbar MRI: L5-S1 disc protrusion, possibly artifactual.",
        "A far lateral disc herniation at L4-L5 cannot be excluded.",
        "Cannot exclude a disc extrusion at L3-L4.",
        "Questionable stenosis at L4-L5.",
        "Foraminal stenosis at L4-L5 is equivocal.",
    ],
)
def test_a_hedged_imaging_lesion_is_not_read_as_present(text: str) -> None:
    assert _imaging(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRI: disc protrusion at L5-S1; motion artifact degrades the images.", ("disc-herniation", "L5-S1")),
        ("Severe stenosis at L3-L4 with some motion artifact.", ("stenosis", "L3-L4")),
    ],
)
def test_an_artefact_that_only_degrades_the_study_does_not_hedge_the_lesion(
    text: str, expected: tuple[str, str]
) -> None:
    assert expected in _imaging(text)
