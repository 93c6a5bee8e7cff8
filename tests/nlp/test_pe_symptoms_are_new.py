"""Reading: breathlessness or chest pain is a pulmonary embolism symptom only when marked new."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

FINDING = "pulmonary_embolism_symptoms"


def _present(text: str) -> bool:
    return any(f.id == FINDING and f.status.value == "present" for f in extract(text).case.findings)


@pytest.mark.parametrize(
    "text",
    [
        "Left calf swollen after a long flight, now short of breath and chest pain.",
        "Calf pain and swelling, sudden SOB this morning.",
        "He developed acute shortness of breath with an episode of syncope.",
        "Swollen right leg, breathless since yesterday.",
        "Pleuritic chest pain and a swollen calf.",
        "Coughing up blood, right calf tender.",
    ],
)
def test_new_breathlessness_or_chest_pain_is_read(text: str) -> None:
    assert _present(text)


@pytest.mark.parametrize(
    "text",
    [
        "Review of systems. Respiratory: Shortness of breath and cough. Cardiac: Chest pain, swollen feet.",
        "Her exercise tolerance is eight to ten feet for shortness of breath.",
        "Chest pain when he eats, and shortness of breath after large meals.",
        "Intermittent shortness of breath over six months with slight ankle oedema.",
        "SOB on exertion for years (COPD), left knee pain.",
    ],
)
def test_unqualified_or_chronic_breathlessness_is_not_a_pe_symptom(text: str) -> None:
    assert not _present(text)
