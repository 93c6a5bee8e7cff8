"""Weakness outside a peripheral nerve's territory (issue 14, Build 3; brief lever 3).

A root's myotome overlaps its neighbours' and varies between people, so a lesion's outside-territory
weakness rate (0.04) carries variant and overlapping supply besides pain-limited effort and examiner
error. A peripheral nerve's muscles are its own: a movement it does not supply is weak with a nerve
lesion about as often as with no lesion at all (localisation.yaml weakness_without_lesion, 0.02), so
such a weakness no longer counts for the nerve against no lesion (it counted twice as likely).
"""

from __future__ import annotations

import math

import pytest

from nervemap.engine.compiled import default_compiled


def _rate(site: str, observation: str) -> float:
    compiled = default_compiled()
    return math.exp(
        float(
            compiled.loc_log_present[compiled.hypothesis_index[site], compiled.observation_index[observation]]
        )
    )


def test_a_movement_outside_a_nerves_territory_is_weak_at_the_no_lesion_rate() -> None:
    no_lesion = _rate("site:none", "weakness:ankle_dorsiflexion:right")
    assert no_lesion == pytest.approx(0.02)
    for nerve in ("lateral_femoral_cutaneous", "femoral", "obturator", "saphenous"):
        assert _rate(f"nerve:{nerve}:right", "weakness:ankle_dorsiflexion:right") == pytest.approx(no_lesion)


def test_a_root_keeps_its_outside_rate_and_a_nerve_its_own_muscles() -> None:
    # a root's myotome varies and overlaps: its outside rate stays 0.04
    assert _rate("root:L3:right", "weakness:ankle_dorsiflexion:right") == pytest.approx(0.04)
    # the nerve's own muscle keeps its in-territory rate (common fibular: lu-2020, 0.54)
    assert _rate("nerve:common_fibular:right", "weakness:ankle_dorsiflexion:right") == pytest.approx(0.54)
