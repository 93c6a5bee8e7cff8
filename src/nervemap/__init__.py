"""nervemap: explainable decision support for leg pain that may come from the lumbar spine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

__version__ = "0.1.0"

if TYPE_CHECKING:
    from nervemap.engine.assessment import Assessment
    from nervemap.engine.case import Case

__all__ = ["__version__", "assess", "assess_many"]


def assess(case: Case | dict[str, Any], detail: Literal["headline", "full"] = "full") -> Assessment:
    """Assess one case with the packaged knowledge base (see :mod:`nervemap.engine.assess`).

    ``detail="full"`` (the default) includes the evidence record behind every differential and
    localisation entry; ``"headline"`` is the same assessment without it, several times faster.
    """
    from nervemap.engine.assess import assess as _assess

    return _assess(case, detail=detail)


def assess_many(
    cases: Iterable[Case | dict[str, Any]], detail: Literal["headline", "full"] = "full"
) -> list[Assessment]:
    """Assess a batch of cases in one vectorised pass (``detail`` as for :func:`assess`)."""
    from nervemap.engine.assess import assess_many as _assess_many

    return _assess_many(cases, detail=detail)
