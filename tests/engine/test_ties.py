"""engine/ties.py: the fast batch orders are exactly the reference sorts they replace (issue 16).

The batch path orders conditions with ``tie_orders`` (was ``np.argsort(-tie_keys(p), kind="stable")``)
and sites with one stable sort of tie ranks (was ``np.lexsort`` of the tie keys and the side); these
checks compare them with the reference expressions on rows full of exact and near ties, where a
wrong tie rule would show."""

from __future__ import annotations

import numpy as np
import pytest

from nervemap.engine.ties import (
    TOLERANCE,
    stable_order,
    tie_keys,
    tie_keys_list,
    tie_order,
    tie_orders,
    tie_ranks,
)


def _reference_keys(values: np.ndarray, tolerance: float) -> np.ndarray:
    """tie_keys as it was written before issue 16's speed work (stable sort, *_along_axis)."""
    n = values.shape[-1]
    order = np.argsort(-values, axis=-1, kind="stable")
    ranked = np.take_along_axis(values, order, axis=-1)
    start = np.ones(ranked.shape, dtype=bool)
    start[..., 1:] = (ranked[..., :-1] - ranked[..., 1:]) > tolerance
    first = np.where(start, np.arange(n), 0)
    np.maximum.accumulate(first, axis=-1, out=first)
    keys = np.empty_like(values)
    np.put_along_axis(keys, order, np.take_along_axis(ranked, first, axis=-1), axis=-1)
    return keys


def _tied_rows(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    """Probabilities with exact ties (rounded values), near ties (a last-bit nudge) and zeros."""
    rng = np.random.default_rng(seed)
    values = np.round(rng.random(shape), 2) * (rng.random(shape) > 0.3)
    nudge = rng.random(shape) > 0.8
    values[nudge] = np.nextafter(values[nudge], 2.0)
    return values


@pytest.mark.parametrize("shape", [(1, 1), (7,), (5, 9), (300, 55), (2, 3, 11)])
def test_tie_keys_and_ranks_follow_the_reference(shape: tuple[int, ...]) -> None:
    for seed in range(5):
        values = _tied_rows(seed, shape)
        for tolerance in (TOLERANCE, 0.02):
            keys = tie_keys(values, tolerance)
            assert np.array_equal(keys, _reference_keys(values, tolerance))
            ranks = tie_ranks(values, tolerance)
            # a larger key has a smaller rank, equal keys the same rank, in every row
            flat_keys, flat_ranks = keys.reshape(-1, shape[-1]), ranks.reshape(-1, shape[-1])
            for row_keys, row_ranks in zip(flat_keys, flat_ranks, strict=True):
                distinct = sorted(set(row_keys.tolist()), reverse=True)
                assert row_ranks.tolist() == [distinct.index(k) for k in row_keys.tolist()]


def test_tie_orders_is_the_stable_argsort_of_the_keys_and_the_one_row_order() -> None:
    for seed in range(5):
        values = _tied_rows(seed, (400, 49))
        expected = np.argsort(-tie_keys(values), axis=1, kind="stable")
        assert np.array_equal(tie_orders(values), expected)
        for row, order in zip(values[:40], expected[:40], strict=True):
            assert tie_order(row.tolist()) == order.tolist()
            assert tie_keys_list(row.tolist()) == tie_keys(row).tolist()


def test_site_order_of_ranks_is_the_lexsort_of_keys_and_side() -> None:
    """core._headline_chunk's site order: kind total, own probability, the side, then index."""
    rng = np.random.default_rng(3)
    kind_of = rng.integers(0, 5, size=55)
    for seed in range(5):
        sites = _tied_rows(seed, (300, 55))
        totals = _tied_rows(seed + 10, (300, 5))
        other_side = rng.random((300, 55)) > 0.5
        expected = np.lexsort((other_side, -tie_keys(sites), -tie_keys(totals)[:, kind_of]), axis=-1)
        combined = (tie_ranks(totals)[:, kind_of] * 55 + tie_ranks(sites)) * 2 + other_side
        assert np.array_equal(stable_order(combined), expected)


def test_stable_order_beyond_16_bits_is_still_stable() -> None:
    ranks = np.array([[70_000, 3, 70_000, 3, 0]])
    assert stable_order(ranks).tolist() == [[4, 1, 3, 0, 2]]
