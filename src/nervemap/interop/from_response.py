"""QuestionnaireResponse -> Case, checking that the response answers one of nervemap's Questionnaires."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)

from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.interop import imaging_items
from nervemap.interop.case_builder import CaseDraft, Coded, Value
from nervemap.interop.errors import InteropError, Issue
from nervemap.interop.items import GROUPS, Catalogue, Kind, QuestionSet, catalogue
from nervemap.interop.parse import parse_as
from nervemap.interop.questionnaire import question_set_for, questionnaire_url

GROUP_IDS = frozenset(group.link_id for group in GROUPS)
ROOT = "QuestionnaireResponse"


@dataclass
class Imported:
    """A case read from FHIR, what the reader noticed on the way, and whom it is about."""

    case: Case
    warnings: list[str] = field(default_factory=list)
    subject: dict[str, Any] | None = None
    as_of: date | None = None


def answer_value(answer: QuestionnaireResponseItemAnswer) -> Value | None:
    if answer.valueCoding is not None:
        return Coded(frozenset({(answer.valueCoding.system or "", answer.valueCoding.code or "")}))
    if answer.valueBoolean is not None:
        return bool(answer.valueBoolean)
    if answer.valueInteger is not None:
        return int(answer.valueInteger)
    if answer.valueDecimal is not None:
        return float(answer.valueDecimal)
    if answer.valueQuantity is not None and answer.valueQuantity.value is not None:
        return float(answer.valueQuantity.value)
    return None


def _walk(
    items: list[QuestionnaireResponseItem] | None, where: str, known: Catalogue, draft: CaseDraft
) -> None:
    for i, item in enumerate(items or []):
        here = f"{where}.item[{i}]"
        link_id = item.linkId or ""
        if link_id == imaging_items.GROUP and known.question_set is not QuestionSet.PATIENT_INTAKE:
            if item.answer:
                draft.bad(here, f"'{link_id}' is a group and takes no answer")
            lesion, issues = imaging_items.read_group(item.item, here)
            draft.issues += issues
            if not issues:
                draft.imaging.append(lesion)
            continue
        spec = known.by_link_id.get(link_id)
        if spec is None and link_id not in GROUP_IDS:
            draft.issues.append(
                Issue(f"{here}.linkId", f"unknown linkId '{link_id}' in this Questionnaire", "not-found")
            )
            continue
        answers = item.answer or []
        if spec is None:  # a group
            if answers:
                draft.bad(here, f"'{link_id}' is a group and takes no answer")
        elif len(answers) > 1 and spec.kind is not Kind.PAIN:
            draft.bad(here, f"'{link_id}' takes one answer, got {len(answers)}")
        for j, answer in enumerate(answers):
            value = answer_value(answer)
            if spec is not None and value is None:
                draft.bad(f"{here}.answer[{j}]", f"'{link_id}' has an answer of an unsupported type")
            elif spec is not None and value is not None:
                draft.apply(spec.kind, spec.target, spec.side, value, f"{here}.answer[{j}]")
            _walk(answer.item, f"{here}.answer[{j}]", known, draft)
        _walk(item.item, here, known, draft)


def case_from_response(data: Any, knowledge: CompiledKnowledge | None = None) -> Imported:
    """Read the answers of a nervemap Questionnaire into a Case.

    Raises :class:`InteropError` naming the wrong resource type (400), the wrong Questionnaire, each
    unknown linkId and each answer of the wrong kind (422).
    """
    kb = (knowledge or default_compiled()).knowledge
    response = parse_as(data, QuestionnaireResponse)
    canonical = response.questionnaire
    if not canonical:
        raise InteropError(
            [Issue(f"{ROOT}.questionnaire", "missing: which Questionnaire does this answer?", "required")]
        )
    question_set = question_set_for(canonical)
    if question_set is None:
        raise InteropError(
            [
                Issue(
                    f"{ROOT}.questionnaire",
                    f"'{canonical}' is not a nervemap Questionnaire; expected one of "
                    + ", ".join(questionnaire_url(known) for known in QuestionSet),
                    "not-found",
                )
            ]
        )
    if response.status == "entered-in-error":
        raise InteropError([Issue(f"{ROOT}.status", "the response is marked entered-in-error", "value")])
    warnings: list[str] = []
    version = canonical.split("|", 1)[1] if "|" in canonical else None
    if version is not None and version != kb.version:
        warnings.append(
            f"the response answers Questionnaire version {version}; this knowledge base is {kb.version} "
            "(linkIds were checked against the current version)"
        )
    case_id = response.id or (response.identifier.value if response.identifier else None)
    draft = CaseDraft(case_id=case_id)
    _walk(response.item, ROOT, catalogue(kb, question_set), draft)
    case = draft.build()
    subject = response.subject.model_dump(mode="json", exclude_none=True) if response.subject else None
    authored = response.authored.date() if response.authored is not None else None
    return Imported(case, warnings + draft.warnings, subject, authored)
