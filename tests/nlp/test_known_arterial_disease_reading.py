"""Known leg arterial disease or a previous leg revascularisation (issue 12): read as
known_peripheral_arterial_disease, no longer as coronary or cerebrovascular disease; claudication
alone stays a symptom and lower-case "pad" is not the abbreviation."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def findings(text: str) -> set[tuple[str, str]]:
    return {(f.id, f.status.value) for f in extract(text).case.findings}


KNOWN = "known_peripheral_arterial_disease"


@pytest.mark.parametrize(
    "text",
    [
        "Past medical history: peripheral vascular disease, hypertension.",
        "He has peripheral arterial disease and smokes.",
        "PMH: PAD, HTN, type 2 diabetes.",
        "Known PVD.",
        "He had a fem-pop bypass in 2015.",
        "She had a femoral bypass on the left three years ago.",
        "A 50-year-old man had an aorto-bifemoral bypass eight years ago.",
        "He has had a leg angioplasty.",
        "There is a stent in the leg artery from last year.",
        "History of arteriosclerosis obliterans.",
    ],
)
def test_known_leg_arterial_disease_is_read(text: str) -> None:
    got = findings(text)
    assert (KNOWN, "present") in got
    assert ("cardiovascular_disease", "present") not in got


def test_a_denied_history_is_absent() -> None:
    assert (KNOWN, "absent") in findings("No history of peripheral arterial disease.")


@pytest.mark.parametrize(
    "text",
    [
        "She uses a heating pad for the back pain.",
        "Neurogenic claudication with back pain on standing.",
        "His calves ache when he walks two blocks.",
    ],
)
def test_near_misses_are_not_known_arterial_disease(text: str) -> None:
    assert all(finding != KNOWN for finding, _ in findings(text))


def test_coronary_and_cerebrovascular_words_stay_cardiovascular_disease() -> None:
    got = findings("History of myocardial infarction, CABG and a stroke; known PAD.")
    assert ("cardiovascular_disease", "present") in got
    assert (KNOWN, "present") in got
