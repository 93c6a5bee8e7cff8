"""The lateral recess is the subarticular zone: a lesion there presses the traversing root (issue 14).

anatomy/discs.yaml and localisation.yaml imaging_zones: a paracentral (subarticular, posterolateral)
lesion presses the root that traverses the recess, the one below the disc; a foraminal one the root
exiting at its own level. "Narrowing of the lateral recess" was read as foraminal, so a right
paracentral L4-5 protrusion narrowing the right recess pointed at L4 instead of L5.
"""

from __future__ import annotations

import pytest

from tests.nlp.test_read_imaging_roots import _imaging


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "MRI: a right paracentral disc protrusion at L4-L5 narrowing the right lateral recess.",
            ("disc-herniation", "L4-L5", "paracentral", "right"),
        ),
        (
            "MRI shows left lateral recess stenosis at L4-5.",
            ("stenosis", "L4-L5", "paracentral", "left"),
        ),
        (
            "MRI shows left foraminal stenosis at L4-5.",
            ("stenosis", "L4-L5", "foraminal", "left"),
        ),
    ],
)
def test_the_lateral_recess_is_the_paracentral_zone_and_the_foramen_is_not(
    text: str, expected: tuple[str, str, str | None, str | None]
) -> None:
    assert expected in _imaging(text)
