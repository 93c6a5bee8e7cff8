"""A drop foot and an unsteady walk in the words patients and notes use for them."""

from __future__ import annotations

import pytest

from tests.nlp.reading import present, status_of


@pytest.mark.parametrize(
    "text",
    [
        "She cannot pull the left foot up.",
        "Since Sunday he is unable to bring his right toes up.",
        "He cannot lift the front of the left foot.",
    ],
)
def test_a_foot_that_cannot_be_pulled_up_is_a_reported_foot_drop(text: str) -> None:
    assert "foot_drop_reported" in present(text)


@pytest.mark.parametrize("text", ["He can pull the foot up.", "She cannot pull the sheet up."])
def test_pulling_something_else_up_or_managing_it_is_not_a_foot_drop(text: str) -> None:
    assert "foot_drop_reported" not in present(text)


@pytest.mark.parametrize("text", ["Walking has become unsteady.", "She is walking unsteadily since Monday."])
def test_an_unsteady_walk_is_gait_unsteadiness(text: str) -> None:
    assert "gait_unsteadiness" in present(text)


def test_a_walk_said_not_to_be_unsteady_is_not_read_present() -> None:
    assert status_of("Walking is not unsteady.", "gait_unsteadiness") != "present"


def test_lifting_the_foot_up_onto_a_step_is_not_a_foot_drop() -> None:
    # reviewer R of b165947: that is the hip flexors' work
    assert "foot_drop_reported" not in present("With her hip pain she cannot lift her foot up onto the step.")
