from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.interop import terminology as t
from nervemap.interop.cli import assessment_to_fhir_json
from nervemap.interop.to_bundle import assessment_to_bundle, icd10_for, icd10_side
from tests.interop.helpers import example_case


def resources(name: str) -> list[dict[str, Any]]:
    return resources_for(example_case(name))


def resources_for(case: Case) -> list[dict[str, Any]]:
    bundle = assessment_to_bundle(assess(case), notes=["imported from a test"])
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
    [site] = first["bodySite"]
    assert [c["system"] for c in site["coding"]] == [t.SITE]  # the side is not a second coding...
    [side] = site["extension"]  # ...but its own element
    assert side["url"] == t.LATERALITY_EXTENSION
    assert side["valueCodeableConcept"]["coding"] == [
        {"system": t.SNOMED, "code": "7771000", "display": "Left"}
    ]
    assert all(c["verificationStatus"]["coding"][0]["code"] == "differential" for c in conditions[1:])
    (risk,) = of_type(items, "RiskAssessment")
    probabilities = [p["probabilityDecimal"] for p in risk["prediction"]]
    assert "from 0 (excluded) to 1 (certain), not a percentage" in risk["method"]["text"]
    assert risk["note"][0]["text"].startswith("Probability scale: ")
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


GOLDEN_CASES = [
    json.loads(line)["case"]
    for line in (Path(__file__).parents[1] / "golden" / "cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _side(condition: dict[str, Any]) -> str | None:
    """The side stated for a Condition in its own element (the bodySite laterality extension)."""
    sides = [
        ext["valueCodeableConcept"]["coding"][0]["code"]
        for site in condition.get("bodySite", [])
        for ext in site.get("extension", [])
        if ext["url"] == t.LATERALITY_EXTENSION
    ]
    return t.SIDE_BY_CODE[sides[0]] if sides else None


def _codes(concept: dict[str, Any], system: str) -> list[str]:
    return [c["code"] for c in concept["coding"] if c["system"] == system]


def test_one_icd10cm_coding_per_concept_of_the_side_stated() -> None:
    lateral = 0
    for data in GOLDEN_CASES:
        items = resources_for(Case.model_validate(data))
        by_condition: dict[str, list[str]] = {}
        for condition in of_type(items, "Condition"):
            icd = _codes(condition["code"], t.ICD10CM)
            assert len(icd) <= 1, (data["id"], icd)
            named = icd10_side(icd[0]) if icd else None
            assert named is None or named == _side(condition), (data["id"], icd)  # never another side
            lateral += named is not None
            by_condition[_codes(condition["code"], t.CONDITION)[0]] = icd
        for risk in of_type(items, "RiskAssessment"):
            for prediction in risk["prediction"]:
                icd = _codes(prediction["outcome"], t.ICD10CM)
                assert len(icd) <= 1, (data["id"], icd)
                condition_id = _codes(prediction["outcome"], t.CONDITION)[0]
                assert by_condition.get(condition_id, icd) == icd  # the same code as its Condition
    assert lateral > 0  # some golden cases are localised to a side and coded for it


@pytest.mark.parametrize(
    ("codes", "side", "chosen"),
    [
        (["G57.31", "G57.32", "G57.30"], "left", "G57.32"),
        (["G57.31", "G57.32", "G57.30"], None, "G57.30"),
        (["I82.401", "I82.402", "I82.403", "I82.409"], "bilateral", "I82.403"),
        (["M51.16", "M51.17"], "left", "M51.16"),  # no laterality: the first code only
        (["M87.051", "M87.052"], None, None),  # only sided codes and no side: no code, not a guess
        (["T79.A21A", "T79.A22A"], "bilateral", None),
    ],
)
def test_icd10cm_code_for_a_side(codes: list[str], side: str | None, chosen: str | None) -> None:
    assert icd10_for(codes, side) == chosen


def test_every_resource_has_a_generated_narrative_escaped() -> None:
    items = resources("cauda-equina")
    for resource in items:
        div = resource["text"]["div"]
        assert resource["text"]["status"] == "generated"
        assert div.startswith('<div xmlns="http://www.w3.org/1999/xhtml"><p>') and div.endswith("</p></div>")
    (risk,) = of_type(items, "RiskAssessment")
    assert "Cauda equina syndrome: " in risk["text"]["div"]
    (impression,) = of_type(items, "ClinicalImpression")
    assert "Triage: emergency" in impression["text"]["div"]
    from nervemap.interop.to_bundle import narrative

    hostile = narrative({"resourceType": "ClinicalImpression", "summary": "<script>x</script> & more"})
    assert "<script>" not in hostile["div"] and "&lt;script&gt;" in hostile["div"]
