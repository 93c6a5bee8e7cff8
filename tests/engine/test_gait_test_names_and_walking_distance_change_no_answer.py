"""Development-set misses of session 7 (issue 12, H3): words that name no symptom change no answer.

dev mtsamples-61 (left L5-S1 radiculopathy ranked as diabetic polyneuropathy: 'Because of pain, the
patient is unable to heel-toe or tandem gait' marked the heel and toes) and mtsamples-1613 ('painful
after approximately 400 feet of walking' marked both feet). A gait test's name and a walking
distance say nothing about where the symptoms are, so the assessment is the one without them."""

from __future__ import annotations

from nervemap.engine.assess import assess
from nervemap.nlp import extract


def differential(text: str) -> list[tuple[str, float]]:
    result = assess(extract(text).case, detail="headline")
    return [(d.id, round(d.probability, 9)) for d in result.differential]


LEFT_L5 = (
    "A 63-year-old man has severe left leg pain going down the lateral aspect of the left leg into his foot, "
    "with tingling in the medial two toes of the foot."
)


def test_a_gait_test_named_after_pain_adds_no_heel_or_toe_symptom() -> None:
    with_test = LEFT_L5 + " Because of pain, he is unable to heel-toe or tandem gait."
    assert differential(with_test) == differential(LEFT_L5)
    assert differential(with_test)[0][0] == "lumbar_disc_herniation"


def test_a_walking_distance_in_feet_is_no_foot_pain() -> None:
    note = "A 59-year-old woman has low back pain and occasional shooting pains into the legs."
    in_feet = note + " A six-minute walk test was painful after 400 feet of walking."
    in_metres = note + " A six-minute walk test was painful after 120 metres of walking."
    assert differential(in_feet) == differential(in_metres)
