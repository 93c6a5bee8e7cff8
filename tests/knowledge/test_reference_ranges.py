"""The reference ranges: strict data, correct conversions, every threshold cited, and the one
function that turns measured values into findings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import EXPERT_ESTIMATE, Quantity
from nervemap.knowledge.ranges import (
    MeasurementError,
    default_ranges,
    measurement_findings,
    read_value,
)

RANGES = default_ranges()
REQUIRED = {
    "systolic_bp", "diastolic_bp", "heart_rate", "temperature", "oxygen_saturation", "respiratory_rate",
    "haemoglobin", "calcium", "crp", "esr", "white_cell_count", "inr", "creatine_kinase", "creatinine",
    "lactate", "glucose", "potassium", "sodium", "platelets", "d_dimer", "hba1c",
}  # fmt: skip


def _status(
    quantity: str, value: float, unit: str | None = None, age: float | None = 50, sex: str | None = None
) -> dict[str, str]:
    reading = read_value(quantity, value, unit)
    return {d.finding: d.status for d in measurement_findings([reading], age, sex)}


def test_every_required_quantity_is_there_with_loinc_codes() -> None:
    assert set(RANGES) >= REQUIRED
    assert all(q.loinc for q in RANGES.values())


def test_every_threshold_cites_a_source_or_gives_a_reason() -> None:
    sources = {s.id for s in default_knowledge().knowledge.sources}
    for quantity in RANGES.values():
        for threshold in quantity.thresholds:
            limit = threshold.limit
            assert limit.source in sources or (limit.source == EXPERT_ESTIMATE and limit.reason), quantity.id


@pytest.mark.parametrize(
    ("quantity", "value", "unit", "canonical"),
    [
        ("haemoglobin", 8.9, "g/dL", 89.0),
        ("glucose", 200, "mg/dL", 11.1),  # 180.16 g/mol
        ("glucose", 420, "mg/dl", 23.31),
        ("calcium", 10.4, "mg/dL", 2.59),  # 40.08 g/mol
        ("creatinine", 1.0, "mg/dL", 88.42),  # 113.12 g/mol
        ("temperature", 100.4, "°F", 38.0),
        ("temperature", 98.6, "[degF]", 37.0),
        ("white_cell_count", 18000, "/mm3", 18.0),
        ("white_cell_count", 18, "10*9/L", 18.0),
        ("hba1c", 6.5, "%", 47.54),
        ("d_dimer", 0.5, "mg/L FEU", 500.0),
        ("lactate", 18, "mg/dL", 2.0),
    ],
)
def test_unit_conversions(quantity: str, value: float, unit: str, canonical: float) -> None:
    assert read_value(quantity, value, unit).canonical == pytest.approx(canonical, abs=0.01)


def test_thresholds_map_values_to_findings() -> None:
    assert _status("systolic_bp", 90)["systolic_bp_below_90"] == "present"  # NICE NG51: <= 90
    assert _status("systolic_bp", 91)["systolic_bp_below_90"] == "absent"
    assert _status("temperature", 38.0)["fever"] == "present"
    assert _status("temperature", 37.9)["fever"] == "absent"
    assert _status("hba1c", 6.5, "%") == {"hba1c_raised": "present"}
    assert _status("hba1c", 47, "mmol/mol") == {"hba1c_raised": "absent"}
    assert _status("crp", 120) == {"esr_crp_raised": "present"}


def test_sex_and_age_specific_limits() -> None:
    assert _status("haemoglobin", 125, sex="male") == {"haemoglobin_low": "present"}
    assert _status("haemoglobin", 125, sex="female") == {"haemoglobin_low": "absent"}
    assert _status("haemoglobin", 125, sex=None) == {}  # the limits disagree: nothing is said
    assert _status("haemoglobin", 110, sex=None) == {"haemoglobin_low": "present"}
    assert _status("haemoglobin", 110, age=10, sex="female") == {}  # adult limits only
    assert _status("esr", 18, age=40, sex="male") == {"esr_crp_raised": "present"}
    assert _status("esr", 18, age=70, sex="male") == {"esr_crp_raised": "absent"}
    assert _status("creatine_kinase", 250, sex="female") == {"creatine_kinase_raised": "present"}
    assert _status("creatine_kinase", 250, sex="male") == {"creatine_kinase_raised": "absent"}


def test_measured_vital_signs_give_their_own_findings_not_the_combined_compromise() -> None:
    """A measured pulse or pressure gives heart_rate_above_100 / systolic_bp_below_90; the combined
    tachycardia_or_hypotension is the clinician's answer or shock in words, which a measured normal
    pressure must not deny (lead s11, reviewer R)."""

    def findings(*readings: tuple[str, float]) -> dict[str, str]:
        values = [read_value(q, v, None) for q, v in readings]
        return {d.finding: d.status for d in measurement_findings(values, 50, None)}

    assert findings(("heart_rate", 120))["heart_rate_above_100"] == "present"
    assert findings(("heart_rate", 80), ("systolic_bp", 120)) == {
        "heart_rate_above_100": "absent",
        "systolic_bp_below_90": "absent",
    }
    assert findings(("heart_rate", 80), ("systolic_bp", 85))["systolic_bp_below_90"] == "present"
    assert "tachycardia_or_hypotension" not in findings(("heart_rate", 130), ("systolic_bp", 85))
    assert findings(("heart_rate", 80), ("heart_rate", 130))["heart_rate_above_100"] == "present"


@pytest.mark.parametrize(
    ("quantity", "value", "unit", "field", "words"),
    [
        ("hb", 8.9, "g/dL", "quantity", "unknown quantity 'hb'"),
        ("haemoglobin", 8.9, "mg", "unit", "unknown unit 'mg' for haemoglobin"),
        ("haemoglobin", 8.9, None, "value", "not a possible haemoglobin"),
        ("temperature", 60, "°C", "value", "not a possible body temperature"),
        ("heart_rate", float("nan"), None, "value", "not a finite number"),
    ],
)
def test_bad_values_name_the_field(
    quantity: str, value: float, unit: str | None, field: str, words: str
) -> None:
    with pytest.raises(MeasurementError) as caught:
        read_value(quantity, value, unit, field="measurements[0]")
    assert caught.value.field == f"measurements[0].{field}"
    assert words in str(caught.value)


def test_the_model_is_strict() -> None:
    good = RANGES["potassium"].model_dump()
    with pytest.raises(ValidationError, match="exactly one of"):
        Quantity.model_validate({**good, "thresholds": [{"finding": "potassium_raised"}]})
    with pytest.raises(ValidationError, match="canonical unit"):
        Quantity.model_validate({**good, "unit": "mg/dL"})
    units = [{"unit": "mmol/L"}, {"unit": "mg/dL", "factor": 0.256}]
    with pytest.raises(ValidationError, match="needs a 'basis'"):
        Quantity.model_validate({**good, "units": units})
    with pytest.raises(ValidationError, match="Extra inputs"):
        Quantity.model_validate({**good, "colour": "red"})
