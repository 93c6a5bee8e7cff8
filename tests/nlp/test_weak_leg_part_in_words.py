"""A part of the leg said to be weak is a reported leg weakness (E s12, safety item 4's reading class).

The cauda equina, cord and spinal-infection rules read a reported weakness; told as the state of a part
("the right thigh has been weak for weeks", "his leg was weak"), it was read as pain in that part
only."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of


@pytest.mark.parametrize(
    "text",
    [
        "Over three weeks the right thigh has been weak.",
        "His left leg was weak after the fall.",
        "The left leg is a bit weak on the stairs.",
        "Her calf has been weaker since Monday.",
    ],
)
def test_a_leg_part_said_to_be_weak_is_reported_weakness(text: str) -> None:
    assert status_of(text, "subjective_leg_weakness") == "present"


def test_the_side_of_the_weak_part_is_kept() -> None:
    findings = extract("Over three weeks the right thigh has been weak.").case.findings
    assert any(f.id == "subjective_leg_weakness" and f.side == "right" for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "The knee is weak from an old ligament injury.",  # not a part of the leg this rule names
        "He denies that his legs have been weak.",
    ],
)
def test_other_parts_and_denials_are_not_present_weakness(text: str) -> None:
    assert status_of(text, "subjective_leg_weakness") != "present"
