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


def test_levels_go_to_the_region_they_are_named_with() -> None:
    text = "CT myelogram: cervical canal stenosis at C5-C6 and C6-C7, and lumbar stenosis at L2-L3 and L3-L4."
    assert _imaging(text) == {("stenosis", "L2-L3"), ("stenosis", "L3-L4")}


def test_a_cervical_lesion_alone_is_still_skipped() -> None:
    assert _imaging("Cervical spine MRI: a disc herniation at C6-C7 compressing the cord.") == set()
    case = extract("Cervical spine MRI: broad-based disc herniation with cord flattening.").case
    assert not [f for f in case.findings if f.id == "imaging_disc_herniation"]


@pytest.mark.parametrize(
    "text",
    [
        "MRI of the lumbar spine without contrast shows a disc extrusion at L4-L5.",
        "Non-contrast CT: disc extrusion at L4-L5.",
    ],
)
def test_imaging_without_contrast_does_not_deny_the_lesion(text: str) -> None:
    assert _imaging(text) == {("disc-herniation", "L4-L5")}
