"""The L5 vs common fibular discriminator as notes write it (issue 14): ankle inversion (tibial
nerve, L5 root) spared or weak next to a foot drop. "Foot drop" grades ankle dorsiflexion only; a
muscle named "spared" or "preserved" is full power."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _grades(text: str) -> dict[tuple[str, str | None], int]:
    case = extract(text).case
    return {(s.movement, s.side): s.grade for s in case.strength or []}


@pytest.mark.parametrize(
    "text",
    [
        "Right foot drop with ankle inversion spared.",
        "Right foot drop with ankle inversion intact.",
        "Right foot drop with sparing of ankle inversion.",
        "Right foot drop; ankle inversion is preserved.",
    ],
)
def test_a_foot_drop_with_inversion_spared_keeps_inversion_at_full_power(text: str) -> None:
    grades = _grades(text)
    assert grades[("ankle_dorsiflexion", "right")] <= 3
    assert grades[("ankle_inversion", "right")] == 5


def test_a_foot_drop_with_weak_inversion_keeps_inversion_weak() -> None:
    grades = _grades("Left foot drop with weak ankle inversion.")
    assert grades[("ankle_inversion", "left")] < 5


@pytest.mark.parametrize(
    "text",
    [
        "Weak knee extension on the right with hip adduction spared.",
        "Right quadriceps weak; hip adduction is preserved.",
        "Weak right quadriceps with sparing of the hip adductors.",
    ],
)
def test_a_weak_quadriceps_with_the_adductors_spared_reads_both(text: str) -> None:
    grades = _grades(text)
    assert grades[("knee_extension", "right")] < 5
    assert grades[("hip_adduction", "right")] == 5
