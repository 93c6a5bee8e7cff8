"""Calls into the engine and the text extractor, turning their errors into problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nervemap.api.problems import FieldError, ProblemError
from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.encode import CaseError

if TYPE_CHECKING:
    from nervemap.nlp import Extraction


def run_assessment(case: Case, field_prefix: str = "body.") -> Assessment:
    try:
        return assess(case)
    except CaseError as error:
        raise ProblemError(
            422,
            "validation",
            "Invalid case",
            f"{len(error.issues)} problem(s) in the case",
            [FieldError(field=field_prefix + issue.field, reason=issue.message) for issue in error.issues],
        ) from None


def run_extraction(text: str, setting: str) -> Extraction:
    """Read a note with nervemap.nlp, imported only when first needed."""
    try:
        from nervemap.nlp import extract
    except ImportError:
        raise ProblemError(
            501,
            "not-implemented",
            "Text extraction unavailable",
            "this server cannot read clinical text; send a structured case instead",
            [FieldError(field="body.text", reason="text extraction is not installed")],
        ) from None
    return extract(text, setting=setting)
