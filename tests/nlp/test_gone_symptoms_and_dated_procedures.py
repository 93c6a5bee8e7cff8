"""Reading fixes of review finding 3 (E s17): a symptom that has gone is denied, a lost function is not;
"never gone below the knee" denies the pain there; a one-month duration after a denial is a complaint; a
procedure dated before it is named is recent; a limb described as cold in a relative clause is cold."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of

BELOW_KNEE = {"leg_anterior", "leg_lateral", "leg_medial", "calf", "foot_dorsum", "sole", "heel", "ankle"}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Right S1 sciatica in March; she no longer has any numbness.", "leg_numbness"),
        ("Sciatica in March; the numbness has gone, she can feel her foot again.", "leg_numbness"),
        ("Left leg pain. The tingling has now resolved.", "leg_tingling"),
        ("She no longer gets pins and needles in the leg.", "leg_tingling"),
    ],
)
def test_a_symptom_that_has_gone_is_denied(text: str, finding: str) -> None:
    assert status_of(text, finding) == "absent"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("New saddle numbness today and the back pain has settled.", "saddle_numbness"),
        ("The tingling has gone down into her left foot.", "leg_tingling"),
        ("He no longer has any feeling in his left foot.", "leg_numbness"),
        ("She no longer has control of her bladder.", "urinary_incontinence_new"),
        # a function that has gone is the loss (reviewer R s17 on 7991d24)
        ("Sciatica. Since last night her bladder control has completely gone.", "urinary_incontinence_new"),
        ("Sciatica that never goes away.", "radiating_leg_pain"),
    ],
)
def test_a_spread_a_lost_function_or_a_persisting_symptom_stays_present(text: str, finding: str) -> None:
    assert status_of(text, finding) == "present"


def test_pain_that_has_never_gone_below_the_knee_is_not_below_the_knee() -> None:
    case = extract("Buttock and thigh pain for 6 weeks; the pain has never gone below the knee.").case
    regions = {entry.region for entry in case.pain_map or []}
    assert "buttock" in regions
    assert not regions & BELOW_KNEE


def test_a_one_month_duration_after_a_denial_is_a_complaint() -> None:
    assert status_of("No fever, saddle numbness for a month.", "saddle_numbness") == "present"
    # months, in the plural, stay out: a denied list's span
    assert status_of("No fever, weight loss over the past months.", "unexplained_weight_loss") == "absent"


@pytest.mark.parametrize(
    "text",
    [
        "Three weeks ago he had an epidural injection; since then back pain and fever.",
        "Last week she had a lumbar puncture. Now severe back pain.",
    ],
)
def test_a_spinal_procedure_dated_before_it_is_named_is_recent(text: str) -> None:
    assert status_of(text, "recent_spinal_procedure") == "present"


def test_a_remote_spinal_procedure_is_not_recent() -> None:
    assert status_of("Years ago he had an epidural injection.", "recent_spinal_procedure") != "present"


def test_a_limb_described_as_cold_in_a_relative_clause_is_a_cold_limb() -> None:
    assert status_of("Numbness of the right foot, which is cold.", "cold_pale_limb") == "present"
    assert status_of("Numbness of the right foot, which is not cold.", "cold_pale_limb") != "present"
