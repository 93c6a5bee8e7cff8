"""A report naming the root before its compression reaches imaging concordance (issue 14 Build 4,
L s14): "MRI showed right S1 nerve root compression" with an S1 picture is concordant, and "the
right L4 nerve root is compressed in the L4-5 foramen" with the same picture is discordant. Before
the reader read these forms, both notes had no imaging at all ("no imaging")."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

S1_PICTURE = (
    "A 45-year-old man has pain from the right buttock down the back of the calf to the sole. "
    "The right ankle jerk is absent and plantar flexion is 4/5 on the right. "
)


@pytest.mark.parametrize(
    ("scan", "status", "root"),
    [
        ("MRI showed right S1 nerve root compression.", "concordant", "S1"),
        ("MRI: the right L4 nerve root is compressed in the L4-5 foramen.", "discordant", "L4"),
    ],
)
def test_a_root_named_before_its_compression_is_compared_with_the_signs(
    scan: str, status: str, root: str
) -> None:
    concordance = assess(extract(S1_PICTURE + scan).case).imaging_concordance
    assert concordance.status == status
    assert [(r.root, r.side) for r in concordance.imaging] == [(root, "right")]
