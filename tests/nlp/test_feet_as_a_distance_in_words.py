"""'Feet' after a number written as a word is a distance, not the feet (lead s17 probe: 'He fell about six
feet from the scaffolding' marked foot pain)."""

from __future__ import annotations

from nervemap.nlp import extract


def _marked(text: str) -> set[str]:
    return {m.region for m in extract(text).case.pain_map or []}


def test_a_fall_of_some_feet_is_no_foot_pain() -> None:
    marked = _marked("He fell about six feet from a ladder and has had low back pain since.")
    assert "foot_sole" not in marked
    assert "lower_back" in marked


def test_the_feet_themselves_are_still_the_feet() -> None:
    assert {"foot_sole", "foot_dorsum"} <= _marked("Burning pain in both feet at night.")
    assert {"foot_sole", "foot_dorsum"} <= _marked("Pain in her feet after walking twenty feet.")
