"""One weak grade given to every movement of a leg is one observation (H8, issue 12).

"Both legs 3/5" or "lower extremity strength is 3/5" is one statement read onto every key
movement. Counted muscle by muscle it was ten observations per leg, and the site whose territory
holds every muscle (the conus or cord) won by e^7 or more against a polyradiculoneuropathy or a
polyneuropathy, whatever the rest of the case said. Like a part of the leg named without its
aspect, it is "somewhere in the leg is weak": 1 - Π(1 - p) over the leg's movements for the site.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import WHOLE_LEG_WEAK, CompiledKnowledge, default_compiled
from nervemap.engine.encode import encode_case


@pytest.fixture(scope="module")
def compiled() -> CompiledKnowledge:
    return default_compiled()


def _all(compiled: CompiledKnowledge, side: str, grade: int) -> list[dict[str, Any]]:
    return [{"movement": m.id, "side": side, "grade": grade} for m in compiled.knowledge.anatomy.movements]


def _seen(compiled: CompiledKnowledge, case: dict[str, Any]) -> set[str]:
    encoded = encode_case(Case.model_validate(case), compiled)
    return {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_present)}


def test_one_grade_on_every_movement_of_a_leg_is_one_observation(compiled: CompiledKnowledge) -> None:
    seen = _seen(compiled, {"age": 40, "strength": _all(compiled, "left", 3)})
    assert f"{WHOLE_LEG_WEAK}:leg:left" in seen
    assert not any(key.startswith("weakness:") and key.endswith(":left") for key in seen)


def test_graded_muscles_that_differ_stay_muscle_by_muscle(compiled: CompiledKnowledge) -> None:
    strength = _all(compiled, "left", 3)
    strength[0] = strength[0] | {"grade": 4}
    seen = _seen(compiled, {"age": 40, "strength": strength})
    assert f"{WHOLE_LEG_WEAK}:leg:left" not in seen
    assert sum(key.startswith("weakness:") and key.endswith(":left") for key in seen) == len(strength)


def test_ascending_weakness_after_diarrhoea_with_both_legs_3_of_5_is_guillain_barre() -> None:
    compiled = default_compiled()
    case = {
        "age": 34,
        "sex": "male",
        "duration_days": 4,
        "strength": _all(compiled, "left", 3) + _all(compiled, "right", 3),
        "reflexes": [
            {"reflex": r, "side": s, "grade": 0} for r in ("patellar", "achilles") for s in ("left", "right")
        ],
        "findings": [
            {"id": "recent_gastrointestinal_or_respiratory_infection"},
            {"id": "ascending_weakness"},
            {"id": "leg_tingling", "side": "bilateral"},
        ],
    }
    result = assess(case)
    assert result.differential[0].id == "guillain_barre_syndrome", [d.id for d in result.differential[:4]]


def test_a_uniformly_weak_leg_mirrors_left_and_right(compiled: CompiledKnowledge) -> None:
    left = assess({"age": 50, "strength": _all(compiled, "left", 4)})
    right = assess({"age": 50, "strength": _all(compiled, "right", 4)})
    assert [d.id for d in left.differential] == [d.id for d in right.differential]
    for a, b in zip(left.differential, right.differential, strict=True):
        assert a.probability == pytest.approx(b.probability, abs=1e-9)
