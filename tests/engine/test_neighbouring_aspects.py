"""Two neighbouring aspects of one part named together are one observation (issue 14, L s10).

'Pins and needles down the front and outer side of the left lower leg' marks the anterior and the
lateral leg; read as two independent regions, the same words counted twice against every root
whose map holds one of them only.
"""

from __future__ import annotations

from nervemap.engine.assess import assess


def _observed(case: dict[str, object]) -> set[str]:
    lead = assess(case).localization[0]
    return {e.finding for e in lead.evidence.for_ + lead.evidence.against}


def _case(regions: list[str], complete: bool) -> dict[str, object]:
    return {
        "age": 60,
        "pain_map_complete": complete,
        "pain_map": [{"region": r, "side": "left", "kind": "tingling"} for r in regions],
        "reflexes": [{"reflex": "patellar", "side": "left", "grade": 1}],
    }


def test_front_and_outer_lower_leg_is_one_observation_on_a_partial_map() -> None:
    observed = _observed(_case(["leg_anterior", "leg_lateral"], complete=False))
    assert "sensory-vague:front_and_outer_lower_leg:left" in observed
    assert not observed & {"sensory:leg_anterior:left", "sensory:leg_lateral:left"}


def test_a_complete_body_map_keeps_both_regions() -> None:
    observed = _observed(_case(["leg_anterior", "leg_lateral"], complete=True))
    assert "sensory-vague:front_and_outer_lower_leg:left" not in observed


def test_a_whole_thigh_stays_the_whole_thigh() -> None:
    thigh = ["thigh_anterior", "thigh_lateral", "thigh_medial", "thigh_posterior"]
    case = _case(thigh, complete=False)
    observed = _observed(case)
    assert "sensory-vague:thigh:left" in observed
    assert not any(o.startswith("sensory-vague:front_and") for o in observed)


def test_counting_the_pair_once_weakens_it_against_a_reflex() -> None:
    """With the knee jerk reduced, paraesthesia over the front and outer lower leg (L5's skin) no
    longer outweighs the reflex twice over: L4 stays in the running."""
    lead = assess(_case(["leg_anterior", "leg_lateral"], complete=False)).localization
    roots = {s.root: s.probability for s in lead if s.site == "root" and s.side == "left"}
    assert roots["L4"] >= 0.5 * roots["L5"]
