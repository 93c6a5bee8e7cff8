"""Imaging in the clinician Questionnaires (issue 18 item 6): one repeating group per lesion seen on
MRI or CT - its kind and disc level (required), the herniation zone and the side - so that a case's
imaging travels through a QuestionnaireResponse and back. The patient intake has no imaging group.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.case import Case
from nervemap.interop import terminology as t
from nervemap.interop.errors import Issue
from nervemap.knowledge.vocabulary import DISC_LEVELS, HERNIATION_ZONES, IMAGING_KINDS

GROUP = "imaging"
KINDS: tuple[str, ...] = IMAGING_KINDS
LEVELS: tuple[str, ...] = DISC_LEVELS
ZONES: tuple[str, ...] = HERNIATION_ZONES
# child linkId -> (text, code system or None for the SNOMED sides, codes, required)
CHILDREN: dict[str, tuple[str, str | None, tuple[str, ...], bool]] = {
    "imaging.kind": ("Lesion", t.IMAGING_KIND, KINDS, True),
    "imaging.level": ("Disc level", t.DISC_LEVEL, LEVELS, True),
    "imaging.zone": ("Herniation zone (default paracentral)", t.HERNIATION_ZONE, ZONES, False),
    "imaging.side": ("Side", None, tuple(t.LATERALITY), False),
}
FIELD = {link_id: link_id.split(".", 1)[1] for link_id in CHILDREN}


def _words(code: str) -> str:
    return code.replace("-", " ").capitalize()


def _coding(link_id: str, code: str) -> dict[str, Any]:
    system = CHILDREN[link_id][1]
    return t.triple(t.LATERALITY[code]) if system is None else t.coding(system, code, _words(code))


def questionnaire_group() -> dict[str, Any]:
    """The repeating imaging group of a clinician Questionnaire."""
    children = [
        {
            "linkId": link_id,
            "text": text,
            "type": "choice",
            "required": required,
            "answerOption": [{"valueCoding": _coding(link_id, code)} for code in codes],
        }
        for link_id, (text, _, codes, required) in CHILDREN.items()
    ]
    return {
        "linkId": GROUP,
        "text": "Imaging (MRI or CT): one entry per compressive lesion",
        "type": "group",
        "repeats": True,
        "item": children,
    }


def response_groups(case: Case) -> list[dict[str, Any]]:
    """One answered imaging group per lesion of the case."""
    groups: list[dict[str, Any]] = []
    for lesion in case.imaging:
        values = lesion.model_dump(exclude_none=True)
        items = [
            {"linkId": link_id, "answer": [{"valueCoding": _coding(link_id, values[name])}]}
            for link_id, name in FIELD.items()
            if name in values
        ]
        groups.append({"linkId": GROUP, "item": items})
    return groups


def read_group(items: list[Any] | None, where: str) -> tuple[dict[str, str], list[Issue]]:
    """The lesion one imaging group of a QuestionnaireResponse describes (fields of ImagingFinding),
    with the problems found: unknown items, answers that are not one of the item's codes, more than
    one answer, a required item left out."""
    lesion: dict[str, str] = {}
    issues: list[Issue] = []
    for i, item in enumerate(items or []):
        here = f"{where}.item[{i}]"
        link_id = item.linkId or ""
        if link_id not in CHILDREN:
            issues.append(
                Issue(f"{here}.linkId", f"unknown linkId '{link_id}' in the imaging group", "not-found")
            )
            continue
        answers = item.answer or []
        if len(answers) != 1:
            issues.append(Issue(here, f"'{link_id}' takes one answer, got {len(answers)}", "value"))
            continue
        coding = answers[0].valueCoding
        codes = CHILDREN[link_id][2]
        found = next(
            (code for code in codes if coding is not None and _matches(link_id, code, coding)),
            None,
        )
        if found is None:
            allowed = ", ".join(codes)
            issues.append(Issue(f"{here}.answer[0]", f"'{link_id}' takes one of {allowed}", "value"))
            continue
        lesion[FIELD[link_id]] = found
    for link_id, (_, _, _, required) in CHILDREN.items():
        if required and FIELD[link_id] not in lesion and not issues:
            issues.append(Issue(where, f"an imaging entry needs '{link_id}'", "required"))
    return lesion, issues


def _matches(link_id: str, code: str, coding: Any) -> bool:
    expected = _coding(link_id, code)
    return bool(coding.system == expected["system"] and coding.code == expected["code"])
