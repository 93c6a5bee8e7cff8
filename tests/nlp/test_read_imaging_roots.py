"""Imaging reports that name the compressed root, and cysts that narrow the recess."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _imaging(text: str) -> set[tuple[str, str, str | None, str | None]]:
    case = extract(text).case
    return {(i.kind, i.level, i.zone.value if i.zone else None, i.side) for i in case.imaging}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "MRI: the extrusion displaces the traversing left L5 nerve root.",
            ("disc-herniation", "L4-L5", "paracentral", "left"),
        ),
        (
            "MRI: a protrusion contacts the exiting right L5 root.",
            ("disc-herniation", "L5-S1", "foraminal", "right"),
        ),
        (
            "CT myelogram: the osteophyte compresses the right L4 nerve root.",
            ("stenosis", "L3-L4", "paracentral", "right"),
        ),
        (
            "MRI: a mass in the left L3 foramen, a foraminal disc herniation effacing the L3 nerve root.",
            ("disc-herniation", "L3-L4", "foraminal", "left"),
        ),
        (
            "MRI: the extrusion affects the traversing left L5 nerve root.",
            ("disc-herniation", "L4-L5", "paracentral", "left"),
        ),
        (
            "CT: a posterior disc osteophyte complex extends into the lateral recess on the left. This will "
            "likely affect the S1 nerve root on the left.",
            ("stenosis", "L5-S1", "paracentral", "left"),
        ),
    ],
)
def test_a_named_compressed_root_is_read_as_the_lesion_that_presses_it(
    text: str, expected: tuple[str, str, str | None, str | None]
) -> None:
    assert expected in _imaging(text)


def test_a_denied_compression_is_not_read() -> None:
    assert not _imaging("MRI: the small bulge does not compress the left L5 nerve root.")


def test_a_root_named_outside_an_imaging_report_is_not_imaging() -> None:
    """'affecting the L5 root' is imaging only in a report's sentence or one that points back to it."""
    assert not _imaging("She has sciatica affecting the left L5 nerve root.")
    assert not _imaging("She has leg pain. This affects the left L5 nerve root.")
    # the protrusion itself is read; the denied root adds nothing
    assert _imaging("MRI: a left disc protrusion at L4-5. It does not affect the L5 nerve root.") == {
        ("disc-herniation", "L4-L5", None, "left")
    }


def test_a_facet_synovial_cyst_is_a_compressive_lesion_at_its_level() -> None:
    found = _imaging("MRI shows a right L4-5 facet synovial cyst.")
    assert ("stenosis", "L4-L5", None, "right") in found


def test_the_cyst_presses_the_traversing_root_in_the_assessment() -> None:
    from nervemap.engine.assess import assess

    case = extract(
        "60 year old woman with right leg pain down the outer calf to the dorsum of the foot. "
        "MRI shows a right L4-5 facet synovial cyst."
    ).case
    imaging = assess(case).imaging_concordance
    assert [(r.root, r.side) for r in imaging.imaging] == [("L5", "right")]
