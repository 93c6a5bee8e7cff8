"""Look-alikes of emergency and age readings that reviewer R found read wrongly (session 10)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import present, status_of


@pytest.mark.parametrize(
    "text",
    [
        "68-year-old man with right sciatica for 3 weeks. Urine dribbles after he finishes voiding.",
        "70-year-old man with low back pain and left leg pain. Urine leaks at the end of the stream.",
    ],
)
def test_the_after_dribble_of_prostatism_is_not_new_incontinence(text: str) -> None:
    assert "urinary_incontinence_new" not in present(text)


def test_urine_leaking_without_a_cause_stays_new_incontinence() -> None:
    assert "urinary_incontinence_new" in present("Since yesterday her urine keeps leaking.")


def test_no_longer_feeling_that_a_symptom_is_there_denies_it() -> None:
    assert status_of("He no longer feels that his legs are numb.", "leg_numbness") != "present"


@pytest.mark.parametrize(
    "text", ["She has known postural hypotension.", "Orthostatic hypotension on her tablets."]
)
def test_postural_hypotension_is_not_a_low_systolic_pressure(text: str) -> None:
    assert "systolic_bp_below_90" not in present(text)


@pytest.mark.parametrize("text", ["He is hypotensive and pale.", "Hypotension despite fluids."])
def test_hypotension_in_words_is_a_low_systolic_pressure(text: str) -> None:
    assert "systolic_bp_below_90" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "Child care worker with sudden low back pain after lifting a toddler, pain down the left leg.",
        "Baby delivered three weeks ago by caesarean. Since then she has pain down the back of the leg.",
    ],
)
def test_an_adult_named_by_her_work_or_a_birth_is_not_a_child(text: str) -> None:
    assert "age_under_18" not in present(text)


def test_a_child_named_as_the_patient_is_still_under_18() -> None:
    assert "age_under_18" in present("Child won't bear weight on the left leg since this morning.")


@pytest.mark.parametrize(
    "text",
    [
        "72-year-old man, sudden severe back pain an hour ago, postural hypotension.",
        "70-year-old man with sudden back pain, orthostatic hypotension noted in the department.",
    ],
)
def test_a_postural_drop_still_reads_as_a_sign_of_bleeding(text: str) -> None:
    # reviewer R's must-fix 5 of 4f71299: the over-60 aneurysm rule reads tachycardia_or_hypotension
    found = present(text)
    assert "tachycardia_or_hypotension" in found
    assert "systolic_bp_below_90" not in found
