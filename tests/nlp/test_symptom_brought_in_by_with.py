"""A symptom brought in by "with" after a place is a second symptom whose places follow it: in
"pain down the back of the thigh to the calf, with numbness extending to the big toe" the calf
is painful and the big toe numb (session 9, issue 14)."""

from __future__ import annotations

from nervemap.nlp import extract


def _kinds(text: str) -> set[tuple[str, str | None, str]]:
    case = extract(text).case
    return {(m.region, m.side, m.kind.value) for m in case.pain_map or []}


def test_place_before_with_keeps_the_earlier_symptom() -> None:
    kinds = _kinds(
        "He has right buttock pain running down the back of the right thigh to the calf, "
        "with numbness extending to the right big toe."
    )
    assert ("calf", "right", "pain") in kinds
    assert ("calf", "right", "numbness") not in kinds
    assert ("great_toe", "right", "numbness") in kinds


def test_place_after_with_takes_the_symptom_it_brings() -> None:
    kinds = _kinds("She has pain in the left thigh with numbness in the left foot.")
    assert ("thigh_anterior", "left", "pain") in kinds or ("thigh_lateral", "left", "pain") in kinds
    assert ("foot_dorsum", "left", "numbness") in kinds


def test_a_lone_symptom_after_with_still_reaches_its_place() -> None:
    # no other symptom in the sentence: the "with" symptom is the only one the calf can have
    assert ("calf", "right", "numbness") in _kinds("The right calf, with numbness, is the problem.")


def test_a_symptom_brought_in_by_and_leaves_the_place_before_it_to_the_earlier_symptom() -> None:
    kinds = _kinds("He has pain radiating to the right calf and numbness of the right big toe.")
    assert ("calf", "right", "pain") in kinds
    assert ("calf", "right", "numbness") not in kinds


def test_a_symptom_after_a_comma_and_and_leaves_the_listed_places_to_the_earlier_symptom() -> None:
    kinds = _kinds("Pain in the left buttock and thigh, and numbness in the left foot.")
    assert ("thigh_posterior", "left", "pain") in kinds
    assert ("thigh_posterior", "left", "numbness") not in kinds
    assert ("foot_sole", "left", "numbness") in kinds


def test_places_joined_before_their_symptom_all_take_it() -> None:
    # another place between: "the calf and foot are numb" (the calf is numb too)
    kinds = _kinds("Low back pain; the right calf and foot are numb.")
    assert ("calf", "right", "numbness") in kinds
    assert ("calf", "right", "pain") not in kinds


def test_a_symptom_after_its_place_without_a_joining_word_is_still_its_symptom() -> None:
    kinds = _kinds("The left foot is numb and painful.")
    assert ("foot_sole", "left", "numbness") in kinds
    assert ("foot_sole", "left", "pain") in kinds
