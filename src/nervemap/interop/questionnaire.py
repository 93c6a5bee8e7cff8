"""Export the finding catalogue as a FHIR R4B Questionnaire.

One Questionnaire per question set, canonical ``https://nervemap.org/fhir/Questionnaire/<id>``,
versioned by the knowledge-base version: a response names the exact item list it answers.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from nervemap.engine import items
from nervemap.engine.case import Status
from nervemap.interop import terminology as t
from nervemap.interop.imaging_items import questionnaire_group
from nervemap.interop.items import GROUPS, Catalogue, ItemSpec, Kind, QuestionSet, catalogue
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import KnowledgeBase, Setting
from nervemap.knowledge.vocabulary import (
    MRC_GRADES,
    ONSETS,
    REFLEX_GRADES,
    SENSATION_STATUSES,
    SEXES,
    SYMPTOM_KINDS,
)

QUESTIONNAIRE_BASE = f"{t.BASE}/Questionnaire"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"

STATUS_CODES = {Status.PRESENT: t.PRESENT, Status.ABSENT: t.ABSENT, Status.UNKNOWN: t.UNKNOWN}
SCORE_RANGES = items.SCORE_RANGES  # from the case model (engine/items.py)
TITLES = {
    QuestionSet.PATIENT_INTAKE: "nervemap patient intake: leg pain",
    QuestionSet.CLINICIAN_EXAM: "nervemap clinician examination: leg pain",
    QuestionSet.ALL: "nervemap leg-pain assessment: all items",
}


def questionnaire_id(question_set: QuestionSet) -> str:
    return f"nervemap-{question_set.value}"


def questionnaire_url(question_set: QuestionSet) -> str:
    return f"{QUESTIONNAIRE_BASE}/{questionnaire_id(question_set)}"


def question_set_for(identifier: str) -> QuestionSet | None:
    """The question set named by a Questionnaire id or canonical (``url`` or ``url|version``)."""
    base = identifier.split("|", 1)[0]
    for question_set in QuestionSet:
        if base in (questionnaire_id(question_set), questionnaire_url(question_set)):
            return question_set
    return None


def _options(*codes: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"valueCoding": t.triple(code)} for code in codes]


def _coded_options(system: str, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"valueCoding": t.coding(system, code, code.replace("-", " ").capitalize())} for code in codes]


def _bounds(kind: str, low: float, high: float) -> list[dict[str, Any]]:
    key = "valueInteger" if kind == "integer" else "valueDecimal"
    cast = int if kind == "integer" else float
    return [{"url": MIN_VALUE, key: cast(low)}, {"url": MAX_VALUE, key: cast(high)}]


def _grades(grades: range) -> dict[str, Any]:
    """An integer grade: its options, and its bounds for renderers that show a number field."""
    return {
        "type": "integer",
        "answerOption": [{"valueInteger": g} for g in grades],
        "extension": _bounds("integer", grades[0], grades[-1]),
    }


def _shape(spec: ItemSpec) -> dict[str, Any]:
    """Type, answer options and bounds of one item."""
    kind = spec.kind
    if kind is Kind.FINDING:
        return {"type": "choice", "answerOption": _options(t.PRESENT, t.ABSENT, t.UNKNOWN)}
    if kind is Kind.FINDING_SIDE:
        return {
            "type": "choice",
            "answerOption": _options(t.LEFT, t.RIGHT, t.BILATERAL),
            # a side goes with Present or Absent alike ("absent on the left"): enabled for either
            "enableWhen": [
                {"question": spec.parent, "operator": "=", "answerCoding": t.triple(status)}
                for status in (t.PRESENT, t.ABSENT)
            ],
            "enableBehavior": "any",
        }
    if kind is Kind.PAIN:
        return {
            "type": "choice",
            "repeats": True,
            "answerOption": _coded_options(t.SYMPTOM_KIND, SYMPTOM_KINDS),
        }
    if kind is Kind.PAIN_COMPLETE:
        return {"type": "boolean"}
    if kind is Kind.STRENGTH:
        return _grades(MRC_GRADES)
    if kind is Kind.REFLEX:
        return _grades(REFLEX_GRADES)
    if kind is Kind.SENSATION:
        return {"type": "choice", "answerOption": _coded_options(t.SENSATION, SENSATION_STATUSES)}
    if kind is Kind.AGE:
        _, value_type, low, high = items.FIELD_RANGES[Kind.AGE]
        return {"type": value_type, "extension": _bounds(value_type, low, high)}
    if kind is Kind.SEX:
        return {"type": "choice", "answerOption": _coded_options(t.GENDER, SEXES)}
    if kind is Kind.DURATION:
        unit = {"url": UNIT, "valueCoding": t.coding(t.UCUM, "d", "day")}
        _, value_type, low, high = items.FIELD_RANGES[Kind.DURATION]
        return {"type": value_type, "extension": [*_bounds(value_type, low, high), unit]}
    if kind is Kind.ONSET:
        return {"type": "choice", "answerOption": _coded_options(t.ONSET, ONSETS)}
    if kind is Kind.SETTING:
        return {"type": "choice", "answerOption": _coded_options(t.SETTING, tuple(Setting))}
    value_type, low, high = SCORE_RANGES[spec.target]
    return {"type": value_type, "extension": _bounds(value_type, low, high)}


def _item(spec: ItemSpec, children: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": spec.link_id, "text": spec.text}
    if spec.codes:
        item["code"] = [t.coding(*code) for code in spec.codes]
    item.update(_shape(spec))
    if children:
        item["item"] = children
    return item


def _items(items: Catalogue, patient: bool) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for group in GROUPS:
        specs = [spec for spec in items if spec.group == group.link_id]
        children: list[dict[str, Any]] = []
        for spec in specs:
            if spec.kind is Kind.FINDING_SIDE:
                continue
            side = [_item(s, []) for s in specs if s.parent == spec.link_id]
            children.append(_item(spec, side))
        if children:
            text = group.patient_text if patient else group.text
            groups.append({"linkId": group.link_id, "text": text, "type": "group", "item": children})
    return groups


def build_questionnaire(
    question_set: QuestionSet | str = QuestionSet.ALL, knowledge: KnowledgeBase | None = None
) -> Questionnaire:
    """The Questionnaire for a question set, validated by the R4B model."""
    kb = knowledge or default_knowledge().knowledge
    chosen = QuestionSet(question_set)
    patient = chosen is QuestionSet.PATIENT_INTAKE
    name = "Nervemap" + "".join(part.capitalize() for part in chosen.value.split("-"))
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": questionnaire_id(chosen),
            "url": questionnaire_url(chosen),
            "version": kb.version,
            "name": name,
            "title": TITLES[chosen],
            "status": "active",
            "publisher": "nervemap",
            "subjectType": ["Patient"],
            "description": "Findings nervemap reasons on for leg pain that may come from the lumbar spine. "
            "Unanswered items are unknown, which is not the same as absent.",
            "item": _items(catalogue(kb, chosen), patient) + ([] if patient else [questionnaire_group()]),
        }
    )
