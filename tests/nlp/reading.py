"""What the reader made of a note, in the three shapes the reading tests ask about."""

from __future__ import annotations

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def statuses(text: str) -> dict[str, str]:
    """Finding id -> status ("present", "absent", ...) as read from the note."""
    return {finding.id: str(finding.status) for finding in extract(text).case.findings or []}


def present(text: str) -> set[str]:
    """The findings the note asserts."""
    return {finding_id for finding_id, status in statuses(text).items() if status == "present"}


def status_of(text: str, finding_id: str) -> str | None:
    """The status of one finding, or None when the note does not mention it."""
    return next((str(f.status) for f in extract(text).case.findings or [] if f.id == finding_id), None)


def findings_of(text: str) -> set[tuple[str, str]]:
    """(finding id, status) of every finding the note gives."""
    return {(finding.id, str(finding.status)) for finding in extract(text).case.findings or []}


def sided_findings_of(text: str) -> set[tuple[str, str, str | None]]:
    """(finding id, status, side) of every finding the note gives."""
    return {(finding.id, str(finding.status), finding.side) for finding in extract(text).case.findings or []}


def triage_of(text: str) -> str:
    """The triage level of the case read from the note."""
    from nervemap.engine.assess import assess

    return str(assess(extract(text).case, detail="headline").triage.level)


def red_flags_of(text: str) -> tuple[str, set[str]]:
    """The triage level of the case read from the note and the ids of the red flags that fired."""
    from nervemap.engine.assess import assess

    triage = assess(extract(text).case, detail="headline").triage
    return str(triage.level), {flag.id for flag in triage.red_flags}
