"""A report that names the root first and its compression after it (issue 14 Build 4, L s14).

"Left L5 nerve root compression by an L4-5 disc", "right S1 nerve root compression", "compression of
the right S1 nerve root", "the right L5 root is compressed in the foramen": the reader read a root
only after a verb ("compressing the L5 root"), so these reports gave no compressed root at all, or
only the level. A named disc level also says whether the root exits there (the root above the disc,
in its foramen) or traverses it (the root below, in the recess): "the left L4 root in the L4-5
foramen" is the L4-5 foramen, not an L3-4 disc.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _roots(text: str) -> set[str]:
    """The compressed-root items the reader wrote ("disc-herniation L4-L5 paracentral left (L5 root)")."""
    return {str(i.value) for i in extract(text).items if i.kind == "imaging" and "root)" in str(i.value)}


def _imaging(text: str) -> set[tuple[str, str, str | None, str | None]]:
    case = extract(text).case
    return {(i.kind, i.level, i.zone.value if i.zone else None, i.side) for i in case.imaging}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "MRI of the lumbar spine: left L5 nerve root compression by an L4-5 disc.",
            "disc-herniation L4-L5 paracentral left (L5 root)",
        ),
        ("MRI showed right S1 nerve root compression.", "stenosis L5-S1 paracentral right (S1 root)"),
        (
            "MRI showed L5 nerve root impingement on the left from an L4-5 disc protrusion.",
            "disc-herniation L4-L5 paracentral left (L5 root)",
        ),
        (
            "MRI: L5-S1 disc extrusion with compression of the right S1 nerve root.",
            "disc-herniation L5-S1 paracentral right (S1 root)",
        ),
        (
            "MRI: the left S1 nerve root is severely compressed by an extruded L5-S1 disc.",
            "disc-herniation L5-S1 paracentral left (S1 root)",
        ),
    ],
)
def test_a_root_named_before_its_compression_is_read(text: str, expected: str) -> None:
    assert expected in _roots(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the root above the named disc exits at it: its foramen, not the disc above
        (
            "Imaging showed impingement of the left L4 nerve root in the L4-5 foramen.",
            ("stenosis", "L4-L5", "foraminal", "left"),
        ),
        (
            "MRI: a disc herniation at L4-5 compressing the right L4 nerve root.",
            ("disc-herniation", "L4-L5", "foraminal", "right"),
        ),
        # the root below it traverses it
        (
            "MRI: disc herniation at L3-4 impinging on the right L4 root.",
            ("disc-herniation", "L3-L4", "paracentral", "right"),
        ),
    ],
)
def test_a_named_disc_level_says_whether_the_root_exits_or_traverses(
    text: str, expected: tuple[str, str, str | None, str | None]
) -> None:
    assert expected in _imaging(text)


@pytest.mark.parametrize(
    "text",
    [
        "MRI: there is no compression of the left S1 nerve root.",
        "MRI: L4-5 disc protrusion, no L5 root compression.",
        "MRI: L5-S1 protrusion without S1 nerve root impingement.",
        "MRI: the right L5 nerve root is not compressed.",
    ],
)
def test_a_denied_root_compression_names_no_root(text: str) -> None:
    assert _roots(text) == set()


def test_two_roots_of_one_disc_keep_their_own_zone() -> None:
    text = (
        "MRI: a right L5-S1 disc herniation compresses the right S1 nerve root and the right L5 nerve root "
        "is compressed in the foramen."
    )
    assert {
        "disc-herniation L5-S1 paracentral right (S1 root)",
        "disc-herniation L5-S1 foraminal right (L5 root)",
    } <= _roots(text)
