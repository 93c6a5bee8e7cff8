"""A leg reflex graded in the reflex notation without the word "reflex" (issue 14 Build 5, L s15):
"Achilles 0 on the left, 2+ on the right", "knees 2+, ankles 1+ on the left". A number that is not a
reflex grade (a size, a time, a muscle grade out of 5) stays unread."""

from __future__ import annotations

from nervemap.nlp import extract


def _reflexes(text: str) -> set[tuple[str, str | None, int]]:
    return {(r.reflex, r.side, r.grade) for r in extract(text).case.reflexes}


def test_a_reflex_named_and_graded_in_its_notation_is_read() -> None:
    assert _reflexes("Achilles 0 on the left, 2+ on the right.") == {
        ("achilles", "left", 0),
        ("achilles", "right", 2),
    }


def test_plural_reflex_names_graded_with_a_plus() -> None:
    got = _reflexes("Knees 2+, ankles 1+ on the left and 2+ on the right.")
    assert {("patellar", "left", 2), ("achilles", "left", 1), ("achilles", "right", 2)} <= got


def test_numbers_that_are_not_reflex_grades_stay_unread() -> None:
    assert not _reflexes("The Achilles tendon is tender with 2 cm of swelling.")
    assert not _reflexes("Her left knee was swollen 2 weeks ago.")
    assert not _reflexes("She has hurt her ankle 3 times this year.")


def test_a_grade_of_another_sign_named_after_it_is_not_a_reflex_grade() -> None:
    """ "Knees 0 effusion" grades the effusion (none), not the knee jerks; the same for oedema,
    tenderness and swelling graded after a joint's name."""
    assert not _reflexes("Knees 0 effusion.")
    assert not _reflexes("Exam: knees 0 effusion, ankles 2+ pitting oedema.")
    assert not _reflexes("Ankle 1+ swelling, knee 0 tenderness.")


def test_the_reflex_words_elsewhere_in_the_sentence_do_not_make_an_effusion_grade_a_reflex() -> None:
    got = _reflexes("Knees 0 effusion, reflexes normal.")
    assert ("patellar", "left", 0) not in got and ("patellar", "right", 0) not in got


def test_a_grade_that_ends_the_sentence_is_read() -> None:
    """ "Ankle jerks 0." - the full stop ends the sentence; a decimal or a numbered item is no grade."""
    assert _reflexes("Ankle jerks 0.") == {("achilles", "left", 0), ("achilles", "right", 0)}
    assert ("achilles", "left", 0) in _reflexes("Reflexes: knees 2+, ankles 0.")
    assert not _reflexes("Knee jerk 0.5")
    assert _reflexes("1. Ankle jerk absent on the left.") == {("achilles", "left", 0)}


def test_the_numbers_of_an_inline_numbered_exam_list_are_not_reflex_grades() -> None:
    """Reviewer R's MUST-FIX on 4841f1e: the splitter cuts the list at each "2." and "3.", so the item
    numbers ended sentences and were read as grades (achilles 2, patellar 3, achilles 4)."""
    got = _reflexes(
        "Exam: 1. Left ankle jerk absent 2. Knee jerks present 3. SLR 40 degrees left 4. Sensation reduced"
    )
    assert ("achilles", "left", 0) in got
    assert not any(grade in (3, 4) for _, _, grade in got)
    assert ("achilles", "left", 2) not in got
    got = _reflexes(
        "Exam: 1. Power 5/5 throughout 2. Knee jerks 2+ bilaterally 3. Ankle jerk absent on the left "
        "4. SLR positive on the left"
    )
    assert got == {("patellar", "left", 2), ("patellar", "right", 2), ("achilles", "left", 0)}
    assert not any(grade == 1 for _, _, grade in _reflexes("Reflexes 1. Knee 2+ 2. Ankle 0"))
