"""A "without ..." phrase set off by a comma denies only what it names, wherever it stands in the sentence
(E s16: "For three weeks and without any injury, severe low back pain shooting down the left leg" denied the
pain); a sentence that opens with it did so already (test_negation_scope_into_the_complaint.py)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import status_of


@pytest.mark.parametrize(
    "note",
    [
        "Since the weekend and without any injury, severe low back pain shooting down the right leg.",
        "Over two weeks, without a fall, sharp low back pain radiating down the right leg.",
        "For a month and without trauma, constant back pain going down the right leg to the foot.",
    ],
)
def test_the_complaint_after_a_without_phrase_is_present(note: str) -> None:
    assert status_of(note, "back_pain") == "present"
    assert status_of(note, "radiating_leg_pain") == "present"
    assert status_of(note, "significant_trauma") in ("absent", None)


def test_a_without_list_still_denies() -> None:
    note = "Right sciatica for a week, without fever, weight loss or numbness."
    assert status_of(note, "leg_numbness") == "absent"
    assert status_of(note, "fever") == "absent"


# (reviewer R on 49dfffd) "without" governs one noun phrase: past a comma it reaches only a list's items
@pytest.mark.parametrize(
    ("note", "finding"),
    [
        (
            "Without any recent infection, increasing weakness of both legs over four days.",
            "progressive_weakness",
        ),
        ("Abrupt onset without trauma, low back pain radiating down the left leg.", "radiating_leg_pain"),
        ("Without a preceding illness, retention of urine since this morning.", "urinary_retention"),
    ],
)
def test_without_does_not_reach_the_complaint_past_a_comma(note: str, finding: str) -> None:
    assert status_of(note, finding) == "present"


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Back pain without fever, chills, night sweats or numbness.", "leg_numbness"),
        ("Back pain without fever, bladder or bowel incontinence.", "urinary_incontinence_new"),
        ("Back pain without leg pain, tingling or numbness.", "leg_numbness"),
    ],
)
def test_without_still_denies_every_item_of_its_list(note: str, finding: str) -> None:
    assert status_of(note, finding) == "absent"
