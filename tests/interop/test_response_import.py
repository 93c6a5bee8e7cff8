from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.interop.errors import InteropError
from nervemap.interop.from_response import case_from_response
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import build_questionnaire
from nervemap.interop.to_response import response_from_case
from tests.interop.helpers import example_case, golden
from tests.interop.test_questionnaire import exported, flat


def comparable(case: Any) -> dict[str, Any]:
    return assess(case).model_dump(mode="json")


def test_golden_response_gives_the_native_assessment() -> None:
    imported = case_from_response(golden("questionnaire-response-l5-left.json"))
    assert imported.warnings == []
    assert imported.subject == {"reference": "Patient/pat-l5", "display": "Example patient"}
    assert comparable(imported.case) == comparable(example_case("l5-left-disc"))


@pytest.mark.parametrize("name", ["l5-left-disc", "cauda-equina", "fibular-neuropathy"])
def test_round_trip_through_the_exported_questionnaire(name: str) -> None:
    native = example_case(name)
    items = flat(build_questionnaire(QuestionSet.ALL).model_dump(mode="json", exclude_none=True)["item"])
    response = response_from_case(native).model_dump(mode="json", exclude_none=True)
    answered = flat(response["item"]) | {
        sub["linkId"]: sub
        for item in flat(response["item"]).values()
        for answer in item.get("answer", [])
        for sub in answer.get("item", [])
    }
    assert set(answered) <= set(items), "every answer answers an exported item"
    imported = case_from_response(response)
    assert comparable(imported.case) == comparable(native)


def test_patient_intake_cannot_carry_an_examination() -> None:
    with pytest.raises(InteropError) as caught:
        response_from_case(example_case("l5-left-disc"), QuestionSet.PATIENT_INTAKE)
    assert "strength.great_toe_extension.left" in str(caught.value)


def test_patient_intake_refuses_a_setting_it_cannot_carry_and_keeps_the_result() -> None:
    from nervemap.engine.assess import assess
    from nervemap.engine.case import Case
    from nervemap.knowledge.models import Setting

    base = Case(id="intake", age=40, sex="female", duration_days=10, pain_map=[])
    response = response_from_case(base, QuestionSet.PATIENT_INTAKE)  # the default setting: nothing lost
    back = case_from_response(response.model_dump(mode="json", exclude_none=True)).case
    assert back.setting == base.setting
    assert assess(back).differential[0].id == assess(base).differential[0].id
    other = next(setting for setting in Setting if setting != base.setting)
    with pytest.raises(InteropError) as caught:
        response_from_case(base.model_copy(update={"setting": other}), QuestionSet.PATIENT_INTAKE)
    assert [issue.location for issue in caught.value.issues] == ["setting"]
    assert other.value in str(caught.value)


def answered(link_id: str, answer: dict[str, Any], questionnaire: str | None = None) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": questionnaire or "https://nervemap.org/fhir/Questionnaire/nervemap-all",
        "item": [{"linkId": link_id, "answer": [answer]}],
    }


def issue_text(payload: Any) -> str:
    with pytest.raises(InteropError) as caught:
        case_from_response(payload)
    return str(caught.value)


def test_wrong_resource_type_is_named() -> None:
    with pytest.raises(InteropError) as caught:
        case_from_response({"resourceType": "Patient", "id": "p1"})
    assert caught.value.status == 400
    assert "expected a QuestionnaireResponse resource, got Patient/p1" in str(caught.value)


def test_response_to_another_questionnaire_is_refused() -> None:
    other = "http://example.org/Questionnaire/phq-9|1.0"
    text = issue_text(answered("finding.back_pain", {"valueBoolean": True}, other))
    assert "QuestionnaireResponse.questionnaire" in text and other in text


def test_unknown_link_id_is_named() -> None:
    text = issue_text(answered("finding.tennis_elbow", {"valueBoolean": True}))
    assert "unknown linkId 'finding.tennis_elbow'" in text


def test_out_of_range_grade_names_the_answer() -> None:
    text = issue_text(answered("strength.ankle_dorsiflexion.left", {"valueInteger": 7}))
    assert "QuestionnaireResponse.item[0].answer[0]" in text and "MRC grade 0-5" in text


def test_item_from_another_set_is_unknown_there() -> None:
    intake = "https://nervemap.org/fhir/Questionnaire/nervemap-patient-intake"
    text = issue_text(answered("finding.slr_positive", {"valueBoolean": True}, intake))
    assert "unknown linkId 'finding.slr_positive'" in text


def test_old_version_is_a_warning_not_an_error() -> None:
    old = "https://nervemap.org/fhir/Questionnaire/nervemap-all|2020.1.0"
    imported = case_from_response(answered("finding.back_pain", {"valueBoolean": True}, old))
    assert "2020.1.0" in imported.warnings[0]
    assert imported.case.findings[0].id == "back_pain"


def test_the_interview_course_scores_travel_through_the_patient_intake() -> None:
    """Issue 19: leg and back pain and the PSFS rating the patient interview asks are items of the
    patient-intake Questionnaire and read back into the same scores."""
    from nervemap.interview import InterviewSession

    items = exported(QuestionSet.PATIENT_INTAKE)
    for link in ("score.pain_nrs", "score.leg_pain_nrs", "score.back_pain_nrs", "score.psfs"):
        assert items[link]["type"] == "decimal", link
    session = InterviewSession("patient")
    for question, value in (("pain_score", 4), ("back_pain_score", 6.5), ("function_score", 3)):
        session.answer(question, value)
    case = session.case
    response = response_from_case(case, QuestionSet.PATIENT_INTAKE)
    back = case_from_response(response.model_dump(mode="json", exclude_none=True)).case
    assert back.scores == case.scores
    assert (back.scores.leg_pain_nrs, back.scores.back_pain_nrs, back.scores.psfs) == (4, 6.5, 3)
    assert back.scores.pain_nrs == 6.5


def _golden_cases_with_imaging() -> dict[str, Any]:
    import json
    from pathlib import Path

    from nervemap.engine.case import Case

    path = Path(__file__).parents[1] / "golden" / "cases.jsonl"
    cases = [Case.model_validate(json.loads(line)["case"]) for line in path.read_text().splitlines() if line]
    return {case.id: case for case in cases if case.imaging}


IMAGING_CASES = _golden_cases_with_imaging()


@pytest.mark.parametrize("case_id", sorted(IMAGING_CASES))
def test_imaging_travels_through_the_clinician_questionnaire(case_id: str) -> None:
    native = IMAGING_CASES[case_id]
    response = response_from_case(native).model_dump(mode="json", exclude_none=True)
    groups = [item for item in response["item"] if item["linkId"] == "imaging"]
    assert len(groups) == len(native.imaging)
    imported = case_from_response(response)
    assert imported.case.imaging == native.imaging
    assert comparable(imported.case) == comparable(native)


def test_the_patient_intake_refuses_imaging_it_cannot_carry() -> None:
    native = next(iter(IMAGING_CASES.values())).model_copy(
        update={"strength": [], "reflexes": [], "sensation": [], "measurements": []}
    )
    with pytest.raises(InteropError) as caught:
        response_from_case(native, QuestionSet.PATIENT_INTAKE)
    assert any(issue.location == "imaging" for issue in caught.value.issues)


def _with_imaging(*children: dict[str, Any]) -> dict[str, Any]:
    response = golden("questionnaire-response-l5-left.json")
    response["item"].append({"linkId": "imaging", "item": list(children)})
    return response


def _answer(link_id: str, system: str, code: str) -> dict[str, Any]:
    return {"linkId": link_id, "answer": [{"valueCoding": {"system": system, "code": code}}]}


def test_an_imaging_entry_is_read_and_a_bad_one_named() -> None:
    from nervemap.interop import terminology as t

    kind = _answer("imaging.kind", t.IMAGING_KIND, "disc-herniation")
    level = _answer("imaging.level", t.DISC_LEVEL, "L4-L5")
    side = _answer("imaging.side", t.LEFT[0], t.LEFT[1])
    case = case_from_response(_with_imaging(kind, level, side)).case
    assert [lesion.model_dump() for lesion in case.imaging] == [
        {"kind": "disc-herniation", "level": "L4-L5", "zone": None, "side": "left"}
    ]
    for children, named in (
        ((kind,), "needs 'imaging.level'"),
        ((kind, _answer("imaging.level", t.DISC_LEVEL, "L6-S1")), "'imaging.level' takes one of"),
        (
            (kind, level, _answer("imaging.laterality", t.LEFT[0], t.LEFT[1])),
            "unknown linkId 'imaging.laterality'",
        ),
    ):
        with pytest.raises(InteropError) as caught:
            case_from_response(_with_imaging(*children))
        assert any(named in issue.message for issue in caught.value.issues), caught.value.issues
