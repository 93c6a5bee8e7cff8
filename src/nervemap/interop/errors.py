"""Problems with FHIR or CDS Hooks input, and their rendering as an OperationOutcome.

Every issue names where it is (a FHIRPath-like location) and what is wrong, so that the caller can
fix the payload without reading nervemap's code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from nervemap.engine.encode import CaseError

IssueCode = Literal["invalid", "structure", "required", "value", "code-invalid", "not-found", "not-supported"]


@dataclass(frozen=True)
class Issue:
    location: str
    message: str
    code: IssueCode = "invalid"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InteropError(ValueError):
    """The payload cannot be used; ``issues`` names every problem. ``status`` is the HTTP code."""

    def __init__(self, issues: Iterable[Issue], status: int = 422) -> None:
        self.issues = list(issues)
        self.status = status
        super().__init__("; ".join(str(issue) for issue in self.issues))


def issues_from_validation(error: ValidationError, prefix: str) -> list[Issue]:
    issues: list[Issue] = []
    for detail in error.errors():
        path = ".".join(str(step) for step in detail["loc"])
        location = f"{prefix}.{path}" if path else prefix
        issues.append(Issue(location, str(detail["msg"]).strip(), "structure"))
    return issues


def case_issues(error: CaseError) -> list[Issue]:
    """The engine's case errors (unknown ids, contradictions) as issues on the imported case."""
    return [Issue(f"case.{issue.field}", issue.message, "value") for issue in error.issues]


def operation_outcome(issues: Iterable[Issue], severity: str = "error") -> dict[str, Any]:
    """An OperationOutcome (R4B) listing the issues; ``expression`` holds each location."""
    entries: list[dict[str, Any]] = []
    for issue in issues:
        entry: dict[str, Any] = {
            "severity": severity,
            "code": issue.code,
            "diagnostics": str(issue),
            "details": {"text": issue.message},
        }
        if issue.location:
            entry["expression"] = [issue.location]
        entries.append(entry)
    return {"resourceType": "OperationOutcome", "issue": entries}
