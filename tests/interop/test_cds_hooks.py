from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.servicerequest import ServiceRequest

from tests.interop.helpers import golden

PATIENT_VIEW = "/cds-services/nervemap-leg-pain"
ORDER_SELECT = "/cds-services/nervemap-lumbar-imaging-select"
ORDER_SIGN = "/cds-services/nervemap-lumbar-imaging-sign"


def cards(client: TestClient, path: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(path, json=payload)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["cards"]
    for card in found:
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"] and card["source"]["url"].startswith("https://")
    return found


def test_discovery_lists_services_with_prefetch(client: TestClient) -> None:
    services = {s["id"]: s for s in client.get("/cds-services").json()["services"]}
    assert {s["hook"] for s in services.values()} == {"patient-view", "order-select", "order-sign"}
    for service in services.values():
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
        assert service["prefetch"]["observations"].startswith("Observation?patient={{context.patientId}}")
        assert service["prefetch"]["conditions"].startswith("Condition?patient={{context.patientId}}")


def test_patient_view_ces_is_critical_with_girft_and_mri_suggestion(client: TestClient) -> None:
    (card,) = cards(client, PATIENT_VIEW, golden("cds-patient-view-ces.json"))
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("EMERGENCY: Cauda equina")
    assert "gettingitrightfirsttime" in card["source"]["url"]
    assert "Cauda equina syndrome" in card["detail"] and "G83.4" in card["detail"]
    (suggestion,) = card["suggestions"]
    assert card["selectionBehavior"] == "at-most-one"
    action = suggestion["actions"][0]
    ServiceRequest.model_validate(action["resource"])
    order = action["resource"]
    assert (order["priority"], order["code"]["coding"][0]["code"]) == ("stat", "24968-0")
    assert order["subject"]["reference"] == "Patient/pat-ces"


def test_order_select_routine_lumbar_mri_warns_with_nice_ng59(client: TestClient) -> None:
    (card,) = cards(client, ORDER_SELECT, golden("cds-order-select-sciatica.json"))
    assert card["indicator"] == "warning"
    assert "NICE NG59" in card["summary"]
    assert card["source"]["url"] == "https://www.nice.org.uk/guidance/ng59"
    assert "Lumbar disc herniation" in card["detail"]
    (action,) = card["suggestions"][0]["actions"]
    assert action == {
        "type": "delete",
        "description": "Remove MR Lumbar spine",
        "resourceId": "ServiceRequest/mri-lumbar-1",
    }


def test_order_select_without_imaging_gives_no_card(client: TestClient) -> None:
    payload = golden("cds-order-select-sciatica.json")
    payload["context"]["selections"] = ["ServiceRequest/fbc-1"]
    assert cards(client, ORDER_SELECT, payload) == []


def test_order_sign_with_red_flags_does_not_discourage_imaging(client: TestClient) -> None:
    payload = copy.deepcopy(golden("cds-patient-view-ces.json"))
    orders = golden("cds-order-select-sciatica.json")["context"]["draftOrders"]
    orders["entry"][0]["resource"]["subject"] = {"reference": "Patient/pat-ces"}
    payload.update(hook="order-sign")
    payload["context"]["draftOrders"] = orders
    (card,) = cards(client, ORDER_SIGN, payload)
    assert card["indicator"] == "critical"
    assert "suggestions" not in card, "an MRI is already being ordered"


def test_patient_without_known_codes_gets_no_card(client: TestClient) -> None:
    payload = golden("cds-patient-view-ces.json")
    for entry in payload["prefetch"]["observations"]["entry"]:
        entry["resource"]["code"] = {"coding": [{"system": "http://loinc.org", "code": "2093-3"}]}
    payload["prefetch"]["conditions"]["entry"] = []
    assert cards(client, PATIENT_VIEW, payload) == []


@pytest.mark.parametrize(
    ("remove", "named"),
    [
        (("context",), "context"),
        (("context", "patientId"), "context.patientId"),
    ],
)
def test_missing_context_is_400_naming_it(client: TestClient, remove: tuple[str, ...], named: str) -> None:
    payload = golden("cds-patient-view-ces.json")
    holder = payload
    for key in remove[:-1]:
        holder = holder[key]
    del holder[remove[-1]]
    response = client.post(PATIENT_VIEW, json=payload)
    assert response.status_code == 400
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert named in [issue["expression"][0] for issue in body["issue"]]


def test_order_select_without_draft_orders_is_400(client: TestClient) -> None:
    payload = golden("cds-order-select-sciatica.json")
    del payload["context"]["draftOrders"]
    response = client.post(ORDER_SELECT, json=payload)
    assert response.status_code == 400
    assert "context.draftOrders" in response.text


def test_wrong_resource_type_in_prefetch_is_named(client: TestClient) -> None:
    payload = golden("cds-patient-view-ces.json")
    payload["prefetch"]["patient"] = payload["prefetch"]["observations"]["entry"][0]["resource"]
    response = client.post(PATIENT_VIEW, json=payload)
    assert response.status_code == 400
    (issue,) = response.json()["issue"]
    assert issue["expression"] == ["prefetch.patient"]
    assert "expected a Patient resource, got Observation/obs-retention" in issue["diagnostics"]


def test_condition_in_the_observation_prefetch_is_named(client: TestClient) -> None:
    payload = golden("cds-patient-view-ces.json")
    condition = payload["prefetch"]["conditions"]["entry"][0]
    payload["prefetch"]["observations"]["entry"].append(condition)
    response = client.post(PATIENT_VIEW, json=payload)
    assert response.status_code == 400
    assert "expected Observation, got Condition/cond-diabetes" in response.text


def test_hook_sent_to_the_wrong_service_and_unknown_service(client: TestClient) -> None:
    response = client.post(ORDER_SELECT, json=golden("cds-patient-view-ces.json"))
    assert response.status_code == 400 and "answers 'order-select'" in response.text
    assert client.post("/cds-services/nope", json={}).status_code == 404


def test_the_card_names_the_close_alternative_and_imaging_discordance() -> None:
    from nervemap.engine.assess import assess
    from nervemap.interop.cds_cards import evidence_markdown
    from tests.engine.cases import S1_WITH_L3_L4_DISC

    case = S1_WITH_L3_L4_DISC
    markdown = evidence_markdown(assess(case))
    assert "**Imaging discordant:**" in markdown
    assert "**Localisation:** S1 root, right" in markdown


def test_a_draft_order_without_an_id_gets_the_warning_but_no_delete_action(client: TestClient) -> None:
    payload = golden("cds-order-select-sciatica.json")
    for entry in payload["context"]["draftOrders"]["entry"]:
        entry["fullUrl"] = f"urn:uuid:{entry['resource'].pop('id', 'x')}-0000"
    payload["context"]["selections"] = [e["fullUrl"] for e in payload["context"]["draftOrders"]["entry"]]
    (card,) = cards(client, ORDER_SELECT, payload)
    assert card["indicator"] == "warning" and "NICE NG59" in card["summary"]
    assert "suggestions" not in card and "selectionBehavior" not in card
    assert "urn:uuid" not in json.dumps(card)
