"""Two symptoms joined by 'and' are both felt at the place named ('pain and paraesthesia in the
left groin and outer thigh', 'numb and painful'); a symptom word qualifying 'pain' directly
('tingling pain') stays one symptom of that quality."""

from __future__ import annotations

from nervemap.nlp import extract


def _kinds(text: str) -> set[tuple[str, str | None, str]]:
    case = extract(text).case
    return {(m.region, m.side, m.kind.value) for m in case.pain_map or []}


def test_pain_and_paraesthesia_are_both_read() -> None:
    kinds = _kinds("She has pain and paraesthesia in the left groin and outer thigh.")
    assert ("thigh_lateral", "left", "pain") in kinds
    assert ("thigh_lateral", "left", "tingling") in kinds
    assert ("groin", "left", "tingling") in kinds


def test_numb_and_painful_are_both_read() -> None:
    kinds = _kinds("The left foot is numb and painful.")
    assert ("foot_sole", "left", "numbness") in kinds
    assert ("foot_sole", "left", "pain") in kinds


def test_numbness_and_tingling_are_both_read() -> None:
    kinds = _kinds("He has numbness and tingling in the left foot.")
    assert {k for _, _, k in kinds} == {"numbness", "tingling"}


def test_tingling_pain_is_one_symptom() -> None:
    assert _kinds("He has tingling pain in the right calf.") == {("calf", "right", "tingling")}
