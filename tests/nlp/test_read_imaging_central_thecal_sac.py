"""A central disc protrusion that only indents the thecal sac presses no root (nlp/read_imaging.py).

The traversing roots run in the lateral recesses and a central disc reaches them only when large
(anatomy/discs.yaml: large central ones press several roots on both sides). Read as S1 on both sides,
a small central L5-S1 protrusion beside a right paracentral L4-5 one made the picture bilateral and
'several roots' won (dev mtsamples-1189).
"""

from __future__ import annotations

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import present


def _imaging(text: str) -> list[tuple[str, str, str | None, str | None]]:
    case = extract(text).case
    return [(i.kind, i.level, i.zone.value if i.zone else None, i.side) for i in case.imaging or []]


def test_a_central_protrusion_indenting_the_thecal_sac_is_a_disc_herniation_without_a_root() -> None:
    text = (
        "MRI: a right paracentral disc protrusion at L4-L5 narrows the right lateral recess. There is also a "
        "central disc protrusion at the L5-S1 level resulting in indentation of the anterior thecal sac."
    )
    assert _imaging(text) == [("disc-herniation", "L4-L5", "paracentral", "right")]
    assert "imaging_disc_herniation" in present(text)


def test_a_central_disc_said_to_reach_the_roots_still_presses_them() -> None:
    text = "MRI: central disc protrusion at L5-S1 effacing the thecal sac and contacting both S1 roots."
    assert [(k, lv, z) for k, lv, z, _ in _imaging(text)] == [("disc-herniation", "L5-S1", "central")]


def test_a_large_central_disc_still_presses_roots() -> None:
    text = "MRI: a large central disc extrusion at L4-L5 indenting the thecal sac."
    assert [(k, lv, z) for k, lv, z, _ in _imaging(text)] == [("disc-herniation", "L4-L5", "central")]
