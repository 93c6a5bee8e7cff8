""" "never" denies what follows it in its clause, as "no" and "not" do (E s16; the review read "back pain that
never spread to the legs" as leg pain), and its look-alikes are not denials: a change after a normal ("never
incontinent until this morning"), a symptom that persists ("never goes away"), a comparison ("never been this
weak") and "never without" (always with)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import status_of, triage_of


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        ("Low back pain for a month that never spread to the legs.", "radiating_leg_pain"),
        ("He has had back pain for years; it has never radiated into the legs.", "radiating_leg_pain"),
        ("Back pain since lifting a wardrobe, never any numbness in the legs.", "leg_numbness"),
        ("Mechanical back pain. She has never noticed weakness of the legs.", "subjective_leg_weakness"),
    ],
)
def test_never_denies_the_symptom_after_it(note: str, finding: str) -> None:
    assert status_of(note, finding) == "absent"


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        # a change after a normal: the new sphincter disturbance is the cauda equina red flag
        (
            "Back pain and right sciatica for a week. "
            "She never had trouble with her bladder until yesterday, when she became incontinent.",
            "urinary_incontinence_new",
        ),
        (
            "Sciatica for a fortnight. He had never been incontinent before, but since last night he is.",
            "urinary_incontinence_new",
        ),
        # a comparison with the past
        ("Left sciatica. He has never felt so weak in the left leg.", "subjective_leg_weakness"),
    ],
)
def test_never_look_alikes_keep_the_symptom(note: str, finding: str) -> None:
    assert status_of(note, finding) == "present"


def test_a_change_after_never_is_still_an_emergency() -> None:
    note = (
        "Back pain and right sciatica for a week. She never had trouble with her bladder until yesterday, "
        "when she became incontinent."
    )
    assert triage_of(note) == "emergency"


def test_never_incontinent_alone_stays_a_denial() -> None:
    note = "Back pain and right sciatica for a week. She has never been incontinent."
    assert status_of(note, "urinary_incontinence_new") == "absent"
    assert triage_of(note) != "emergency"


@pytest.mark.parametrize(
    "note",
    [
        # (reviewer R on 49dfffd) "before" with nothing after it is no change: the denial stands
        "Back pain for a week. He has never had numbness around the back passage before.",
        "Back pain for a week. She has never had weakness in her legs before.",
    ],
)
def test_never_before_without_an_anchor_is_a_denial(note: str) -> None:
    found = {status_of(note, "saddle_numbness"), status_of(note, "subjective_leg_weakness")} - {None}
    assert found == {"absent"}
    assert triage_of(note) != "emergency"


def test_never_before_with_a_time_after_it_is_the_change() -> None:
    note = "Sciatica for a fortnight. He had never been incontinent before yesterday evening."
    assert status_of(note, "urinary_incontinence_new") == "present"
