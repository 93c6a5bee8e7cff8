from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire

from tests.interop.helpers import golden


def diagnostics(body: dict[str, Any]) -> str:
    OperationOutcome.model_validate(body)
    return " | ".join(issue["diagnostics"] for issue in body["issue"])


def test_get_questionnaire(client: TestClient) -> None:
    response = client.get("/v1/fhir/Questionnaire/nervemap-patient-intake")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert Questionnaire.model_validate(response.json()).id == "nervemap-patient-intake"


def test_unknown_questionnaire_is_404_outcome(client: TestClient) -> None:
    response = client.get("/v1/fhir/Questionnaire/phq-9")
    assert response.status_code == 404
    assert "no Questionnaire 'phq-9'" in diagnostics(response.json())


def test_assess_questionnaire_response(client: TestClient) -> None:
    response = client.post(
        "/v1/fhir/QuestionnaireResponse/$assess",
        json=golden("questionnaire-response-l5-left.json"),
        headers={"content-type": "application/fhir+json"},
    )
    assert response.status_code == 200, response.text
    Bundle.model_validate(response.json())
    impression = response.json()["entry"][0]["resource"]
    assert impression["resourceType"] == "ClinicalImpression"
    assert impression["subject"]["reference"] == "Patient/pat-l5"


def test_assess_observation_bundle(client: TestClient) -> None:
    payload = golden("observations-ces.json")
    unknown = {"system": "http://loinc.org", "code": "2093-3", "display": "Cholesterol"}
    payload["entry"].append(
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [unknown]},
                "valueQuantity": {"value": 5.1, "unit": "mmol/L"},
            }
        }
    )
    response = client.post("/v1/fhir/Bundle/$assess", json=payload)
    assert response.status_code == 200, response.text
    body = response.json()
    notes = [n["text"] for n in body["entry"][0]["resource"]["note"]]
    assert any("2093-3" in note for note in notes), "import warnings travel with the output"


def test_wrong_resource_type_is_400_outcome(client: TestClient) -> None:
    response = client.post("/v1/fhir/QuestionnaireResponse/$assess", json={"resourceType": "Observation"})
    assert response.status_code == 400
    assert "expected a QuestionnaireResponse resource, got Observation" in diagnostics(response.json())


def test_response_for_another_questionnaire_is_422_outcome(client: TestClient) -> None:
    payload = golden("questionnaire-response-l5-left.json")
    payload["questionnaire"] = "http://example.org/Questionnaire/odi"
    response = client.post("/v1/fhir/QuestionnaireResponse/$assess", json=payload)
    assert response.status_code == 422
    assert "http://example.org/Questionnaire/odi" in diagnostics(response.json())


def test_unknown_codes_only_is_422_outcome(client: TestClient) -> None:
    payload = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2093-3"}]},
                    "valueQuantity": {"value": 37.1},
                }
            }
        ],
    }
    response = client.post("/v1/fhir/Bundle/$assess", json=payload)
    assert response.status_code == 422
    assert "http://loinc.org|2093-3" in diagnostics(response.json())


def test_capability_statement_at_metadata(client: TestClient) -> None:
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    response = client.get("/v1/fhir/metadata")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    assert statement["kind"] == "instance" and statement["fhirVersion"] == "4.0.1"
    [rest] = statement["rest"]
    resources = {r["type"]: r for r in rest["resource"]}
    assert resources["Questionnaire"]["interaction"] == [{"code": "read"}]
    for kind in ("QuestionnaireResponse", "Bundle"):
        assert [op["name"] for op in resources[kind]["operation"]] == ["assess"]
    assert "X-API-Key" in rest["security"]["description"]
    assert "laterality" in resources["StructureDefinition"]["documentation"]
    assert resources["OperationDefinition"]["interaction"] == [{"code": "read"}]
    for question_set in ("nervemap-patient-intake", "nervemap-clinician-exam", "nervemap-all"):
        assert question_set in resources["Questionnaire"]["documentation"]
        assert client.get(f"/v1/fhir/Questionnaire/{question_set}").status_code == 200


def test_the_assess_operation_definition_resolves_from_the_capability_statement(client: TestClient) -> None:
    from fhir.resources.R4B.operationdefinition import OperationDefinition

    statement = client.get("/v1/fhir/metadata").json()
    canonical = statement["rest"][0]["resource"][1]["operation"][0]["definition"]
    response = client.get("/v1/fhir/OperationDefinition/assess")
    assert response.status_code == 200
    definition = response.json()
    OperationDefinition.model_validate(definition)
    assert definition["url"] == canonical
    assert definition["resource"] == ["QuestionnaireResponse", "Bundle"]
    assert (definition["type"], definition["instance"], definition["affectsState"]) == (True, False, False)
    assert {p["name"]: p["use"] for p in definition["parameter"]} == {"resource": "in", "return": "out"}


def test_every_extension_nervemap_writes_resolves_to_its_structure_definition(client: TestClient) -> None:
    from fhir.resources.R4B.structuredefinition import StructureDefinition

    from nervemap.engine.assess import assess
    from nervemap.interop.to_bundle import assessment_to_bundle
    from tests.interop.helpers import example_case

    bundle = assessment_to_bundle(assess(example_case("l5-left-disc"))).model_dump(
        mode="json", exclude_none=True
    )
    urls = set(
        re.findall(r'"url": "(https://nervemap\.org/fhir/StructureDefinition/[^"]+)"', json.dumps(bundle))
    )
    assert len(urls) == 3  # laterality, knowledge and software version
    for url in urls:
        response = client.get("/v1/fhir/StructureDefinition/" + url.rsplit("/", 1)[1])
        assert response.status_code == 200, url
        definition = response.json()
        StructureDefinition.model_validate(definition)
        assert definition["url"] == url and definition["type"] == "Extension"
        assert definition["fhirVersion"] == "4.0.1"  # R4: the official R4 schema allows only 4.0.x
    assert client.get("/v1/fhir/StructureDefinition/nope").status_code == 404


def _nervemap_codings(document: Any) -> Iterator[tuple[str, str]]:
    if isinstance(document, dict):
        system = document.get("system")
        if isinstance(system, str) and system.startswith("https://nervemap.org/fhir/CodeSystem/"):
            yield system, document["code"]
        for value in document.values():
            yield from _nervemap_codings(value)
    elif isinstance(document, list):
        for value in document:
            yield from _nervemap_codings(value)


def test_every_nervemap_code_written_resolves_in_its_code_system(client: TestClient) -> None:
    from fhir.resources.R4B.codesystem import CodeSystem

    from nervemap.engine.assess import assess
    from nervemap.interop.to_bundle import assessment_to_bundle
    from tests.interop.helpers import example_case

    written: set[tuple[str, str]] = set()
    for name in ("l5-left-disc", "cauda-equina", "fibular-neuropathy"):
        bundle = assessment_to_bundle(assess(example_case(name))).model_dump(mode="json", exclude_none=True)
        written |= set(_nervemap_codings(bundle))
    written |= set(_nervemap_codings(client.get("/v1/fhir/Questionnaire/nervemap-all").json()))
    order = client.post(
        "/cds-services/nervemap-lumbar-imaging-select", json=golden("cds-order-select-sciatica.json")
    )
    written |= set(_nervemap_codings(order.json()))
    systems = {system for system, _ in written}
    assert len(systems) >= 8
    for system in systems:
        response = client.get("/v1/fhir/CodeSystem/" + system.rsplit("/", 1)[1])
        assert response.status_code == 200, system
        resource = response.json()
        CodeSystem.model_validate(resource)
        assert resource["url"] == system and resource["content"] == "complete"
        known = {concept["code"] for concept in resource["concept"]}
        missing = sorted(code for s, code in written if s == system and code not in known)
        assert not missing, (system, missing)
    assert client.get("/v1/fhir/CodeSystem/nope").status_code == 404
