"""The Questionnaire a follow-up check-in's QuestionnaireResponse answers (issue 19).

Canonical ``https://nervemap.org/fhir/Questionnaire/nervemap-followup-checkin``, served at
``/v1/fhir/Questionnaire/nervemap-followup-checkin``: leg and back pain 0-10 (LOINC 72514-3), the
function measures of the follow-up knowledge with their ranges, the worst MRC grade per movement and
side, and the red-flag findings present. :mod:`nervemap.interop.episode_bundle` writes responses to it.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from nervemap.followup.timeline_svg import FUNCTION_SCALES
from nervemap.interop import terminology as t
from nervemap.interop.questionnaire import MAX_VALUE, MIN_VALUE, QUESTIONNAIRE_BASE
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.loader import followup_of
from nervemap.knowledge.models import KnowledgeBase
from nervemap.knowledge.vocabulary import SIDES

CHECKIN_QUESTIONNAIRE_ID = "nervemap-followup-checkin"
CHECKIN_QUESTIONNAIRE = f"{QUESTIONNAIRE_BASE}/{CHECKIN_QUESTIONNAIRE_ID}"
PAIN_ITEMS = (
    ("leg_pain", "pain.leg_nrs", "Leg pain, 0 (none) to 10 (worst imaginable)"),
    ("back_pain", "pain.back_nrs", "Back pain, 0 (none) to 10 (worst imaginable)"),
)
RED_FLAGS = "red-flags"


def function_text(measure: str) -> str:
    scale = FUNCTION_SCALES.get(measure)
    if scale is None:
        return f"Function ({measure})"
    return f"{scale.label} ({fmt(scale.low)}-{fmt(scale.high)}, {scale.better} is better)"


def fmt(value: float) -> str:
    return f"{value:g}"


def strength_link(movement: str, side: str) -> str:
    """``strength.<movement>.<side>``, or ``strength.<movement>`` when the side was not stated."""
    return f"strength.{movement}" + ("" if side in ("", "unsided") else f".{side}")


def _bounded(kind: str, low: float, high: float) -> list[dict[str, Any]]:
    key, cast = ("valueInteger", int) if kind == "integer" else ("valueDecimal", float)
    return [{"url": MIN_VALUE, key: cast(low)}, {"url": MAX_VALUE, key: cast(high)}]


def checkin_questionnaire(knowledge: KnowledgeBase | None = None) -> Questionnaire:
    """The check-in Questionnaire, validated by the R4B model."""
    kb = knowledge or default_knowledge().knowledge
    items: list[dict[str, Any]] = [
        {
            "linkId": link,
            "text": text,
            "type": "decimal",
            "code": [t.triple(t.PAIN_NRS)],
            "extension": _bounded("decimal", 0, 10),
        }
        for _, link, text in PAIN_ITEMS
    ]
    for measure in followup_of(kb).function_measures:
        scale = FUNCTION_SCALES.get(measure)
        item: dict[str, Any] = {
            "linkId": f"score.{measure}",
            "text": function_text(measure),
            "type": "decimal",
        }
        if scale is not None:
            item["extension"] = _bounded("decimal", scale.low, scale.high)
        items.append(item)
    for movement in kb.anatomy.movements:
        for side in (*SIDES, "unsided"):
            where = "" if side == "unsided" else f", {side}"
            items.append(
                {
                    "linkId": strength_link(movement.id, side),
                    "text": f"MRC power (0-5): {movement.name}{where}",
                    "type": "integer",
                    "code": [t.coding(t.ITEM, f"strength.{movement.id}")],
                    "extension": _bounded("integer", 0, 5),
                }
            )
    flags = sorted((f for f in kb.findings if f.red_flag), key=lambda f: f.id)
    items.append(
        {
            "linkId": RED_FLAGS,
            "text": "Red-flag findings present",
            "type": "choice",
            "repeats": True,
            "answerOption": [{"valueCoding": t.coding(t.FINDING, f.id, f.clinician)} for f in flags],
        }
    )
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": CHECKIN_QUESTIONNAIRE_ID,
            "url": CHECKIN_QUESTIONNAIRE,
            "version": kb.version,
            "name": "NervemapFollowupCheckin",
            "title": "nervemap follow-up check-in: leg pain",
            "status": "active",
            "publisher": "nervemap",
            "subjectType": ["Patient"],
            "description": "What nervemap compares between the check-ins of a leg-pain episode. Unanswered "
            "items were not asked or not examined.",
            "item": items,
        }
    )
