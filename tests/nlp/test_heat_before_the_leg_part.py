"""Heat named before the part of the leg is the leg's warmth (E s13, item 2's example).

"presents with a hot swollen calf" read the swelling but not the heat, so a cellulitis or a deep vein
thrombosis lost its warmth; warmth alone is no inflammation ("both feet warm and well perfused" is a normal
examination).
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import statuses


@pytest.mark.parametrize(
    "text",
    [
        "No history of injury, presents with a hot swollen calf.",
        "A warm, swollen shin after an insect bite.",
        "Hot left calf since yesterday.",
    ],
)
def test_heat_before_the_leg_part_is_its_warmth(text: str) -> None:
    found = statuses(text)
    assert found.get("leg_redness_warmth") == "present"
    assert found.get("minor_trauma") in (None, "absent")


@pytest.mark.parametrize(
    "text",
    [
        "Both feet warm and well perfused.",
        "Feet warm with good capillary refill.",
        "A hot water bottle burn on the calf.",
    ],
)
def test_a_warm_well_perfused_foot_is_no_inflamed_leg(text: str) -> None:
    assert statuses(text).get("leg_redness_warmth") != "present"


def test_a_denied_hot_calf_stays_denied() -> None:
    assert statuses("No hot swollen calf.").get("leg_redness_warmth") == "absent"
