"""Evaluation harness: score nervemap against cases with known answers."""

from nervemap.evaluation.metrics import Expectation, Metrics, Rate, compute_metrics
from nervemap.evaluation.runner import (
    CaseOutcome,
    EvaluationResult,
    default_assess_case,
    default_assess_text,
    evaluate_file,
    evaluate_rows,
    format_table,
)

__all__ = [
    "CaseOutcome",
    "EvaluationResult",
    "Expectation",
    "Metrics",
    "Rate",
    "compute_metrics",
    "default_assess_case",
    "default_assess_text",
    "evaluate_file",
    "evaluate_rows",
    "format_table",
]
