"""The anterolateral thigh belongs to the L2/L3 dermatomes and the L4 pain map (issue 14).

The region is the skin of the lateral femoral cutaneous nerve, which arises from L2 and L3
(anatomy/nerves.yaml; wheeless-lumbar-plexus), and Harrison's Table 48-1 lists the anterolateral
thigh among the regions of L4 radicular pain. Before, no root covered it, so sensory loss there
could only be the plexus or the nerve: a reduced knee jerk with sensory loss over the front and
outer thigh localised to the whole plexus instead of the root both findings share.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.compiled import default_compiled


def test_every_root_of_the_lateral_femoral_cutaneous_nerve_has_its_skin_in_its_dermatome() -> None:
    anatomy = default_compiled().knowledge.anatomy
    roots = {root.id: root for root in anatomy.roots}
    nerve = next(n for n in anatomy.nerves if n.id == "lateral_femoral_cutaneous")
    assert nerve.roots and nerve.cutaneous
    for root in nerve.roots:
        assert set(nerve.cutaneous) <= set(roots[root].dermatome), root


def test_l4_radicular_pain_covers_the_anterolateral_thigh() -> None:
    anatomy = default_compiled().knowledge.anatomy
    l4 = next(root for root in anatomy.roots if root.id == "L4")
    assert {"thigh_anterior", "thigh_lateral"} <= set(l4.pain)


def _anterolateral_thigh_numbness(side: str) -> dict[str, Any]:
    other = "left" if side == "right" else "right"
    return {
        "age": 34,
        "sex": "male",
        "setting": "spine-clinic",
        "duration_days": 120,
        "pain_map": [{"region": "thigh_anterior", "side": side}],
        "sensation": [
            {"region": "thigh_anterior", "side": side, "status": "reduced"},
            {"region": "thigh_lateral", "side": side, "status": "reduced"},
        ],
        "reflexes": [
            {"reflex": "patellar", "side": side, "grade": 1},
            {"reflex": "patellar", "side": other, "grade": 2},
        ],
    }


@pytest.mark.parametrize("side", ["left", "right"])
def test_front_and_outer_thigh_numbness_with_a_reduced_knee_jerk_is_the_l3_root(side: str) -> None:
    top = assess(_anterolateral_thigh_numbness(side)).localization[0]
    assert (str(top.site), top.root, top.side) == ("root", "L3", side)
