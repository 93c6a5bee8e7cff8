"""Two lesions in one imaging sentence keep their own zone and side (issue 14, Build 4).

Before: the zone was the first zone word within 90 characters of each lesion noun and a side word
went to the nearest noun, so "a right L4-5 paracentral herniation and a left L5-S1 foraminal
herniation" read as L4-5 foraminal on both sides (the foraminal L4 root instead of the traversing
L5, and a left side it does not have) plus L5-S1 foraminal with no side; and "a far-lateral disc
herniation at L3-4 and a paracentral one at L4-5, both on the left" read both levels far-lateral on
both sides ("both" taken for both sides).
"""

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
            "MRI showed a right L4-5 paracentral herniation and a left L5-S1 foraminal herniation.",
            {
                ("disc-herniation", "L4-L5", "paracentral", "right"),
                ("disc-herniation", "L5-S1", "foraminal", "left"),
            },
        ),
        (
            "MRI: a left foraminal protrusion at L3-4 and a right subarticular extrusion at L5-S1.",
            {
                ("disc-herniation", "L3-L4", "foraminal", "left"),
                ("disc-herniation", "L5-S1", "paracentral", "right"),
            },
        ),
        (
            "MRI showed a far-lateral disc herniation at L3-4 and a paracentral one at L4-5, "
            "both on the left.",
            {
                ("disc-herniation", "L3-L4", "far-lateral", "left"),
                ("disc-herniation", "L4-L5", "paracentral", "left"),
            },
        ),
    ],
)
def test_each_lesion_keeps_its_own_zone_and_side(
    text: str, expected: set[tuple[str, str, str | None, str | None]]
) -> None:
    assert _imaging(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one zone word for a list of levels still applies to every level
        (
            "Severe foraminal stenosis at L4-5 and L5-S1 on the right.",
            {("stenosis", "L4-L5", "foraminal", "right"), ("stenosis", "L5-S1", "foraminal", "right")},
        ),
        (
            "MRI showed left L4-5 and L5-S1 disc herniations.",
            {("disc-herniation", "L4-L5", None, "left"), ("disc-herniation", "L5-S1", None, "left")},
        ),
        ("MRI: bilateral L4-5 foraminal stenosis.", {("stenosis", "L4-L5", "foraminal", "bilateral")}),
    ],
)
def test_shared_words_still_apply_to_the_whole_list(
    text: str, expected: set[tuple[str, str, str | None, str | None]]
) -> None:
    assert _imaging(text) == expected


def test_both_on_one_side_is_that_side() -> None:
    case = extract("Two disc herniations, both on the right, at L4-5 and L5-S1.").case
    assert {i.side for i in case.imaging} == {"right"}
    # "both" on its own still names both sides
    assert {r.side for r in extract("The ankle jerks are both absent.").case.reflexes} == {"left", "right"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "foramen" is the foraminal zone as "foraminal" is: the exiting root (L4 at L4-5), not the
        # traversing one a zone-less disc is read to press (L5)
        (
            "MRI: disc herniation narrowing the left L4-5 neural foramen.",
            ("disc-herniation", "L4-L5", "foraminal", "left"),
        ),
        ("Stenosis of the right L3-4 foramen.", ("stenosis", "L3-L4", "foraminal", "right")),
        # one vertebra named with its foramen: the foramen below it, where its own root exits
        (
            "There is a disc herniation in the left L4 neural foramen.",
            ("disc-herniation", "L4-L5", "foraminal", "left"),
        ),
        (
            "MRI showed a right L5 foraminal disc herniation.",
            ("disc-herniation", "L5-S1", "foraminal", "right"),
        ),
    ],
)
def test_a_foramen_is_read_as_the_foraminal_zone(
    text: str, expected: tuple[str, str, str | None, str | None]
) -> None:
    assert _imaging(text) == {expected}
