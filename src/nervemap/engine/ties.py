"""Ties that do not follow the last bits of a matrix product: one rule for every ranking.

A case's posteriors computed alone and in a batch of thousands may differ in their last bits (the
matrix products add in another order). Entries that are equal in exact arithmetic (the left and the
right L5 root of a bilateral picture, say) must still keep one order in every batch size. Rounding
the values first is not enough: two such values can straddle a rounding boundary (0.379872138757
against 0.379872138756 at 12 decimals). Here values are tied by their gaps instead: sorted, each run
of values whose neighbours lie within ``tolerance`` of one another takes the run's largest value as
its key. Tied values then compare equal and a sort falls back to its next key (or to the lower
index, as a stable sort or argmax does); a difference in the last bits moves no value out of its run
(that would take a gap within those bits of ``tolerance`` itself).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from nervemap.engine.compiled import FloatArray

IntArray = npt.NDArray[np.intp]

# Probabilities (0 to 1) closer than this are tied; log likelihoods use LOG_TOLERANCE.
TOLERANCE = 1e-12
LOG_TOLERANCE = 1e-9


def _runs(values: FloatArray, tolerance: float) -> tuple[IntArray, FloatArray, IntArray, IntArray]:
    """Per row of ``values`` (2-D, at least one column): the flat positions of its values sorted
    largest first, the sorted values, each sorted value's run of ties numbered from 0, and the
    flat position in the sorted rows of the first (largest) value of its run.

    The order of exactly equal values does not matter here (they sit side by side in any
    descending order and fall in the same run), so the sort need not be stable: numpy's default
    sort is several times faster than its stable one on rows of floats."""
    n_rows, n = values.shape
    offsets = np.arange(0, n_rows * n, n)[:, None]
    order = np.argsort(-values, axis=-1)
    order += offsets
    ranked = values.ravel().take(order)
    start = np.ones(ranked.shape, dtype=bool)
    np.greater(ranked[:, :-1] - ranked[:, 1:], tolerance, out=start[:, 1:])
    run = np.cumsum(start, axis=-1)
    run -= 1
    first = np.where(start, np.arange(n), 0)
    np.maximum.accumulate(first, axis=-1, out=first)
    first += offsets
    return order, ranked, run, first


def tie_keys(values: FloatArray, tolerance: float = TOLERANCE) -> FloatArray:
    """Per row (the last axis) of ``values``, each value replaced by the largest value of its run
    of ties (see the module docstring)."""
    n = values.shape[-1]
    if n == 0 or values.size == 0:
        return values.copy()
    rows = values.reshape(-1, n)
    order, ranked, _, first = _runs(rows, tolerance)
    keys = np.empty(rows.size, dtype=values.dtype)
    keys[order] = ranked.ravel().take(first)
    return keys.reshape(values.shape)


def tie_ranks(values: FloatArray, tolerance: float = TOLERANCE) -> IntArray:
    """Per row (the last axis), each value's run of ties numbered from the largest run (0) down:
    equal for tied values, and ordered as :func:`tie_keys` (a larger key, a smaller rank)."""
    n = values.shape[-1]
    if n == 0 or values.size == 0:
        return np.zeros(values.shape, dtype=np.intp)
    rows = values.reshape(-1, n)
    order, _, run, _ = _runs(rows, tolerance)
    ranks = np.empty(rows.size, dtype=np.intp)
    ranks[order] = run
    return ranks.reshape(values.shape)


def stable_order(ranks: IntArray) -> IntArray:
    """Per row, the indices sorted by ``ranks`` (non-negative integers), equal ranks by index: a
    stable sort, made on 16-bit integers when the ranks fit (numpy sorts those by radix)."""
    small = ranks.size == 0 or int(ranks.max()) <= np.iinfo(np.int16).max
    order: IntArray = np.argsort(ranks.astype(np.int16) if small else ranks, axis=-1, kind="stable")
    return order


def tie_orders(values: FloatArray, tolerance: float = TOLERANCE) -> IntArray:
    """Per row, the indices largest value first, tied values by index: exactly
    ``np.argsort(-tie_keys(values), axis=-1, kind="stable")``, from the runs' ranks."""
    return stable_order(tie_ranks(values, tolerance))


def tie_argmax(values: FloatArray, tolerance: float = TOLERANCE) -> npt.NDArray[np.intp]:
    """Per row, the index of the largest value: the lowest index among the values within
    ``tolerance`` of it (the same as the argmax of :func:`tie_keys` but for runs of ties that reach
    further than ``tolerance`` from the largest value, which last bits never make)."""
    top = np.maximum.reduce(values, axis=-1, keepdims=True)  # values.max without its Python wrapper
    found: npt.NDArray[np.intp] = (values >= top - tolerance).argmax(axis=-1)
    return found


def ranking(values: Sequence[float]) -> list[int]:
    """The indices of one row, largest value first, equal values by index (a stable sort): the
    ranking :func:`tie_keys_list` and :func:`tie_order` read, which a caller may make once for both
    and for its own prefix scans (the values at or above a threshold are a prefix of it)."""
    return sorted(range(len(values)), key=values.__getitem__, reverse=True)


def ranking_of(row: FloatArray) -> list[int]:
    """:func:`ranking` of a 1-D array (the same list: a stable sort of the negated values puts the
    largest first and equal values by index, as the stable descending sort does), by one numpy
    sort instead of a Python key call per value."""
    ranked: list[int] = np.negative(row).argsort(kind="stable").tolist()
    return ranked


def tie_keys_list(
    values: Sequence[float], tolerance: float = TOLERANCE, ranked: Sequence[int] | None = None
) -> list[float]:
    """:func:`tie_keys` of one row given as Python floats (the same keys, for a case alone);
    ``ranked``: :func:`ranking` of ``values`` when the caller has it."""
    if ranked is None:
        ranked = ranking(values)
    keys = list(values)
    if not ranked:
        return keys
    key = previous = values[ranked[0]]
    for i in ranked:
        value = values[i]
        if previous - value > tolerance:
            key = value
        keys[i] = key
        previous = value
    return keys


def tie_order(
    values: Sequence[float], tolerance: float = TOLERANCE, ranked: Sequence[int] | None = None
) -> list[int]:
    """The indices of one row, largest value first, tied values by index: the order
    ``np.argsort(-tie_keys(values), kind="stable")`` gives; ``ranked``: :func:`ranking` of
    ``values`` when the caller has it."""
    if ranked is None:
        ranked = ranking(values)
    return tie_order_prefix(values, ranked, len(ranked), tolerance)


def tie_order_prefix(
    values: Sequence[float], ranked: Sequence[int], least: int, tolerance: float = TOLERANCE
) -> list[int]:
    """The first entries of :func:`tie_order` (``ranked``: :func:`ranking` of ``values``): at least
    ``least`` of them (all when there are fewer), up to the end of a run of ties, so that each is
    where the whole order has it. Every entry in the first ``least`` places of ``ranked`` is among
    them (a run takes the same places in both, sorted by index in the order)."""
    out: list[int] = []
    run: list[int] = []
    previous = 0.0
    for i in ranked:
        value = values[i]
        if run and previous - value > tolerance:
            out.extend(sorted(run) if len(run) > 1 else run)
            if len(out) >= least:
                return out
            run = []
        run.append(i)
        previous = value
    out.extend(sorted(run) if len(run) > 1 else run)
    return out
