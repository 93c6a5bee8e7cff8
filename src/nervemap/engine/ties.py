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

# Probabilities (0 to 1) closer than this are tied; log likelihoods use LOG_TOLERANCE.
TOLERANCE = 1e-12
LOG_TOLERANCE = 1e-9


def tie_keys(values: FloatArray, tolerance: float = TOLERANCE) -> FloatArray:
    """Per row (the last axis) of ``values``, each value replaced by the largest value of its run
    of ties (see the module docstring)."""
    n = values.shape[-1]
    if n == 0:
        return values.copy()
    order = np.argsort(-values, axis=-1, kind="stable")
    ranked = np.take_along_axis(values, order, axis=-1)
    start = np.ones(ranked.shape, dtype=bool)
    start[..., 1:] = (ranked[..., :-1] - ranked[..., 1:]) > tolerance
    first = np.where(start, np.arange(n), 0)
    np.maximum.accumulate(first, axis=-1, out=first)
    keys = np.empty_like(values)
    np.put_along_axis(keys, order, np.take_along_axis(ranked, first, axis=-1), axis=-1)
    return keys


def tie_argmax(values: FloatArray, tolerance: float = TOLERANCE) -> npt.NDArray[np.intp]:
    """Per row, the index of the largest value: the lowest index among the values within
    ``tolerance`` of it (the same as the argmax of :func:`tie_keys` but for runs of ties that reach
    further than ``tolerance`` from the largest value, which last bits never make)."""
    top = np.maximum.reduce(values, axis=-1, keepdims=True)  # values.max without its Python wrapper
    found: npt.NDArray[np.intp] = (values >= top - tolerance).argmax(axis=-1)
    return found


def tie_keys_list(values: Sequence[float], tolerance: float = TOLERANCE) -> list[float]:
    """:func:`tie_keys` of one row given as Python floats (the same keys, for a case alone)."""
    ranked = sorted(range(len(values)), key=values.__getitem__, reverse=True)
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


def tie_order(values: Sequence[float], tolerance: float = TOLERANCE) -> list[int]:
    """The indices of one row, largest value first, tied values by index: the order
    ``np.argsort(-tie_keys(values), kind="stable")`` gives."""
    ranked = sorted(range(len(values)), key=values.__getitem__, reverse=True)
    out: list[int] = []
    run: list[int] = []
    previous = 0.0
    for i in ranked:
        value = values[i]
        if run and previous - value > tolerance:
            out.extend(sorted(run) if len(run) > 1 else run)
            run = []
        run.append(i)
        previous = value
    out.extend(sorted(run) if len(run) > 1 else run)
    return out
