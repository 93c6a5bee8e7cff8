"""A laboratory value named in a discussion of risks is not a result (issue 12, H3).

dev mtsamples-409, a trochanteric bursa injection note: 'After the suitable risks of the injection
were discussed with the patient, including infection and elevated blood glucose levels, the patient
chose to proceed' read glucose_raised present (findings after 'risks of' were already hypothetical;
the value reader did not look at the sentence)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def statuses(text: str, finding: str) -> set[str]:
    return {f.status.value for f in extract(text).case.findings if f.id == finding}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "After the suitable risks of the injection were discussed with the patient, including infection "
            "and elevated blood glucose levels, the patient chose to proceed.",
            "glucose_raised",
        ),
        ("Risks including infection and elevated blood sugar were discussed.", "glucose_raised"),
        ("Possible side effects such as a raised blood sugar were explained.", "glucose_raised"),
    ],
)
def test_a_value_in_a_risk_discussion_is_not_a_result(text: str, finding: str) -> None:
    assert statuses(text, finding) == set()


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Given the risk of bleeding with an INR of 3.5, the procedure was postponed.", "inr_above_range"),
        ("Risk factors include diabetes; glucose 14 mmol/L today.", "glucose_raised"),
        ("Complications included a raised creatinine of 300.", "creatinine_raised"),
        ("Creatinine 5.7.", "creatinine_raised"),
    ],
)
def test_a_result_near_the_word_risk_is_still_read(text: str, finding: str) -> None:
    assert statuses(text, finding) == {"present"}
