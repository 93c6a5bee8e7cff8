"""Nerve-territory wording (issue 14, peripheral-nerve mimics): the reader keeps the aspect of the
thigh when the side stands between aspect and thigh, carries a sensory symptom along the word that
spreads it, reads the operations that injure the femoral, obturator and sciatic nerves, and ends a
past-history scope at the verb of presentation."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import present


def _marks(text: str) -> set[tuple[str, str | None, str]]:
    case = extract(text).case
    return {(m.region, m.side, m.kind.value) for m in case.pain_map or []}


@pytest.mark.parametrize(
    ("text", "region", "side"),
    [
        ("Numbness over the outer left thigh.", "thigh_lateral", "left"),
        ("Burning over the anterolateral right thigh.", "thigh_lateral", "right"),
        ("Pain in the inner left thigh.", "thigh_medial", "left"),
        ("Tingling in the anterior right thigh.", "thigh_anterior", "right"),
    ],
)
def test_an_aspect_named_before_the_side_is_that_aspect_not_the_whole_thigh(
    text: str, region: str, side: str
) -> None:
    regions = {r for r, s, _ in _marks(text) if s == side}
    assert regions == {region}


def test_paraesthesia_spreading_to_the_outer_thigh_is_paraesthesia_there() -> None:
    marks = _marks("Pain and paraesthesia in the left groin spreading to the front and outer thigh.")
    assert ("thigh_lateral", "left", "tingling") in marks
    assert ("thigh_lateral", "left", "pain") in marks
    assert ("groin", "left", "tingling") in marks


def test_tingling_spreading_down_to_the_foot_is_not_pain_in_the_foot() -> None:
    marks = _marks("Tingling in the right buttock spreading down to the foot.")
    assert ("foot_sole", "right", "tingling") in marks
    assert ("foot_sole", "right", "pain") not in marks


def test_pain_radiating_into_the_calf_stays_pain() -> None:
    assert ("calf", "right", "pain") in _marks("Back pain radiating to the right calf.")


@pytest.mark.parametrize(
    "text",
    [
        "Thigh weakness since hip surgery last week.",
        "Numbness after prolonged lithotomy positioning for a hysterectomy.",
        "Weak knee extension two days after a renal transplant.",
    ],
)
def test_operations_that_injure_the_femoral_and_obturator_nerves_are_recent_pelvic_surgery(text: str) -> None:
    assert "recent_hip_or_pelvic_surgery" in present(text)


def test_a_past_history_ends_at_the_verb_of_presentation() -> None:
    found = present("A 54-year-old man with a past history of colorectal cancer attends with sciatica.")
    assert {"history_of_cancer", "radiating_leg_pain"} <= found
