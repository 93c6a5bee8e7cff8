"""Phrasings a second unseen set of published cases showed the reader missing (H11, session 8).

tests/data/holdout2.jsonl is a blind hold-out: these rules are general clinical phrasings, each tested
here mostly with wordings that are not from those cases, and no rule names a case.

- Walking-induced leg pain told as a story ("comes on when he walks", "has to stop walking") is leg
  pain on walking (claudication, vascular or neurogenic).
- A drop foot in the patient's words ("cannot lift the foot", "both feet now drop") is a reported foot drop.
- A leg "swelling up", or swelling placed on one side of the leg, is leg swelling.
- "Has smoked", a coronary bypass and sitting with the legs crossed are smoking, cardiovascular disease
  and a fibular-compression risk.
- "With no past illnesses felt a sudden pain": the denied history's "no" does not reach the complaint;
  "the pain has not settled" denies nothing after it.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import findings_of


@pytest.mark.parametrize(
    "text",
    [
        "The right leg pain comes on when he walks and eases when he stands still.",
        "Calf pain that comes on after walking about two blocks.",
        "Buttock and thigh pain brought on by walking.",
        "He has to stop walking after a hundred metres because of the leg pain.",
    ],
)
def test_walking_story_is_leg_pain_on_walking(text: str) -> None:
    assert ("leg_pain_on_walking", "present") in findings_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "Since last week she cannot lift her left foot and trips on the stairs.",
        "He is unable to raise the right foot when walking.",
        "After the football match both feet now drop.",
        "The left foot drops when she walks.",
    ],
)
def test_foot_drop_in_plain_words(text: str) -> None:
    assert ("foot_drop_reported", "present") in findings_of(text)


def test_lifting_a_leg_is_not_a_foot_drop() -> None:
    assert ("foot_drop_reported", "present") not in findings_of(
        "He cannot lift the leg off the bed because of pain."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Over two days the left calf has been swelling up.",
        "Her leg keeps swelling by the evening.",
        "Redness and swelling over the inner aspect of the right lower leg.",
    ],
)
def test_swelling_as_a_process_or_a_place(text: str) -> None:
    assert ("leg_swelling", "present") in findings_of(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("A 61-year-old who has smoked since his teens.", "smoking"),
        ("He had coronary bypass surgery in 2015.", "cardiovascular_disease"),
        ("She usually sits with her legs crossed at work.", "fibular_compression_risk"),
    ],
)
def test_background_in_plain_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_of(text)


def test_denied_history_does_not_deny_the_complaint() -> None:
    found = findings_of(
        "A 60-year-old woman with no past illnesses felt a sudden severe pain in the left calf."
    )
    assert ("sudden_severe_leg_pain", "present") in found


def test_denied_history_still_denies_what_it_lists() -> None:
    found = findings_of("A 60-year-old woman with no history of diabetes has pain in the left calf.")
    assert ("diabetes", "absent") in found


def test_pain_not_settled_does_not_deny_what_follows() -> None:
    found = findings_of("The leg pain has not settled and the right foot now drops.")
    assert ("foot_drop_reported", "present") in found
    assert ("foot_drop_reported", "absent") not in found


def test_walking_pain_with_the_place_between() -> None:
    assert ("leg_pain_on_walking", "present") in findings_of("He has pain in both calves on walking uphill.")


def test_weakness_and_numbness_of_one_leg_are_both_read() -> None:
    found = findings_of("She has had numbness and weakness in the right leg for a week.")
    assert {("leg_numbness", "present"), ("subjective_leg_weakness", "present")} <= found


@pytest.mark.parametrize(
    "text",
    [
        "A 54-year-old who has smoked for 30 years has had left leg pain since yesterday.",
        "He has been drinking heavily for ten years and has had leg pain since yesterday.",
    ],
)
def test_a_habit_length_is_not_the_symptom_duration(text: str) -> None:
    assert extract(text).case.duration_days == 1.0


def test_symptom_duration_still_read_after_a_smoker() -> None:
    assert extract("A smoker with calf pain for 3 weeks.").case.duration_days == 21.0


@pytest.mark.parametrize(
    "text",
    [
        "The shin is tense and it hurts when the ankles and toes are pushed down.",
        "Severe pain when his foot is bent back by the examiner.",
    ],
)
def test_passive_stretch_in_plain_words(text: str) -> None:
    assert ("pain_on_passive_stretch", "present") in findings_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "The red swollen leg has got rapidly worse overnight.",
        "Her cellulitis deteriorated quickly despite antibiotics.",
        "Rapidly spreading redness of the right thigh.",
    ],
)
def test_rapid_course_in_other_words(text: str) -> None:
    assert ("progressive_symptoms", "present") in findings_of(text)


def test_a_steady_course_is_not_called_rapid() -> None:
    assert ("progressive_symptoms", "present") not in findings_of(
        "The thigh pain has steadily worsened over two weeks."
    )
