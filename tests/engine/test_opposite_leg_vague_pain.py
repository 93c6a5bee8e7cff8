"""A symptom somewhere in one leg, named without its aspect ("pain in his left leg"), speaks for a lesion
on that side (compiled.py _opposite_leg_observations).

Each of the 22 regions of "the leg" has its own outside-territory rate (0.12 for pain); combined as if
independent they made the whole-leg observation 0.94 likely with a lesion of the other leg, so a
one-sided leg pain left the roots of the other side with about as much weight as its own. A one-sided
lesion shows anything on the other side at 1 - unilateral_pattern_with_one_sided_lesion (0.05).
"""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

NOTE = "A 40-year-old man has had pain in his {side} leg for three weeks, worse on sitting."


def _root_mass(side: str, leg: str) -> float:
    result = assess(extract(NOTE.format(side=leg)).case)
    return sum(s.probability for s in result.localization if s.site == "root" and s.side == side)


@pytest.mark.parametrize(("leg", "other"), [("left", "right"), ("right", "left")])
def test_pain_in_one_leg_puts_the_root_on_that_side(leg: str, other: str) -> None:
    assert _root_mass(leg, leg) > 4 * _root_mass(other, leg)


def test_mirroring_the_leg_mirrors_the_roots() -> None:
    assert _root_mass("left", "left") == pytest.approx(_root_mass("right", "right"), abs=1e-9)
    assert _root_mass("right", "left") == pytest.approx(_root_mass("left", "right"), abs=1e-9)
