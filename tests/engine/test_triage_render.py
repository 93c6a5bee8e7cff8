"""The clinician text view shows the suspected condition first and the out-of-model warning."""

from __future__ import annotations

from rich.console import Console

from nervemap.engine.assess import assess
from nervemap.render import render_text


def _text(case: dict[str, object]) -> str:
    console = Console(record=True, width=160)
    render_text(assess(case), console)
    return console.export_text()


def test_the_suspected_condition_comes_before_the_triage_line() -> None:
    text = _text(
        {"age": 84, "findings": [{"id": "fall_from_standing"}, {"id": "shortened_externally_rotated_leg"}]}
    )
    assert "Suspected:" in text
    assert text.index("Suspected:") < text.index("TRIAGE: EMERGENCY")
    assert "hip_fracture_deformity" in text.split("TRIAGE")[0]


def test_an_out_of_model_case_is_flagged_in_the_text_view() -> None:
    case = {
        "age": 50,
        "findings": [
            {"id": "calf_swelling_asymmetry", "side": "left"},
            {"id": "deep_vein_tenderness", "side": "left"},
            {"id": "stocking_sensory_loss"},
            {"id": "vibration_loss_feet"},
            {"id": "hot_swollen_joint"},
        ],
    }
    assert "Out of model:" in _text(case)


def test_a_fitting_case_has_no_out_of_model_line() -> None:
    case = {
        "age": 40,
        "findings": [{"id": "radiating_leg_pain", "side": "left"}, {"id": "slr_positive", "side": "left"}],
    }
    assert "Out of model" not in _text(case)
