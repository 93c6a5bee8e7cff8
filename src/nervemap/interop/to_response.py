"""Case -> QuestionnaireResponse: the answers a native case gives to a nervemap Questionnaire.

Used to pre-fill a form from a stored case and to test that the Questionnaire carries a case
without loss. What the question set cannot carry is an error, never silently dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from nervemap.engine.case import Case, Status
from nervemap.interop import terminology as t
from nervemap.interop.errors import InteropError, Issue
from nervemap.interop.imaging_items import response_groups
from nervemap.interop.items import GROUPS, ItemSpec, Kind, QuestionSet, catalogue
from nervemap.interop.questionnaire import SCORE_RANGES, STATUS_CODES, questionnaire_url
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import KnowledgeBase

FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
CASE_ID_SYSTEM = f"{t.BASE}/case-id"
Answers = dict[str, list[dict[str, Any]]]


def _code(system: str, code: str) -> dict[str, Any]:
    return {"valueCoding": t.coding(system, code)}


def _number(spec_type: str, value: float) -> dict[str, Any]:
    return {"valueInteger": int(value)} if spec_type == "integer" else {"valueDecimal": value}


def _answers(case: Case, specs: dict[str, ItemSpec]) -> tuple[Answers, list[Issue]]:
    answers: Answers = defaultdict(list)
    issues: list[Issue] = []

    def put(link_id: str, answer: dict[str, Any], where: str) -> None:
        if link_id not in specs:
            issues.append(Issue(where, f"this question set has no item '{link_id}'", "not-supported"))
        else:
            answers[link_id].append(answer)

    scalars: dict[str, dict[str, Any] | None] = {
        "patient.age": None if case.age is None else {"valueDecimal": case.age},
        "patient.sex": None if case.sex is None else _code(t.GENDER, case.sex),
        "patient.duration_days": None if case.duration_days is None else {"valueDecimal": case.duration_days},
        "patient.onset": None if case.onset is None else _code(t.ONSET, case.onset),
    }
    for link_id, scalar in scalars.items():
        if scalar is not None:
            put(link_id, scalar, link_id.split(".", 1)[1])
    if "encounter.setting" in specs:
        put("encounter.setting", _code(t.SETTING, case.setting.value), "setting")
    elif case.setting != Case.model_fields["setting"].default:
        # a response without the item reads back as the default setting: the result would change
        issues.append(
            Issue(
                "setting",
                f"this question set has no setting item; '{case.setting.value}' would be lost",
                "not-supported",
            )
        )
    if case.pain_map is not None:
        put("pain.map_completed", {"valueBoolean": True}, "pain_map")
    for i, mark in enumerate(case.pain_map or []):
        link_id = f"pain.{mark.region}" + (f".{mark.side}" if mark.side else "")
        put(link_id, _code(t.SYMPTOM_KIND, mark.kind.value), f"pain_map[{i}]")
    for i, reported in enumerate(case.findings):
        link_id = f"finding.{reported.id}"
        answer: dict[str, Any] = {"valueCoding": t.triple(STATUS_CODES[reported.status])}
        # the Questionnaire enables a side for Present or Absent only; an unknown finding is skipped by
        # the engine, so its side carries nothing and is not written
        if reported.side is not None and reported.status is not Status.UNKNOWN:
            side = {
                "linkId": f"{link_id}.side",
                "answer": [{"valueCoding": t.triple(t.LATERALITY[reported.side])}],
            }
            answer["item"] = [side]
        put(link_id, answer, f"findings[{i}]")
    for i, strength in enumerate(case.strength):
        put(
            f"strength.{strength.movement}.{strength.side}",
            {"valueInteger": strength.grade},
            f"strength[{i}]",
        )
    for i, reflex in enumerate(case.reflexes):
        put(f"reflex.{reflex.reflex}.{reflex.side}", {"valueInteger": reflex.grade}, f"reflexes[{i}]")
    for i, test in enumerate(case.sensation):
        link_id = f"sensation.{test.region}" + (f".{test.side}" if test.side else "")
        put(link_id, _code(t.SENSATION, test.status), f"sensation[{i}]")
    for score, value in case.scores.model_dump(exclude_none=True).items():
        put(f"score.{score}", _number(SCORE_RANGES[score][0], value), f"scores.{score}")
    return answers, issues


def response_from_case(
    case: Case,
    question_set: QuestionSet | str = QuestionSet.ALL,
    knowledge: KnowledgeBase | None = None,
    status: str = "completed",
) -> QuestionnaireResponse:
    """The QuestionnaireResponse that answers a question set as ``case`` does."""
    kb = knowledge or default_knowledge().knowledge
    chosen = QuestionSet(question_set)
    specs = catalogue(kb, chosen).by_link_id
    answers, issues = _answers(case, specs)
    for link_id, given in answers.items():
        if len(given) > 1 and specs[link_id].kind is not Kind.PAIN:
            issues.append(Issue(link_id, f"answered {len(given)} times; the item takes one answer", "value"))
    if case.imaging and chosen is QuestionSet.PATIENT_INTAKE:
        issues.append(Issue("imaging", "the patient intake has no imaging items", "not-supported"))
    if issues:
        raise InteropError(issues)
    groups: list[dict[str, Any]] = []
    for group in GROUPS:
        items = [
            {"linkId": link_id, "answer": given}
            for link_id, given in answers.items()
            if specs[link_id].group == group.link_id
        ]
        if items:
            groups.append({"linkId": group.link_id, "item": items})
    groups += response_groups(case)
    document: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url(chosen)}|{kb.version}",
        "status": status,
        "item": groups,
    }
    if case.id and FHIR_ID.fullmatch(case.id):
        document["id"] = case.id
    elif case.id:
        document["identifier"] = {"system": CASE_ID_SYSTEM, "value": case.id}
    return QuestionnaireResponse.model_validate(document)
