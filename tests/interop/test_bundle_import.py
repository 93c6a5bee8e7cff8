from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.interop.errors import InteropError
from nervemap.interop.from_bundle import case_from_bundle
from tests.interop.helpers import golden


def test_golden_observations_become_a_case() -> None:
    imported = case_from_bundle(golden("observations-ces.json"))
    case = imported.case
    statuses = {(f.id, f.status.value, f.side) for f in case.findings}
    assert {
        ("urinary_retention", "present", None),
        ("saddle_numbness", "present", None),
        ("bilateral_sciatica", "present", None),
        ("back_pain", "present", None),
        ("fever", "absent", None),
        ("diabetes", "present", None),
    } <= statuses
    assert (case.age, case.sex, case.duration_days) == (38, "female", 2)
    assert imported.subject == {"reference": "Patient/pat-ces"}
    # the heart rate (LOINC 8867-4) is a measurement read through the reference ranges
    assert [m.model_dump() for m in case.measurements] == [
        {"quantity": "heart_rate", "value": 88.0, "unit": "/min"}
    ]
    assert ("heart_rate_above_100", "absent", None) in statuses
    assert assess(case).triage.level == "emergency"


def observation(code: dict[str, Any], **value: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final", "code": {"coding": [code]}, **value}


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def test_laterality_and_exam_items_from_observations() -> None:
    left = {"coding": [{"system": "http://snomed.info/sct", "code": "7771000"}]}
    imported = case_from_bundle(
        bundle(
            observation(
                {"system": "https://nervemap.org/fhir/CodeSystem/finding", "code": "slr_positive"},
                bodySite=left,
            ),
            observation(
                {"system": "https://nervemap.org/fhir/CodeSystem/item", "code": "reflex.achilles"},
                valueInteger=1,
                bodySite=left,
            ),
        ),
        as_of=date(2026, 1, 1),
    )
    assert imported.case.findings[0].side == "left"
    assert imported.case.reflexes[0].model_dump() == {"reflex": "achilles", "side": "left", "grade": 1}


def test_unknown_codes_only_is_an_error_naming_them() -> None:
    payload = bundle(observation({"system": "http://loinc.org", "code": "2093-3"}, valueInteger=80))
    with pytest.raises(InteropError) as caught:
        case_from_bundle(payload)
    assert "http://loinc.org|2093-3" in str(caught.value)


def test_unknown_resource_type_in_an_entry_is_named() -> None:
    with pytest.raises(InteropError) as caught:
        case_from_bundle(bundle({"resourceType": "Spaceship", "id": "x"}))
    assert caught.value.status == 400
    assert "Bundle.entry[0].resource" in str(caught.value) and "Spaceship" in str(caught.value)


def test_not_a_bundle() -> None:
    with pytest.raises(InteropError, match="expected a Bundle resource, got Observation"):
        case_from_bundle(observation({"system": "http://loinc.org", "code": "8867-4"}))
