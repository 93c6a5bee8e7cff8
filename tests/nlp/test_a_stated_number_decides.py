"""A result given both in words and as a number is what the number says (E s12).

A laboratory's own limit, often CRP 5 mg/L, makes a writer call 6 mg/L "raised"; the spinal-infection
rules read a raised CRP at the cited screening cut-off, over 10 mg/L (Davis 2020, CJEM: sensitivity
100 % in derivation, 97.6 % in validation, for pyogenic spinal infection in emergency back pain). Words
alone ("markedly raised CRP") still say raised, and words about another test stay that test's."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of


@pytest.mark.parametrize(
    "text",
    [
        "Raised CRP (6 mg/L).",
        "CRP mildly raised at 6 mg/L.",
        "CRP was raised at 6 mg/L.",
        "Elevated CRP of 8 mg/L.",
    ],
)
def test_a_raised_word_over_a_value_under_the_cut_off_is_not_raised(text: str) -> None:
    assert status_of(text, "esr_crp_raised") == "absent"


@pytest.mark.parametrize(
    "text",
    [
        "Markedly raised CRP (140 mg/L).",
        "Back pain, markedly raised CRP.",
        # the words speak of the ESR, the number of the CRP
        "Raised ESR, CRP 6 mg/L.",
    ],
)
def test_a_raised_value_or_words_alone_stay_raised(text: str) -> None:
    assert status_of(text, "esr_crp_raised") == "present"


def _fired(text: str) -> set[str]:
    return {flag.id for flag in assess(extract(text).case).triage.red_flags}


def test_a_crp_under_the_screening_cut_off_does_not_screen_for_spinal_infection() -> None:
    note = "A 58-year-old diabetic man has low back pain with left sciatica for two weeks. "
    assert "infection_back_pain_raised_markers" not in _fired(note + "Raised CRP (6 mg/L).")
    assert "infection_back_pain_raised_markers" in _fired(note + "CRP 14 mg/L.")
    assert "infection_back_pain_raised_markers" in _fired(note + "Markedly raised CRP.")


@pytest.mark.parametrize("crp", ["", " CRP 7 mg/L.", " CRP raised at 7 mg/L."])
@pytest.mark.parametrize(
    "weak", ["She has new weakness of the right leg since yesterday.", "Her right leg became weak yesterday."]
)
def test_fever_spinal_pain_and_a_new_weak_leg_stay_an_emergency_whatever_the_crp(weak: str, crp: str) -> None:
    """The classic triad of a spinal epidural abscess needs no blood test: a CRP under the screening
    cut-off must not take it down to urgent (reviewer R on 5ca5d9d)."""
    note = (
        "A 48-year-old woman has had bad low back pain for four days with a temperature of 38.7. "
        + weak
        + crp
    )
    assert assess(extract(note).case).triage.level == "emergency"
