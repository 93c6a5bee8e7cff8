"""Golden anatomy facts (tests/golden/anatomy_facts.yaml) hold in the packaged knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nervemap.knowledge import default_knowledge

FACTS = yaml.safe_load((Path(__file__).parents[1] / "golden" / "anatomy_facts.yaml").read_text())
ANATOMY = default_knowledge().knowledge.anatomy
ROOTS = {r.id: r for r in ANATOMY.roots}
NERVES = {n.id: n for n in ANATOMY.nerves}


@pytest.mark.parametrize(("root", "region"), FACTS["root_dermatome"])
def test_root_dermatome(root: str, region: str) -> None:
    assert region in ROOTS[root].dermatome


@pytest.mark.parametrize(("root", "movement"), FACTS["root_movement"])
def test_root_drives_movement(root: str, movement: str) -> None:
    assert movement in ROOTS[root].movements


@pytest.mark.parametrize(("root", "reflex"), FACTS["root_reflex"])
def test_root_owns_reflex(root: str, reflex: str) -> None:
    assert reflex in ROOTS[root].reflexes


@pytest.mark.parametrize(("nerve", "movement"), FACTS["nerve_spares_movement"])
def test_nerve_spares_movement(nerve: str, movement: str) -> None:
    assert movement not in NERVES[nerve].movements


@pytest.mark.parametrize(("nerve", "movement"), FACTS["nerve_moves"])
def test_nerve_drives_movement(nerve: str, movement: str) -> None:
    assert movement in NERVES[nerve].movements


@pytest.mark.parametrize(("nerve", "region"), FACTS["nerve_skin"])
def test_nerve_supplies_skin(nerve: str, region: str) -> None:
    assert region in NERVES[nerve].cutaneous


@pytest.mark.parametrize(("level", "zone", "root"), FACTS["disc_compresses"])
def test_disc_level_and_zone_compress_root(level: str, zone: str, root: str) -> None:
    roots = [r for d in ANATOMY.discs if d.level == level and d.zone == zone for r in d.roots]
    assert roots == [root]
