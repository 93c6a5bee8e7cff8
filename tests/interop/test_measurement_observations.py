"""FHIR Observations with a LOINC code of the reference ranges are measurements: the same ranges
as text and structured input turn them into findings."""

from __future__ import annotations

from typing import Any

from nervemap.interop.from_bundle import case_from_bundle

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def _observation(code: str, when: str = "2026-03-02T09:00:00Z", **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "effectiveDateTime": when,
        **value,
    }


def _import(*observations: dict[str, Any]) -> tuple[dict[str, str], list[Any], list[str]]:
    patient = {"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "1950-01-01"}
    resources = [patient, *observations]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    imported = case_from_bundle(bundle)
    findings = {f.id: f.status.value for f in imported.case.findings}
    return findings, list(imported.case.measurements), imported.warnings


def test_values_with_ucum_units_become_findings() -> None:
    findings, measured, warnings = _import(
        _observation("718-7", valueQuantity={"value": 8.9, "unit": "g/dL", "system": UCUM, "code": "g/dL"}),
        _observation("8480-6", valueQuantity={"value": 84, "system": UCUM, "code": "mm[Hg]"}),
        _observation("8310-5", valueQuantity={"value": 101.3, "system": UCUM, "code": "[degF]"}),
        _observation("6301-6", valueQuantity={"value": 3.9, "system": UCUM, "code": "{INR}"}),
        _observation("2157-6", valueQuantity={"value": 25000, "system": UCUM, "code": "U/L"}),
    )
    assert warnings == []
    assert {m.quantity for m in measured} == {
        "haemoglobin",
        "systolic_bp",
        "temperature",
        "inr",
        "creatine_kinase",
    }
    assert findings == {
        "haemoglobin_low": "present",
        "systolic_bp_below_90": "present",
        "temperature_38_or_more": "present",
        "fever": "present",
        "inr_above_range": "present",
        "creatine_kinase_raised": "present",
    }


def test_the_most_recent_value_of_a_quantity_is_used() -> None:
    findings, measured, _ = _import(
        _observation("718-7", "2026-01-01T09:00:00Z", valueQuantity={"value": 14.0, "code": "g/dL"}),
        _observation("718-7", "2026-03-01T09:00:00Z", valueQuantity={"value": 8.0, "code": "g/dL"}),
    )
    assert [(m.value, m.unit) for m in measured] == [(8.0, "g/dL")]
    assert findings == {"haemoglobin_low": "present"}


def test_interpretation_without_a_value_says_high_low_or_normal() -> None:
    def flag(code: str) -> dict[str, Any]:
        return {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": code}
            ]
        }

    findings, measured, _ = _import(
        _observation("718-7", interpretation=[flag("L")]),  # low haemoglobin: anaemia
        _observation("17861-6", interpretation=[flag("H")]),  # high calcium
        _observation("2823-3", interpretation=[flag("N")]),  # normal potassium
    )
    assert measured == []
    assert findings == {
        "haemoglobin_low": "present",
        "calcium_raised": "present",
        "potassium_raised": "absent",
    }


def test_impossible_value_or_unknown_unit_is_a_warning_not_a_finding() -> None:
    findings, measured, warnings = _import(
        _observation("718-7", valueQuantity={"value": 8.9, "code": "mg"}),
        _observation("8867-4", valueQuantity={"value": 900, "code": "/min"}),
        _observation("8480-6", valueQuantity={"value": 120, "code": "mm[Hg]"}),
    )
    assert [m.quantity for m in measured] == ["systolic_bp"]
    assert any("unknown unit 'mg' for haemoglobin" in w for w in warnings)
    assert any("not a possible heart rate" in w for w in warnings)
    assert "haemoglobin_low" not in findings and "heart_rate_above_100" not in findings


def test_a_coded_result_without_a_value_is_read_as_the_finding() -> None:
    positive = {"coding": [{"system": "http://snomed.info/sct", "code": "10828004"}]}  # positive
    findings, measured, _ = _import(_observation("48065-7", valueCodeableConcept=positive))
    assert measured == []
    assert findings == {"d_dimer_raised": "present"}
