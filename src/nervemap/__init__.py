"""nervemap: explainable decision support for leg pain that may come from the lumbar spine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from nervemap.engine.assessment import Assessment
    from nervemap.engine.case import Case

__all__ = ["__version__", "assess", "assess_many"]


def assess(case: Case | dict[str, Any]) -> Assessment:
    """Assess one case with the packaged knowledge base (see :mod:`nervemap.engine.assess`)."""
    from nervemap.engine.assess import assess as _assess

    return _assess(case)


def assess_many(cases: list[Case | dict[str, Any]]) -> list[Assessment]:
    """Assess a batch of cases in one vectorised pass."""
    from nervemap.engine.assess import assess_many as _assess_many

    return _assess_many(cases)
