from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from typer.testing import CliRunner

from nervemap.interop import terminology as t
from nervemap.interop.cli import app
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import build_questionnaire
from nervemap.knowledge import default_knowledge


def flat(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        found[item["linkId"]] = item
        found.update(flat(item.get("item", [])))
    return found


def exported(question_set: QuestionSet) -> dict[str, dict[str, Any]]:
    document = build_questionnaire(question_set).model_dump(mode="json", exclude_none=True)
    return flat(document["item"])


@pytest.mark.parametrize("question_set", list(QuestionSet))
def test_each_set_validates_with_a_versioned_canonical(question_set: QuestionSet) -> None:
    document = build_questionnaire(question_set).model_dump(mode="json", exclude_none=True)
    again = Questionnaire.model_validate(document)
    assert again.url == f"https://nervemap.org/fhir/Questionnaire/nervemap-{question_set.value}"
    assert again.version == default_knowledge().knowledge.version
    link_ids = json.dumps(document).count('"linkId"')
    assert link_ids == len(flat(document["item"])), "linkIds must be unique"


def test_linkids_are_stable_and_carry_codes() -> None:
    items = exported(QuestionSet.ALL)
    slr = items["finding.slr_positive"]
    assert {c["code"] for c in slr["answerOption"] for c in [c["valueCoding"]]} == {
        "52101004",
        "2667000",
        "261665006",
    }
    assert items["finding.slr_positive.side"]["enableWhen"][0]["question"] == "finding.slr_positive"
    retention = {(c["system"], c["code"]) for c in items["finding.urinary_retention"]["code"]}
    assert (t.SNOMED, "267064002") in retention
    assert (t.LOINC, "4537-7") in {(c["system"], c["code"]) for c in items["finding.esr_crp_raised"]["code"]}
    mrc = items["strength.ankle_dorsiflexion.left"]
    assert mrc["type"] == "integer"
    assert [o["valueInteger"] for o in mrc["answerOption"]] == [0, 1, 2, 3, 4, 5]
    assert items["reflex.achilles.right"]["type"] == "integer"
    assert items["pain.foot_dorsum.left"]["repeats"] is True
    assert "pain.saddle" in items and "pain.saddle.left" not in items
    assert items["patient.age"]["code"][0] == {"system": t.LOINC, "code": "30525-0", "display": "Age"}


def test_subsets_split_patient_and_clinician_items() -> None:
    intake = exported(QuestionSet.PATIENT_INTAKE)
    exam = exported(QuestionSet.CLINICIAN_EXAM)
    assert "finding.pain_worse_cough_sneeze" in intake and "finding.pain_worse_cough_sneeze" not in exam
    assert "finding.slr_positive" in exam and "finding.slr_positive" not in intake
    assert "pain.foot_dorsum.left" in intake and "strength.great_toe_extension.left" not in intake
    assert "strength.great_toe_extension.left" in exam and "reflex.patellar.left" in exam
    assert "finding.foot_drop" not in intake | exam, "derived findings are read off the exam, not asked"


def test_cli_exports_a_set_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "q.json"
    result = CliRunner().invoke(app, ["export-questionnaire", "--set", "clinician-exam", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["id"] == "nervemap-clinician-exam"
    Questionnaire.model_validate(document)


def _enabled(item: dict[str, Any], answers: dict[str, list[dict[str, Any]]]) -> bool:
    """FHIR enableWhen (operator '=' on codings) with enableBehavior, as a renderer evaluates it."""
    conditions = item.get("enableWhen")
    if not conditions:
        return True
    results = [
        any(
            answer.get("valueCoding", {}).get("code") == c["answerCoding"]["code"]
            for answer in answers.get(c["question"], [])
        )
        for c in conditions
    ]
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def _answered(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        found[item["linkId"]] = item.get("answer", [])
        found.update(_answered(item.get("item", [])))
        for answer in item.get("answer", []):
            found.update(_answered(answer.get("item", [])))
    return found


def test_side_items_are_enabled_for_present_or_absent() -> None:
    items = exported(QuestionSet.ALL)
    sides = [
        item
        for link_id, item in items.items()
        if link_id.startswith("finding.") and link_id.endswith(".side")
    ]
    assert sides
    for item in sides:
        assert item["enableBehavior"] == "any"
        assert {c["answerCoding"]["code"] for c in item["enableWhen"]} == {t.PRESENT[1], t.ABSENT[1]}


def test_no_exported_response_answers_an_item_its_questionnaire_disables() -> None:
    from nervemap.engine.case import Case
    from nervemap.interop.errors import InteropError
    from nervemap.interop.to_response import response_from_case

    golden = Path(__file__).parents[1] / "golden" / "cases.jsonl"
    questionnaire = exported(QuestionSet.ALL)
    checked = 0
    for line in golden.read_text(encoding="utf-8").splitlines():
        case = Case.model_validate(json.loads(line)["case"])
        try:
            response = response_from_case(case).model_dump(mode="json", exclude_none=True)
        except InteropError:
            continue  # a finding the question set has no item for: the export refuses it
        answers = _answered(response["item"])
        for link_id, given in answers.items():
            if given and link_id in questionnaire:
                assert _enabled(questionnaire[link_id], answers), (case.id, link_id)
                checked += link_id.endswith(".side")
    assert checked > 0


def test_grade_items_state_their_bounds() -> None:
    items = exported(QuestionSet.ALL)
    for prefix, high in (("strength.", 5), ("reflex.", 4)):
        graded = [item for link_id, item in items.items() if link_id.startswith(prefix)]
        assert graded
        for item in graded:
            bounds = {ext["url"].rsplit("/", 1)[1]: ext["valueInteger"] for ext in item["extension"]}
            assert bounds == {"minValue": 0, "maxValue": high}
            assert [o["valueInteger"] for o in item["answerOption"]] == list(range(high + 1))


def test_an_unknown_finding_is_exported_without_the_side_its_item_would_disable() -> None:
    from nervemap.engine.case import Case
    from nervemap.interop.to_response import response_from_case

    case = Case.model_validate(
        {"id": "u", "age": 40, "findings": [{"id": "slr_positive", "status": "unknown", "side": "left"}]}
    )
    answers = _answered(response_from_case(case).model_dump(mode="json", exclude_none=True)["item"])
    assert answers["finding.slr_positive"][0]["valueCoding"]["code"] == t.UNKNOWN[1]
    assert "finding.slr_positive.side" not in answers


def test_clinician_questionnaires_carry_a_repeating_imaging_group() -> None:
    from nervemap.interop.imaging_items import KINDS, LEVELS, ZONES

    for question_set in (QuestionSet.ALL, QuestionSet.CLINICIAN_EXAM):
        items = exported(question_set)
        group = items["imaging"]
        assert group["type"] == "group" and group["repeats"] is True
        assert [child["linkId"] for child in group["item"]] == [
            "imaging.kind",
            "imaging.level",
            "imaging.zone",
            "imaging.side",
        ]
        required = {child["linkId"]: child["required"] for child in group["item"]}
        assert required == {
            "imaging.kind": True,
            "imaging.level": True,
            "imaging.zone": False,
            "imaging.side": False,
        }
        options = {
            child["linkId"]: [option["valueCoding"]["code"] for option in child["answerOption"]]
            for child in group["item"]
        }
        assert options["imaging.kind"] == list(KINDS) and options["imaging.level"] == list(LEVELS)
        assert options["imaging.zone"] == list(ZONES)
        assert options["imaging.side"] == [t.LEFT[1], t.RIGHT[1], t.BILATERAL[1]]
    assert "imaging" not in exported(QuestionSet.PATIENT_INTAKE)
