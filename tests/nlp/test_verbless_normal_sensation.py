"""Normal sensation written without a verb (issue 14 Build 5, L s16): "Sensation normal.", "Sensory
examination normal.", "Sensation intact to light touch." read nothing, so a normal sensory examination
of both legs - evidence against a root lesion - was lost. Read at the end of its clause only, as
"power normal" is: "normal except ..." and a limb part named after it keep their own reading."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def _statuses(text: str) -> set[tuple[str | None, str]]:
    return {(t.side, t.status) for t in extract(text).case.sensation}


def _regions(text: str) -> int:
    return len(extract(text).case.sensation)


@pytest.mark.parametrize(
    "text",
    [
        "Sensation normal.",
        "Sensory examination normal.",
        "Sensation intact, reflexes 2+.",
        "Sensation intact to light touch.",
        "Sensation intact to light touch and pinprick, reflexes 2+.",
    ],
)
def test_verbless_normal_sensation_is_both_legs(text: str) -> None:
    assert _statuses(text) == {("left", "normal"), ("right", "normal")}
    assert _regions(text) > 20


def test_an_exception_keeps_its_own_reading() -> None:
    assert _statuses("Sensation normal except reduced over the left first web space.") == {
        ("left", "reduced")
    }


def test_a_part_of_the_leg_named_after_it_is_that_part_only() -> None:
    got = extract("Sensation intact to light touch over the left foot.").case.sensation
    assert {(t.region, t.side) for t in got} == {("foot_dorsum", "left"), ("foot_sole", "left")}
