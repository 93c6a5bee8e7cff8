"""Vital signs and laboratory values read from text, converted, and mapped to findings."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract
from tests.nlp.reading import statuses


def _measured(text: str) -> dict[str, tuple[float, str | None]]:
    return {m.quantity: (m.value, m.unit) for m in extract(text).case.measurements}


# text, quantity, value as written, unit, finding, status
EXAMPLES = [
    ("Hb 8.9", "haemoglobin", 8.9, "g/dL", "haemoglobin_low", "present"),
    ("haemoglobin 89 g/L", "haemoglobin", 89, "g/L", "haemoglobin_low", "present"),
    ("K+ 6.1", "potassium", 6.1, "mmol/L", "potassium_raised", "present"),
    ("BP 82/50", "systolic_bp", 82, "mmHg", "systolic_bp_below_90", "present"),
    ("T 101.3F", "temperature", 101.3, "°F", "temperature_38_or_more", "present"),
    ("temperature 38.9 °C", "temperature", 38.9, "°C", "temperature_38_or_more", "present"),
    ("SpO2 88% on air", "oxygen_saturation", 88, "%", "oxygen_saturation_below_94", "present"),
    ("INR 3.9", "inr", 3.9, "ratio", "inr_above_range", "present"),
    ("CK 25,000", "creatine_kinase", 25000, "U/L", "creatine_kinase_raised", "present"),
    ("creatinine 2.1 mg/dL", "creatinine", 2.1, "mg/dL", "creatinine_raised", "present"),
    ("Ca 3.1 mmol/L", "calcium", 3.1, "mmol/L", "calcium_raised", "present"),
    ("calcium 12.4 mg/dL", "calcium", 12.4, "mg/dL", "calcium_raised", "present"),
    ("WBC 18,000/mm3", "white_cell_count", 18000, "/mm3", "white_cell_count_raised", "present"),
    ("WBC 18 x10^9/L", "white_cell_count", 18, "x10^9/L", "white_cell_count_raised", "present"),
    ("CRP 120 mg/L", "crp", 120, "mg/L", "esr_crp_raised", "present"),
    ("ESR 95", "esr", 95, "mm/h", "esr_crp_raised", "present"),
    ("pulse 120/min", "heart_rate", 120, "/min", "heart_rate_above_100", "present"),
    ("HR 130", "heart_rate", 130, "/min", "heart_rate_above_100", "present"),
    ("lactate 4.2", "lactate", 4.2, "mmol/L", "lactate_raised", "present"),
    ("glucose 420 mg/dL", "glucose", 420, "mg/dL", "glucose_raised", "present"),
    ("platelets 45,000", "platelets", 45000, "/mm3", "platelets_low", "present"),
    ("D-dimer 1200 ng/mL", "d_dimer", 1200, "µg/L FEU", "d_dimer_raised", "present"),
    ("HbA1c 7.2%", "hba1c", 7.2, "%", "hba1c_raised", "present"),
    # inside the range: the finding is absent
    ("Hb 14.2 g/dL in a man", "haemoglobin", 14.2, "g/dL", "haemoglobin_low", "absent"),
    ("K 4.1 mmol/L", "potassium", 4.1, "mmol/L", "potassium_raised", "absent"),
    ("SpO2 97%", "oxygen_saturation", 97, "%", "oxygen_saturation_below_94", "absent"),
    ("INR 1.0", "inr", 1.0, "ratio", "inr_above_range", "absent"),
    ("temperature 37.1 C", "temperature", 37.1, "°C", "temperature_38_or_more", "absent"),
    ("platelets 250", "platelets", 250, "x10^9/L", "platelets_low", "absent"),
]


@pytest.mark.parametrize(("text", "quantity", "value", "unit", "finding", "status"), EXAMPLES)
def test_value_is_read_with_its_unit_and_finding(
    text: str, quantity: str, value: float, unit: str, finding: str, status: str
) -> None:
    extraction = extract(text)
    measured = {m.quantity: (m.value, m.unit) for m in extraction.case.measurements}
    assert measured[quantity] == (pytest.approx(value), unit)
    assert statuses(text)[finding] == status
    # the extraction lists the value and the finding with the words they came from
    items = {
        (i.kind, i.value.split()[0] if i.kind == "measurement" else i.value): i for i in extraction.items
    }
    assert items[("measurement", quantity)].text in text
    assert items[("finding", finding)].status == status
    assert (
        text[items[("finding", finding)].start : items[("finding", finding)].end]
        == items[("finding", finding)].text
    )


def test_existing_findings_keep_working() -> None:
    assert statuses("T 38.5")["fever"] == "present"
    assert statuses("temperature 37.0 C")["fever"] == "absent"
    assert statuses("HR 110")["heart_rate_above_100"] == "present"
    assert statuses("BP 85/40")["systolic_bp_below_90"] == "present"
    # a measured pulse or pressure never sets the combined compromise finding, either way (lead s11): that is
    # the clinician's answer, shock in words or the skin signs of shock
    for note in ("HR 110", "BP 85/40", "HR 80", "HR 80, BP 130/80"):
        assert "tachycardia_or_hypotension" not in statuses(note)


def test_unit_conversions() -> None:
    (label,) = [i.value for i in extract("calcium 12.4 mg/dL").items if i.kind == "measurement"]
    assert label.startswith("calcium 3.09 mmol/L")
    (label,) = [i.value for i in extract("creatinine 2.1 mg/dL").items if i.kind == "measurement"]
    assert label.startswith("creatinine 185.68 µmol/L")
    (label,) = [i.value for i in extract("glucose 420 mg/dL").items if i.kind == "measurement"]
    assert label.startswith("glucose 23.31 mmol/L")
    (label,) = [i.value for i in extract("T 100.4 F").items if i.kind == "measurement"]
    assert label.startswith("temperature 38 °C")
    (label,) = [i.value for i in extract("Hb 8.9").items if i.kind == "measurement"]
    assert label.startswith("haemoglobin 89 g/L")


def test_negated_and_historical_values_are_ignored() -> None:
    assert statuses("no fever")["fever"] == "absent"
    assert statuses("afebrile")["fever"] == "absent"
    assert "creatine_kinase_raised" not in statuses("CK normal last year")
    assert statuses("CK normal")["creatine_kinase_raised"] == "absent"  # the same words, now
    assert "haemoglobin_low" not in statuses("Hb 8.9 two years ago")
    assert statuses("Hb 8.9 today, 13.5 last year")["haemoglobin_low"] == "present"
    assert "inr_above_range" not in statuses("INR pending")
    historical = [i for i in extract("CK 25,000 in 2019").items if i.kind == "measurement"]
    assert historical and historical[0].status == "not asserted" and historical[0].flags == ["historical"]


def test_results_in_words() -> None:
    assert statuses("raised calcium and low Hb") == {
        "calcium_raised": "present",
        "haemoglobin_low": "present",
    }
    assert statuses("Calcium not raised")["calcium_raised"] == "absent"


def test_sex_decides_haemoglobin_and_unknown_sex_leaves_it_open() -> None:
    assert statuses("A 50 year old woman. Hb 125 g/L")["haemoglobin_low"] == "absent"
    assert statuses("A 50 year old man. Hb 125 g/L")["haemoglobin_low"] == "present"
    assert "haemoglobin_low" not in statuses("Hb 125 g/L")
    assert statuses("Hb 100 g/L")["haemoglobin_low"] == "present"  # low for either sex


def test_words_that_are_not_values() -> None:
    assert _measured("45 F with back pain") == {}
    assert _measured("Ca prostate, ca 3 cm lesion") == {}
    assert "haemoglobin" not in _measured("HbA1c 7.2%")
    assert _measured("L5 and S1 weakness, T12 fracture") == {}
    assert _measured("Hb 0.9") == {}  # no unit fits a bare 0.9: not read


def test_numbers_that_are_not_results_of_now() -> None:
    # "without" after a value does not negate it: a low pressure stays low
    assert statuses("BP 90/50 mm Hg without postural changes")["systolic_bp_below_90"] == "present"
    assert _measured("Docusate sodium 100mg po QD") == {}  # a dose, not a sodium
    assert _measured("target INR 2.5") == {}
    assert "crp" not in _measured("CRP 5.2")  # mg/L or mg/dL? not read
    assert _measured("CRP 52") == {"crp": (52, "mg/L")}
    assert statuses("Hb 8.9 g/dL, down from previous 12")["haemoglobin_low"] == "present"
    assert statuses("Hb 8.9 g/dL down from baseline 13")["haemoglobin_low"] == "present"


def test_values_without_a_finding_are_still_read_and_listed() -> None:
    measured = _measured("BP 128/76, RR 18, Na 131 mmol/L")
    assert measured == {
        "systolic_bp": (128, "mmHg"),
        "diastolic_bp": (76, "mmHg"),
        "respiratory_rate": (18, "/min"),
        "sodium": (131, "mmol/L"),
    }
    assert statuses("RR 18, Na 131 mmol/L") == {}


def test_short_names_only_where_they_mean_the_quantity() -> None:
    assert _measured("P 74, BMI 32, pulse ox 97%") == {
        "heart_rate": (74, "/min"),
        "oxygen_saturation": (97, "%"),
    }
    assert _measured("CA 19-9 35 U/mL, T2 weighted MRI, HR 1.5 for relapse") == {}


def test_a_decimal_comma_is_not_misread() -> None:
    assert "calcium" not in _measured("calcium 2,65 mmol/L")  # not read as 2 mmol/L (normal)
    assert "crp" not in _measured("CRP 12,5")
    assert _measured("CK 25,000") == {"creatine_kinase": (25000, "U/L")}
    assert _measured("Temp 97.6. HR 130.") == {"temperature": (97.6, "°F"), "heart_rate": (130, "/min")}


def test_a_number_with_another_unit_is_something_else() -> None:
    assert _measured("urine leukocytes 25/hpf") == {}
    assert _measured("platelets 230,000 cells/µL") == {"platelets": (230000, "/mm3")}


def test_other_body_fluids_and_dipstick_grades_are_not_blood_values() -> None:
    assert statuses("CSF analysis revealed: protein 126, glucose 35, WBC 144") == {}
    assert statuses("Arthrocentesis yields cloudy fluid with a leukocyte count of 18,500/mm3") == {}
    assert _measured("Urinalysis shows Hb 3+, leukocytes 3+, WBC 5-10") == {}
    assert statuses("Urinalysis was clear; serum Hb 8.9 g/dL")["haemoglobin_low"] == "present"
    assert statuses("Bloods: Hb 8.9, WBC 14; urine clear")["white_cell_count_raised"] == "present"


def test_systolic_pressure_on_its_own() -> None:
    assert statuses("SBP 82")["systolic_bp_below_90"] == "present"
    assert _measured("systolic blood pressure of 150 mmHg, diastolic 95") == {
        "systolic_bp": (150, "mmHg"),
        "diastolic_bp": (95, "mmHg"),
    }


def test_a_normal_saturation_on_oxygen_is_not_called_normal() -> None:
    assert "oxygen_saturation_below_94" not in statuses("SpO2 95% on 4 L nasal cannula")
    assert statuses("SpO2 89% on 2 L")["oxygen_saturation_below_94"] == "present"
    assert statuses("SpO2 97% on room air")["oxygen_saturation_below_94"] == "absent"


def test_values_after_clinical_words() -> None:
    assert statuses("tachycardic to 130, hypotensive at 85/50")["systolic_bp_below_90"] == "present"
    assert _measured("tachycardic to 130")["heart_rate"] == (130, "/min")
    assert statuses("spiked to 39.2 overnight")["fever"] == "present"
    assert statuses("desaturating to 86%")["oxygen_saturation_below_94"] == "present"
    assert "temperature" not in _measured("temperature 37.5 to 38.6")  # a range: not its lower end
