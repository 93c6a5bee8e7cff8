"""A follow-up episode as a FHIR R4B Bundle: EpisodeOfCare, per check-in an Encounter, a
QuestionnaireResponse and Observations derived from it, and a DetectedIssue per escalation; every
resource validated by its R4B model."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.questionnaire import Questionnaire

from nervemap.followup.models import CourseSummary, Escalation
from nervemap.interop import terminology as t
from nervemap.interop.checkin_questionnaire import CHECKIN_QUESTIONNAIRE, CHECKIN_QUESTIONNAIRE_ID
from nervemap.interop.episode_bundle import FOLLOWUP_RULE, episode_to_bundle
from nervemap.interop.from_bundle import case_from_bundle
from nervemap.knowledge.models import TriageLevel
from tests.followup.courses import NG59, foot_drop_course, improving_course, measures


def document(course: CourseSummary, **options: Any) -> dict[str, Any]:
    bundle = episode_to_bundle(course, **options)
    result: dict[str, Any] = bundle.model_dump(mode="json", exclude_none=True)
    return result


def of_type(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == kind]


def by_url(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in doc["entry"]}


def coded(resource: dict[str, Any], system: str) -> list[str]:
    return [c["code"] for c in resource["code"].get("coding", []) if c["system"] == system]


@pytest.mark.parametrize("course", [foot_drop_course(), improving_course()])
def test_every_resource_validates_with_its_r4b_model(course: CourseSummary) -> None:
    doc = document(course)
    assert doc["type"] == "collection"
    for entry in doc["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert resource["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')


def test_each_checkin_is_an_encounter_of_the_episode_with_its_response_and_observations() -> None:
    doc = document(foot_drop_course(), sources=["clinician", "patient", "clinician"], episode_id="ep-1")
    urls = by_url(doc)
    (episode,) = of_type(doc, "EpisodeOfCare")
    assert episode["status"] == "active"
    assert episode["period"] == {"start": "2026-01-05T09:00:00Z"}
    assert episode["identifier"] == [{"system": f"{t.BASE}/episode", "value": "ep-1"}]
    episode_url = next(url for url, r in urls.items() if r is episode)
    encounters = of_type(doc, "Encounter")
    assert len(encounters) == 3
    assert all(e["episodeOfCare"] == [{"reference": episode_url}] for e in encounters)
    assert [e["class"]["code"] for e in encounters] == ["AMB", "VR", "AMB"]
    responses = of_type(doc, "QuestionnaireResponse")
    assert [r["questionnaire"] for r in responses] == [CHECKIN_QUESTIONNAIRE] * 3
    assert "source" in responses[1] and "source" not in responses[0]  # the patient answered the second
    # every Observation of a check-in names its encounter and the response it was derived from
    for observation in of_type(doc, "Observation"):
        if "encounter" not in observation:
            continue
        assert urls[observation["encounter"]["reference"]]["resourceType"] == "Encounter"
        (source,) = observation["derivedFrom"]
        response = urls[source["reference"]]
        assert response["resourceType"] == "QuestionnaireResponse"
        assert response["encounter"] == {"reference": observation["encounter"]["reference"]}


def test_pain_is_loinc_72514_3_with_the_body_site_and_mrc_grades_have_their_side() -> None:
    doc = document(foot_drop_course())
    observations = of_type(doc, "Observation")
    pain = [o for o in observations if coded(o, t.LOINC) == ["72514-3"]]
    leg = [
        (o["effectiveDateTime"], o["valueQuantity"]["value"]) for o in pain if o["bodySite"]["text"] == "leg"
    ]
    assert [value for _, value in leg] == [8, 7, 7]
    back = [o for o in pain if o["bodySite"]["coding"][0]["code"] == "37822005"]
    assert [o["valueQuantity"]["value"] for o in back] == [5, 5]  # not recorded at week 2
    assert all(o["valueQuantity"]["system"] == t.UCUM for o in pain)
    assert {o["bodySite"]["coding"][0]["code"] for o in pain} == {"61685007", "37822005"}
    mrc = [o for o in observations if coded(o, t.ITEM) == ["strength.ankle_dorsiflexion"]]
    assert [o["valueInteger"] for o in mrc] == [5, 4, 2]
    assert all(o["bodySite"]["coding"] == [t.triple(t.LEFT)] for o in mrc)
    function = [o for o in observations if coded(o, t.ITEM) == ["score.odi"]]
    assert [o["valueQuantity"]["value"] for o in function] == [52, 46]
    triage = [o for o in observations if coded(o, t.SCORE) == ["triage-level"]]
    assert [o["valueCodeableConcept"]["text"] for o in triage] == ["routine", "soon", "urgent"]


def test_the_responses_hold_the_same_answers() -> None:
    doc = document(foot_drop_course())
    last = of_type(doc, "QuestionnaireResponse")[-1]
    answers = {item["linkId"]: item["answer"][0] for item in last["item"]}
    assert answers == {
        "pain.leg_nrs": {"valueDecimal": 7.0},
        "pain.back_nrs": {"valueDecimal": 5.0},
        "strength.ankle_dorsiflexion.left": {"valueInteger": 2},
    }


def test_an_escalation_is_a_detected_issue_citing_its_guideline_on_the_latest_checkin() -> None:
    doc = document(foot_drop_course())
    urls = by_url(doc)
    (issue,) = of_type(doc, "DetectedIssue")
    assert issue["code"]["coding"] == [
        {"system": FOLLOWUP_RULE, "code": "followup-motor-deficit-new-or-progressing"}
    ]
    assert issue["severity"] == "high"
    assert issue["reference"] == "https://www.nice.org.uk/guidance/ng59"
    assert "ankle dorsiflexion, left MRC 4 -> 2" in issue["detail"] and NG59 in issue["detail"]
    (implicated,) = issue["implicated"]
    encounter = urls[implicated["reference"]]
    assert (
        encounter["period"]["start"]
        == issue["identifiedDateTime"]
        == of_type(doc, "Encounter")[-1]["period"]["start"]
    )
    (episode_triage,) = [
        o for o in of_type(doc, "Observation") if coded(o, t.SCORE) == ["episode-triage-level"]
    ]
    assert episode_triage["valueCodeableConcept"]["text"] == "urgent"
    assert urls[episode_triage["focus"][0]["reference"]]["resourceType"] == "EpisodeOfCare"
    assert "a clinician needs to review" in episode_triage["note"][0]["text"]
    # R4 lets derivedFrom name Observations only: the episode's triage derives from the escalated
    # check-in's triage Observation, which is the DetectedIssue's evidence (checked by make conformance)
    (derived,) = episode_triage["derivedFrom"]
    (evidence,) = issue["evidence"]
    assert evidence["detail"][0]["reference"] == derived["reference"]
    checkin_triage = urls[derived["reference"]]
    assert checkin_triage["resourceType"] == "Observation" and coded(checkin_triage, t.SCORE) == [
        "triage-level"
    ]
    assert checkin_triage["encounter"]["reference"] == implicated["reference"]


def test_red_flags_are_components_of_the_checkin_triage() -> None:
    course = CourseSummary(
        measures=[
            measures(0, 6, 3, {}),
            measures(1, 6, 3, {}, TriageLevel.EMERGENCY).model_copy(
                update={"red_flags": ["saddle_numbness"]}
            ),
        ],
        overall="worsening",
        escalations=[
            Escalation(
                rule_id="followup-new-red-flag",
                triage_level=TriageLevel.EMERGENCY,
                clinician_text="New red-flag findings: saddle_numbness",
                patient_text="Seek help now.",
                source_ids=["expert-estimate"],
            )
        ],
        triage_level=TriageLevel.EMERGENCY,
        needs_clinician_review=True,
    )
    doc = document(course, status="finished")
    (episode,) = of_type(doc, "EpisodeOfCare")
    assert episode["period"]["end"] > episode["period"]["start"]
    triage = [o for o in of_type(doc, "Observation") if coded(o, t.SCORE) == ["triage-level"]]
    assert "component" not in triage[0]
    (flag,) = triage[1]["component"]
    assert flag["code"]["coding"][0] == {"system": t.FINDING, "code": "saddle_numbness"}
    (issue,) = of_type(doc, "DetectedIssue")
    assert "reference" not in issue  # an estimate has no authority to cite


def test_the_mrc_observations_read_back_as_examination() -> None:
    """The last check-in's Observations are in the form the bundle importer reads."""
    doc = document(foot_drop_course())
    latest = of_type(doc, "Encounter")[-1]["period"]["start"]
    wanted = [
        e
        for e in doc["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"].get("effectiveDateTime") == latest
        and coded(e["resource"], t.ITEM)
    ]
    imported = case_from_bundle({"resourceType": "Bundle", "type": "collection", "entry": wanted})
    assert [(s.movement, s.side, s.grade) for s in imported.case.strength] == [
        ("ankle_dorsiflexion", "left", 2)
    ]


def test_ids_are_injectable_and_an_empty_course_is_refused() -> None:
    counter = iter(range(1000))
    doc = document(improving_course(), make_id=lambda: f"id-{next(counter)}")
    assert all(e["fullUrl"].startswith("urn:uuid:id-") for e in doc["entry"])
    with pytest.raises(ValueError, match="at least one check-in"):
        episode_to_bundle(improving_course().model_copy(update={"measures": []}))
    with pytest.raises(ValueError, match="one source per check-in"):
        episode_to_bundle(improving_course(), sources=["patient"])


def test_the_responses_answer_the_checkin_questionnaire_item_by_item(client: TestClient) -> None:
    served = client.get(f"/v1/fhir/Questionnaire/{CHECKIN_QUESTIONNAIRE_ID}")
    assert served.status_code == 200 and served.headers["content-type"].startswith("application/fhir+json")
    questionnaire = Questionnaire.model_validate(served.json())
    assert questionnaire.url == CHECKIN_QUESTIONNAIRE
    kinds = {str(item.linkId): str(item.type) for item in questionnaire.item or []}
    assert {"pain.leg_nrs", "pain.back_nrs", "score.psfs", "score.odi", "score.rmdq", "red-flags"} <= set(
        kinds
    )
    answered = {"decimal": "valueDecimal", "integer": "valueInteger", "choice": "valueCoding"}
    course = foot_drop_course()
    flagged = course.measures[-1].model_copy(update={"red_flags": ["saddle_numbness"]})
    course = course.model_copy(update={"measures": [*course.measures[:-1], flagged]})
    for response in of_type(document(course), "QuestionnaireResponse"):
        for item in response["item"]:
            assert item["linkId"] in kinds, item["linkId"]
            assert all(answered[kinds[item["linkId"]]] in answer for answer in item["answer"])
    options = {
        o.valueCoding.code
        for o in next(i for i in questionnaire.item or [] if i.linkId == "red-flags").answerOption or []
        if o.valueCoding
    }
    assert "saddle_numbness" in options
    listed = client.get("/v1/fhir/metadata").json()
    assert any(CHECKIN_QUESTIONNAIRE_ID in r.get("documentation", "") for r in listed["rest"][0]["resource"])
