"""Two examination and history phrasings (issue 14 item 5, H1).

A crossed tension sign is recorded on the symptomatic leg (localisation.yaml laterality_findings): when
its sentence names the stretched leg too, the side is the other one. Pain that "spreads all the way down
to the heel" radiates into the leg.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def findings(text: str) -> set[tuple[str, str, str | None]]:
    return {(f.id, f.status.value, f.side) for f in extract(text).case.findings}


@pytest.mark.parametrize(
    ("text", "finding", "side"),
    [
        (
            "Stretching the right femoral nerve (crossed femoral stretch) brings on the left thigh pain.",
            "crossed_femoral_stretch_positive",
            "left",
        ),
        (
            "Crossed straight-leg raise: raising the right leg reproduces the left sciatica.",
            "crossed_slr_positive",
            "left",
        ),
        (
            "Crossed SLR is positive: left leg pain when the right leg is raised.",
            "crossed_slr_positive",
            "left",
        ),
        (
            "Crossed SLR is positive: right leg pain when the left leg is lifted.",
            "crossed_slr_positive",
            "right",
        ),
        ("Crossed SLR positive on the left.", "crossed_slr_positive", "left"),
        ("Crossed SLR positive on both sides.", "crossed_slr_positive", "bilateral"),
    ],
)
def test_a_crossed_sign_is_on_the_leg_where_the_pain_is_brought_on(
    text: str, finding: str, side: str
) -> None:
    assert (finding, "present", side) in findings(text)


def test_a_direct_sign_in_the_same_sentence_keeps_its_own_side() -> None:
    found = findings(
        "The femoral nerve stretch test reproduces her pain on the left, and stretching the right femoral "
        "nerve (crossed femoral stretch) also brings on the left thigh pain."
    )
    assert {
        ("femoral_stretch_positive", "present", "left"),
        ("crossed_femoral_stretch_positive", "present", "left"),
    } <= found


@pytest.mark.parametrize(
    "text",
    [
        "The pain starts in the lower back and spreads all the way down to the heel.",
        "The pain goes all the way down to his foot.",
        "Pain radiates down to the ankle.",
    ],
)
def test_pain_reaching_down_to_a_part_of_the_leg_radiates(text: str) -> None:
    assert ("radiating_leg_pain", "present") in {(f, s) for f, s, _ in findings(text)}


def test_a_rash_spreading_to_the_hip_is_not_leg_pain() -> None:
    assert not {f for f, _, _ in findings("The rash spreads down to the hip.")} & {"radiating_leg_pain"}
