"""Structured measurements in a case: checked, turned into findings by the reference ranges (the
same function the text reader uses), and assessed exactly as the findings they stand for."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from nervemap.engine.assess import assess
from nervemap.engine.case import Case


def _findings(case: Case) -> dict[str, str]:
    return {f.id: f.status.value for f in case.findings}


def test_measurements_become_findings() -> None:
    case = Case.model_validate(
        {
            "age": 68,
            "sex": "male",
            "measurements": [
                {"quantity": "haemoglobin", "value": 8.9, "unit": "g/dL"},
                {"quantity": "calcium", "value": 12.4, "unit": "mg/dL"},
                {"quantity": "systolic_bp", "value": 84},
                {"quantity": "heart_rate", "value": 76, "unit": "bpm"},
                {"quantity": "temperature", "value": 98.6, "unit": "°F"},
            ],
        }
    )
    assert _findings(case) == {
        "haemoglobin_low": "present",
        "calcium_raised": "present",
        "systolic_bp_below_90": "present",
        "heart_rate_above_100": "absent",
        "temperature_38_or_more": "absent",
        "fever": "absent",
    }


def test_a_stated_finding_is_kept_unless_a_value_shows_it_present() -> None:
    stated = [{"id": "fever", "status": "present"}, {"id": "esr_crp_raised", "status": "absent"}]
    measured = [
        {"quantity": "temperature", "value": 37.0},  # fever reported by the patient stays present
        {"quantity": "crp", "value": 150},  # a raised value beats a stated absent: never hidden
    ]
    case = Case.model_validate({"findings": stated, "measurements": measured})
    assert _findings(case)["fever"] == "present"
    assert _findings(case)["esr_crp_raised"] == "present"
    assert _findings(case)["temperature_38_or_more"] == "absent"


def test_round_trip_is_stable() -> None:
    case = Case.model_validate({"measurements": [{"quantity": "inr", "value": 3.9}]})
    again = Case.model_validate(case.model_dump(mode="json"))
    assert again == case
    assert _findings(again) == {"inr_above_range": "present"}


@pytest.mark.parametrize(
    ("measurement", "field", "words"),
    [
        ({"quantity": "hb", "value": 8.9}, "quantity", "unknown quantity 'hb'"),
        (
            {"quantity": "haemoglobin", "value": 8.9, "unit": "mg"},
            "unit",
            "unknown unit 'mg' for haemoglobin",
        ),
        ({"quantity": "haemoglobin", "value": 8.9}, "value", "8.9 g/L is not a possible haemoglobin"),
        ({"quantity": "heart_rate", "value": -5}, "value", "-5 /min is not a possible heart rate"),
        ({"quantity": "heart_rate", "value": "90"}, "value", "Input should be a valid number"),
        ({"quantity": "heart_rate", "value": True}, "value", "Input should be a valid number"),
        (
            {"quantity": "heart_rate", "value": 90, "colour": "red"},
            "colour",
            "Extra inputs are not permitted",
        ),
    ],
)
def test_bad_measurements_are_errors_naming_the_field(
    measurement: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Case.model_validate({"measurements": [{"quantity": "crp", "value": 3}, measurement]})
    (error,) = caught.value.errors()
    assert error["loc"] == ("measurements", 1, field)
    assert words in error["msg"]


def test_assessed_the_same_as_the_findings_they_stand_for() -> None:
    base: dict[str, Any] = {
        "age": 72,
        "sex": "male",
        "findings": [{"id": "back_pain", "status": "present"}],
    }
    measured = Case.model_validate(
        {
            **base,
            "measurements": [
                {"quantity": "systolic_bp", "value": 82},
                {"quantity": "haemoglobin", "value": 95},
            ],
        }
    )
    stated = Case.model_validate(
        {
            **base,
            "findings": [
                *base["findings"],
                {"id": "systolic_bp_below_90", "status": "present"},
                {"id": "haemoglobin_low", "status": "present"},
            ],
        }
    )
    a, b = assess(measured), assess(stated)
    assert a.triage == b.triage
    assert a.differential == b.differential
