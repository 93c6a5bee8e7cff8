"""Pain scores read from a note: place (leg / back / pain in general), scale, and what is not a score."""

from __future__ import annotations

import pytest

from nervemap.nlp.extract import extract


@pytest.mark.parametrize(
    ("note", "pain", "leg", "back"),
    [
        ("45M with left leg pain 7/10 and back pain 3/10. L5 weakness.", 7, 7, 3),
        ("Leg pain 7/10. Back pain 2/10.", 7, 7, 2),
        ("7/10 leg pain on the right.", 7, 7, None),
        ("Pain score of 8 out of 10. Sciatica on the left.", 8, None, None),
        ("She rates her pain as 6/10.", 6, None, None),
        ("Pain: 8/10", 8, None, None),
        ("VAS 9. Severe back pain.", 9, None, None),
        ("Buttock pain 5/10 radiating to the calf; low back pain 8/10.", 8, 5, 8),
    ],
)
def test_scores_are_read_with_their_place(
    note: str, pain: float, leg: float | None, back: float | None
) -> None:
    scores = extract(note).case.scores
    assert (scores.pain_nrs, scores.leg_pain_nrs, scores.back_pain_nrs) == (pain, leg, back)


@pytest.mark.parametrize(
    "note",
    [
        "Pain radiating to the left leg, worse on sitting. Took 2 tablets of 10 mg.",
        "Pain at the L5 level of 3 discs.",
        "Pain for 3 of the last 10 days.",
        "He has had pain since 2019 and 3 children.",
        "Pain in 2 of his toes.",
    ],
)
def test_numbers_that_are_not_scores_are_not_read(note: str) -> None:
    assert extract(note).case.scores.pain_nrs is None


def test_the_last_score_of_a_kind_is_kept_and_shown_where_it_was_read() -> None:
    note = "Leg pain was 9/10 at the first visit. Today leg pain is 4/10."
    extraction = extract(note)
    assert extraction.case.scores.leg_pain_nrs == 4
    [item] = [item for item in extraction.items if item.kind == "score"]
    assert item.value == "leg 4/10" and note[item.start : item.start + len(item.text)] == item.text
