"""The sites listed are the most probable ones, whatever kind leads (issue 14, Build 3).

The localisation is ordered by its kinds' totals (the roots together before any one nerve), and the
list used to be cut in that order: an L4 root at 0.41 came with five more roots down to 0.003, while
the saphenous nerve (0.26) and no neurological lesion (0.22) were left out. Now the leading site stays
first and the others listed are the most probable ones, shown in the site order.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess, assess_many


def _inner_leg_numbness() -> dict[str, Any]:
    """Inner knee pain, inner leg and ankle numbness, normal power, no reflexes recorded."""
    return {
        "age": 40,
        "sex": "female",
        "duration_days": 180,
        "pain_map_complete": False,
        "pain_map": [
            {"region": "knee_medial", "side": "right"},
            {"region": "leg_medial", "side": "right", "kind": "numbness"},
            {"region": "ankle_medial", "side": "right", "kind": "numbness"},
        ],
        "findings": [{"id": "back_pain", "status": "absent"}],
        "strength": [
            {"movement": movement, "side": "right", "grade": 5}
            for movement in ("knee_extension", "hip_flexion", "ankle_dorsiflexion", "great_toe_extension")
        ],
    }


def test_a_nerve_and_no_lesion_more_probable_than_the_far_roots_are_listed() -> None:
    listed = assess(_inner_leg_numbness()).localization
    keys = [(s.site_id, s.side) for s in listed]
    assert keys[0] == ("root:L4", "right")  # the leading site is unchanged
    assert ("nerve:saphenous", "right") in keys
    assert ("site:none", "right") in keys
    # every site left out is less probable than every site listed after the leader
    probabilities = {(s.site_id, s.side): s.probability for s in listed}
    assert min(p for k, p in probabilities.items() if k != keys[0]) > 0.005
    assert ("root:S1", "left") not in keys


def test_a_batch_lists_the_same_sites_as_a_single_case() -> None:
    case = _inner_leg_numbness()
    single = [(s.site_id, s.side) for s in assess(case).localization]
    batch = [(s.site_id, s.side) for s in assess_many([case, case])[0].localization]
    assert single == batch
