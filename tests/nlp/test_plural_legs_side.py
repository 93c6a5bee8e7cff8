"""Both legs named in the plural are both sides, not a side the sentence names for something else.

"A stroke with residual right-sided weakness ... first presented with numbness in his lower
extremities" read the numbness as the right leg's (the sentence's only side word), so a distal
polyneuropathy looked one-sided (dev mtsamples-1680). A plural mention with no side word of its own
is on both sides; a side word of its own still decides.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _sides(note: str, finding: str) -> list[str | None]:
    return [f.side for f in extract(note).case.findings if f.id == finding]


@pytest.mark.parametrize(
    "note",
    [
        "A 62-year-old man had a stroke with residual right-sided weakness and first presented with numbness "
        "in his lower extremities.",
        "After a left knee replacement she noticed numbness in her feet.",
        "He has right hip pain and tingling in his legs.",
    ],
)
def test_a_plural_leg_mention_without_its_own_side_is_on_both_sides(note: str) -> None:
    finding = "leg_numbness" if "numbness" in note else "leg_tingling"
    assert _sides(note, finding) == ["bilateral"]


@pytest.mark.parametrize(
    ("note", "finding", "side"),
    [
        ("A 40-year-old woman has numbness in her right leg.", "leg_numbness", "right"),
        ("Pain and numbness in the left leg.", "leg_numbness", "left"),
    ],
)
def test_a_single_leg_keeps_its_side(note: str, finding: str, side: str) -> None:
    assert _sides(note, finding) == [side]
