"""The region groups a partial map's symptom is one observation over (issue 14, L s10)."""

from __future__ import annotations

from nervemap.knowledge import default_knowledge
from nervemap.knowledge.loader import LoadedKnowledge
from nervemap.knowledge.validator import check_knowledge


def _problems(**update: object) -> list[str]:
    kb = default_knowledge().knowledge
    localisation = kb.localisation.model_copy(update=update)
    loaded = LoadedKnowledge(knowledge=kb.model_copy(update={"localisation": localisation}))
    return [f"{p.key}|{p.message}" for p in check_knowledge(loaded, check_codes=False)]


def test_neighbouring_aspects_come_before_the_whole_parts() -> None:
    groups = list(default_knowledge().knowledge.localisation.symptom_groups)
    assert groups.index("front_and_outer_lower_leg") < groups.index("thigh") < groups.index("leg")


def test_an_unknown_region_in_a_group_is_named() -> None:
    problems = _problems(neighbouring_aspects={"front_and_outer_shin": ["leg_anterior", "shin_outer"]})
    assert "front_and_outer_shin[shin_outer]|unknown region" in problems


def test_a_group_name_used_twice_is_refused() -> None:
    problems = _problems(neighbouring_aspects={"thigh": ["thigh_anterior", "thigh_lateral"]})
    assert "thigh|same name as a vague_regions group" in problems
