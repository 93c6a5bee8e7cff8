"""The leading root names every neighbouring root that holds the stated fraction of it ("L5,
possibly S1"; thresholds.yaml localisation.close_alternative), however many other roots rank
between them (issue 14 Build 3)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.engine.concordance import localisation_cut_points
from nervemap.engine.core import _close_alternatives


@pytest.fixture(scope="module")
def compiled() -> CompiledKnowledge:
    return default_compiled()


def _alternatives(compiled: CompiledKnowledge, p: dict[str, float]) -> list[str] | None:
    """The close alternatives of a site posterior given as {hypothesis key: probability}; the rest
    of the probability goes to the no-lesion site, listed after the roots as the engine lists kinds."""
    site_p = np.zeros(len(compiled.hypotheses))
    for key, value in p.items():
        site_p[compiled.hypothesis_index[key]] = value
    none = next(i for i, h in enumerate(compiled.hypotheses) if h.root is None and h.nerve is None)
    site_p[none] = 1.0 - site_p.sum()
    roots = sorted(
        (i for i, h in enumerate(compiled.hypotheses) if site_p[i] > 0 and i != none),
        key=lambda i: (-site_p[i], compiled.hypotheses[i].key),
    )
    order = np.array([*roots, none, *(i for i in range(len(site_p)) if site_p[i] == 0 and i != none)])
    _, fraction = localisation_cut_points(compiled)
    tables = SimpleNamespace(compiled=compiled, close_alternative=fraction)
    return _close_alternatives(tables, order, site_p)  # type: ignore[arg-type]


def _both_sides(**by_root: float) -> dict[str, float]:
    return {f"root:{root}:{side}": p for root, p in by_root.items() for side in ("left", "right")}


def test_a_neighbour_ranked_below_two_other_levels_on_both_sides_is_still_named(
    compiled: CompiledKnowledge,
) -> None:
    """No side stated: L4 on either side, then L5 and S1 on either side, then L3 (0.055, over a
    quarter of L4's 0.2): six roots rank above L3, and it is still the close alternative."""
    assert _alternatives(compiled, _both_sides(L4=0.2, L5=0.08, S1=0.06, L3=0.055)) == ["L5", "L3"]


def test_a_neighbour_below_the_fraction_is_not_named(compiled: CompiledKnowledge) -> None:
    _, fraction = localisation_cut_points(compiled)
    below = 0.4 * fraction * 0.99
    assert _alternatives(compiled, {"root:L5:left": 0.4, "root:S1:left": below}) == []
    assert _alternatives(compiled, {"root:L5:left": 0.4, "root:S1:left": 0.4 * fraction}) == ["S1"]


def test_a_root_two_levels_away_or_on_the_other_side_is_not_a_close_alternative(
    compiled: CompiledKnowledge,
) -> None:
    p = {"root:L5:left": 0.4, "root:L3:left": 0.3, "root:S1:right": 0.2}
    assert _alternatives(compiled, p) == []
