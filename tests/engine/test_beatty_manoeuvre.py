"""Beatty's manoeuvre: piriformis (deep gluteal) syndrome against disc herniation and hip disease.

Lifting the flexed knee of the painful leg while lying on the other side gives deep buttock pain in
piriformis syndrome and did not in 100 operated disc herniations or 27 hip patients (Beatty 1994).
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

BUTTOCK_AND_LEG: dict[str, Any] = {
    "age": 35,
    "sex": "male",
    "duration_days": 120,
    "pain_map_complete": False,
    "pain_map": [{"region": "buttock", "side": "right"}, {"region": "thigh_posterior", "side": "right"}],
    "findings": [
        {"id": "fair_test_positive", "side": "right"},
        {"id": "beatty_test_positive", "side": "right"},
        {"id": "imaging_disc_herniation", "status": "absent"},
    ],
}


def _p(case: dict[str, Any], condition: str) -> float:
    return next(d.probability for d in assess(case).differential if d.id == condition)


def test_a_positive_beatty_manoeuvre_raises_piriformis_syndrome_and_lowers_disc_herniation() -> None:
    without = BUTTOCK_AND_LEG | {
        "findings": [f for f in BUTTOCK_AND_LEG["findings"] if f["id"] != "beatty_test_positive"]
    }
    assert _p(BUTTOCK_AND_LEG, "piriformis_deep_gluteal_syndrome") > _p(
        without, "piriformis_deep_gluteal_syndrome"
    )
    assert _p(BUTTOCK_AND_LEG, "lumbar_disc_herniation") < _p(without, "lumbar_disc_herniation")


def test_buttock_pain_with_positive_fair_and_beatty_names_the_sciatic_nerve() -> None:
    top = assess(BUTTOCK_AND_LEG).localization[0]
    assert (top.site_id, top.side) == ("nerve:sciatic", "right")


def test_the_reader_finds_beatty_in_a_list_of_named_manoeuvres() -> None:
    case = extract("Freiberg, Pace and Beatty manoeuvres are all positive on the right.").case
    found = {(f.id, str(f.status.value), f.side) for f in case.findings}
    assert ("beatty_test_positive", "present", "right") in found
