"""Assessments (issue 17): run the engine (and the text reader) on a case or a note, store the result
with who asked, read, list and review stored assessments.

Shared by the API (``api/routers/assessments.py``, ``api/routers/extract.py``), the web pages (the
clinician's note and assessment pages), follow-up episodes (``services/episodes.py``) and the CLI.
A refused case raises :class:`~nervemap.services.errors.Invalid` naming each field (``prefix`` +
the case's own field); a server without the text reader raises
:class:`~nervemap.services.errors.Unavailable`; an unknown id :class:`~nervemap.services.errors.NotFound`.
Reads commit their read transaction, then write their audit line in a short transaction of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.encode import CaseError
from nervemap.services.errors import Invalid, NotFound, Unavailable
from nervemap.store.assessments import AssessmentFilter, AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.group_commit import group_writer
from nervemap.store.models import AssessmentRecord, ReviewStatus, SourceKind

if TYPE_CHECKING:
    from nervemap.engine.compiled import CompiledKnowledge
    from nervemap.nlp import Extraction

__all__ = [
    "HEADLINE",
    "AssessmentFilter",
    "AssessmentRecord",
    "ReviewStatus",
    "SourceKind",
    "create_assessment",
    "for_patient",
    "get_assessment",
    "headline_output",
    "list_assessments",
    "review_assessment",
]
EXTRACTED = "text: extracted "  # where a field of a case read from a note is named


@dataclass(frozen=True)
class HeadlineShape:
    """What the headline of a stored assessment keeps (the API's default answer, issue 16 item 4)."""

    conditions_with_evidence: int = 2  # the leading conditions that show their top evidence
    sites_with_evidence: int = 1  # the leading site
    evidence_for: int = 3  # top items for, by weight (the engine orders them by |weight|)
    evidence_against: int = 1
    plan_steps: int = 6  # the first steps (the engine puts safety steps first, then by condition rank)


HEADLINE = HeadlineShape()
_EVIDENCE_KEYS = ("finding", "label", "status", "weight")
_RED_FLAG_KEYS = ("id", "name", "level", "findings")
_PLAN_KEYS = ("id", "step", "kind", "recommendation")
_TRIAGE_KEYS = ("level", "reason", "patient_advice", "red_flags", "suspected")
_CONDITION_LEFT_OUT = ("evidence", "patient_name")  # the patient's words: full record, patient links
_SITE_DEFAULTS = ("root", "nerve", "possibly")  # left out when None or empty, as their defaults say


def _top(evidence: dict[str, Any], shape: HeadlineShape) -> tuple[dict[str, Any], int]:
    """The top items of an evidence set (four fields each) and how many it leaves out."""
    support, against = evidence.get("for") or [], evidence.get("against") or []
    kept_for, kept_against = support[: shape.evidence_for], against[: shape.evidence_against]
    top = {
        "for": [{key: item[key] for key in _EVIDENCE_KEYS} for item in kept_for],
        "against": [{key: item[key] for key in _EVIDENCE_KEYS} for item in kept_against],
    }
    return top, len(support) + len(against) - len(kept_for) - len(kept_against)


def _without_evidence(
    entries: list[dict[str, Any]], with_top: int, shape: HeadlineShape, left_out: Collection[str] = ()
) -> tuple[list[dict[str, Any]], int]:
    kept: list[dict[str, Any]] = []
    omitted = 0
    for rank, entry in enumerate(entries):
        evidence = entry.get("evidence") or {}
        item = {key: value for key, value in entry.items() if key not in _CONDITION_LEFT_OUT}
        for key in left_out:
            if not item.get(key):
                item.pop(key, None)
        if rank < with_top:
            item["evidence"], left = _top(evidence, shape)
            omitted += left
        else:
            omitted += len(evidence.get("for") or []) + len(evidence.get("against") or [])
        kept.append(item)
    return kept, omitted


def headline_output(
    output: dict[str, Any], shape: HeadlineShape = HEADLINE
) -> tuple[dict[str, Any], dict[str, int]]:
    """The headline of a stored assessment's JSON and how many items it leaves out.

    Every conclusion stays (source, each site and condition with its probability and codes, the
    triage level with every red flag and suspected condition, severity, fit, imaging concordance,
    notes); the explanation shrinks to the top evidence of the leading conclusions, the first plan
    steps (id, text, kind, recommendation), the red flags' names and findings; the conditions'
    names for patients and a site's empty root, nerve and close alternatives are left out. Read from the
    stored JSON as it is, so assessments stored before any change of the shape are answered too.
    """
    localization, site_omitted = _without_evidence(
        output.get("localization") or [], shape.sites_with_evidence, shape, _SITE_DEFAULTS
    )
    differential, condition_omitted = _without_evidence(
        output.get("differential") or [], shape.conditions_with_evidence, shape
    )
    triage = {key: output["triage"].get(key) for key in _TRIAGE_KEYS}
    triage["red_flags"] = [{key: flag[key] for key in _RED_FLAG_KEYS} for flag in triage["red_flags"] or []]
    triage["suspected"] = triage["suspected"] or []
    plan = output.get("plan") or []
    headline = {
        "case_id": output.get("case_id"),
        "source": output["source"],
        "localization": localization,
        "differential": differential,
        "triage": triage,
        "severity": output["severity"],
        "plan": [{key: step[key] for key in _PLAN_KEYS} for step in plan[: shape.plan_steps]],
        "fit": output.get("fit") or {"adequate": True, "unexplained": [], "reason": "not assessed"},
        "imaging_concordance": output.get("imaging_concordance") or {"status": "no imaging"},
        "notes": output.get("notes") or [],
        "enough_information": output["enough_information"],
        "knowledge_version": output["knowledge_version"],
        "nervemap_version": output["nervemap_version"],
        "disclaimer": output["disclaimer"],
    }
    omitted = {
        "evidence": site_omitted + condition_omitted,
        "plan": max(0, len(plan) - shape.plan_steps),
        "findings_used": len(output.get("findings_used") or []),
    }
    return headline, omitted


def run_assessment(
    case: Case, field_prefix: str = "body.", compiled: CompiledKnowledge | None = None
) -> Assessment:
    """The engine's assessment of ``case``; a case the engine refuses is :class:`Invalid`."""
    try:
        return assess(case, compiled)
    except CaseError as error:
        raise Invalid.fields(
            f"{len(error.issues)} problem(s) in the case",
            [(field_prefix + issue.field, issue.message) for issue in error.issues],
            title="Invalid case",
        ) from None


def run_extraction(
    text: str, setting: str, field: str = "body.text", compiled: CompiledKnowledge | None = None
) -> Extraction:
    """Read a note with nervemap.nlp (imported only when first needed), with the findings, anatomy
    and reference ranges of ``compiled``'s knowledge base (default: the packaged one)."""
    try:
        from nervemap.nlp import extract
    except ImportError:
        raise Unavailable(
            "this server cannot read clinical text; send a structured case instead",
            [(field, "text extraction is not installed")],
            installed=False,
            kind="not-implemented",
            title="Text extraction unavailable",
        ) from None
    return extract(text, setting=setting, knowledge=compiled.knowledge if compiled is not None else None)


@dataclass(frozen=True)
class Assessed:
    """A case (given, or read from a note) with its assessment and the input as it is stored."""

    case: Case
    assessment: Assessment
    stored: dict[str, Any]
    kind: SourceKind


def assess_input(
    *,
    case: Case | None = None,
    text: str | None = None,
    setting: str = "primary-care",
    prefix: str = "body.",
    compiled: CompiledKnowledge | None = None,
) -> Assessed:
    """Assess a structured case, or a note read into one (the note wins when both are given)."""
    if text is not None:
        case = run_extraction(text, setting, prefix + "text", compiled).case
        assessment = run_assessment(case, prefix + EXTRACTED, compiled)
        stored = {"text": text, "setting": setting, "case": case.model_dump(mode="json")}
        return Assessed(case, assessment, stored, SourceKind.TEXT)
    if case is None:
        raise Invalid(prefix.rstrip(".") or "body", "empty", "a case or a text is needed")
    assessment = run_assessment(case, prefix, compiled)
    return Assessed(case, assessment, case.model_dump(mode="json", exclude_none=True), SourceKind.STRUCTURED)


def create_assessment(
    db: Session,
    *,
    created_by: uuid.UUID,
    actor: str,
    case: Case | None = None,
    text: str | None = None,
    setting: str = "primary-care",
    prefix: str = "body.",
    compiled: CompiledKnowledge | None = None,
) -> AssessmentRecord:
    """Assess and store the input, the assessment and who asked; audited; committed.

    On a SQLite file or PostgreSQL, with no transaction of the caller's open, the record and its
    audit line are written by the engine's group commit (store/group_commit.py): in one transaction
    with those of the other requests waiting then, committed before this returns."""
    done = assess_input(case=case, text=text, setting=setting, prefix=prefix, compiled=compiled)
    writer = None if db.in_transaction() or db.new or db.dirty or db.deleted else group_writer(db.get_bind())
    if writer is not None:
        values = AssessmentRepository.values(created_by, done.kind, done.stored, done.assessment)
        audit = AuditLog.row(actor, "assessment.create", f"assessment:{values['id']}")
        writer.write([AssessmentRepository.row(values), audit])
        return AssessmentRepository.stored(values)
    record = AssessmentRepository(db).add(
        created_by=created_by, source_kind=done.kind, input=done.stored, assessment=done.assessment
    )
    AuditLog(db).record(actor, "assessment.create", f"assessment:{record.id}")
    db.commit()
    return record


def extract_text(
    db: Session, text: str, setting: str, *, actor: str, compiled: CompiledKnowledge | None = None
) -> Extraction:
    """Read a note into a case without assessing or storing it; audited."""
    extraction = run_extraction(text, setting, compiled=compiled)
    AuditLog(db).record(actor, "text.extract")
    db.commit()
    return extraction


def stored(db: Session, assessment_id: uuid.UUID) -> AssessmentRecord | None:
    """The stored assessment or None, not audited: for a part of a page or course already read."""
    return AssessmentRepository(db).get(assessment_id)


def for_patient(record: AssessmentRecord) -> Assessment:
    """The stored assessment as the patient's pages and link use it: validated once, without the
    evidence record of its sites and conditions, which no patient view shows (it is most of the
    stored JSON; the clinician's pages validate the whole record)."""
    output = dict(record.output)
    for part in ("differential", "localization"):
        output[part] = [{**entry, "evidence": {"for": [], "against": []}} for entry in output.get(part) or []]
    return Assessment.model_validate(output)


def find_assessment(
    db: Session, assessment_id: uuid.UUID | None, field: str = "path.assessment_id"
) -> AssessmentRecord:
    """The stored assessment (no audit line): :class:`NotFound` when there is none."""
    record = AssessmentRepository(db).get(assessment_id) if assessment_id is not None else None
    if record is None:
        raise NotFound.of("assessment", field)
    return record


def read_assessment(
    db: Session, assessment_id: uuid.UUID | None, field: str = "path.assessment_id"
) -> AssessmentRecord:
    """:func:`find_assessment` in a read transaction (issue 16: no wait for SQLite's write lock), for a
    page that only shows it; the caller's audit line (``services.audit.record``) ends the read. Not
    for a path that writes (a review): a flush in a read transaction is refused."""
    begin_read(db)
    return find_assessment(db, assessment_id, field)


def get_assessment(
    db: Session, assessment_id: uuid.UUID, *, actor: str, field: str = "path.assessment_id"
) -> AssessmentRecord:
    """An audited read of one stored assessment."""
    begin_read(db)
    record = find_assessment(db, assessment_id, field)
    db.commit()  # the read ends; the audit line is a short write transaction of its own
    AuditLog(db).record(actor, "assessment.read", f"assessment:{record.id}")
    db.commit()
    return record


def list_assessments(
    db: Session, where: AssessmentFilter, limit: int, offset: int, *, actor: str
) -> tuple[list[AssessmentRecord], int]:
    """One page, newest first, and the total; count and page from one snapshot; audited."""
    begin_read(db)  # count and page from one snapshot, without the write lock
    rows, total = AssessmentRepository(db).list(where, limit, offset)
    db.commit()
    AuditLog(db).record(actor, "assessment.list")
    db.commit()
    return rows, total


def review_assessment(
    db: Session,
    assessment_id: uuid.UUID,
    *,
    reviewer: uuid.UUID,
    actor: str,
    comment: str,
    field: str = "path.assessment_id",
) -> AssessmentRecord:
    """Mark an assessment reviewed with a comment (a later review replaces an earlier one); audited."""
    record = find_assessment(db, assessment_id, field)
    AssessmentRepository(db).review(record, reviewer, comment)
    AuditLog(db).record(actor, "assessment.review", f"assessment:{record.id}")
    db.commit()
    return record
