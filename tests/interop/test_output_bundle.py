from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from nervemap.engine.assess import assess
from nervemap.interop import terminology as t
from nervemap.interop.cli import assessment_to_fhir_json
from nervemap.interop.to_bundle import assessment_to_bundle
from tests.interop.helpers import example_case


def resources(name: str) -> list[dict[str, Any]]:
    bundle = assessment_to_bundle(assess(example_case(name)), notes=["imported from a test"])
    document = bundle.model_dump(mode="json", exclude_none=True)
    assert document["type"] == "collection"
    return [entry["resource"] for entry in document["entry"]]


@pytest.mark.parametrize("name", ["l5-left-disc", "cauda-equina", "fibular-neuropathy"])
def test_every_resource_validates_with_its_r4b_model(name: str) -> None:
    for resource in resources(name):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def of_type(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in items if r["resourceType"] == kind]


def test_l5_bundle_carries_codes_probabilities_and_sources() -> None:
    items = resources("l5-left-disc")
    (impression,) = of_type(items, "ClinicalImpression")
    assert impression["status"] == "completed"
    assert "https://www.nice.org.uk/guidance/ng59" in impression["protocol"]
    assert any("Decision support, not a diagnosis" in n["text"] for n in impression["note"])
    assert any(n["text"] == "imported from a test" for n in impression["note"])
    slr = next(
        f for f in impression["finding"] if f["itemCodeableConcept"]["coding"][0]["code"] == "slr_positive"
    )
    assert slr["basis"].startswith("present (reported)")
    conditions = of_type(items, "Condition")
    first = conditions[0]
    assert first["verificationStatus"]["coding"][0]["code"] == "provisional"
    systems = {c["system"] for c in first["code"]["coding"]}
    assert {t.ICD10CM, t.SNOMED} <= systems
    assert {"system": t.SNOMED, "code": "7771000", "display": "Left"} in first["bodySite"][0]["coding"]
    assert all(c["verificationStatus"]["coding"][0]["code"] == "differential" for c in conditions[1:])
    (risk,) = of_type(items, "RiskAssessment")
    probabilities = [p["probabilityDecimal"] for p in risk["prediction"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < probabilities[0] <= 1
    codes = {o["code"]["coding"][0]["code"]: o for o in of_type(items, "Observation")}
    assert set(codes) == {"triage-level", "severity-grade", "p-spinal"}
    assert codes["triage-level"]["valueCodeableConcept"]["coding"][0]["code"] == "routine"


def test_ces_bundle_records_red_flags_and_the_ces_pathway() -> None:
    items = resources("cauda-equina")
    (impression,) = of_type(items, "ClinicalImpression")
    assert any("gettingitrightfirsttime" in url for url in impression["protocol"])
    triage = next(
        o for o in of_type(items, "Observation") if o["code"]["coding"][0]["code"] == "triage-level"
    )
    assert triage["valueCodeableConcept"]["coding"][0]["code"] == "emergency"
    assert {c["code"]["coding"][0]["code"] for c in triage["component"]} >= {"ces_retention"}
    assert of_type(items, "Condition")[0]["code"]["coding"][0] == {"system": t.ICD10CM, "code": "G83.4"}


def test_cli_json_helper_is_a_bundle() -> None:
    text = assessment_to_fhir_json(assess(example_case("l5-left-disc")))
    assert '"resourceType": "Bundle"' in text
