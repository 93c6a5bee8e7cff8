"""A sphincter function graded normal and then said to have changed is the cauda equina symptom, not its
denial ("Bowel control was fine until this morning, now lost."), and the adjective "incontinent" is read
as urinary incontinence (lead s15, after reviewer R's MUST-FIX on 915a9f3: the normal-grade denials
fired on the first words of such sentences, and "He is incontinent." read nothing)."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract

_BACK = "A 51-year-old has had low back pain and left sciatica for a week."


def _statuses(sentence: str, finding: str) -> set[str]:
    return {f.status for f in extract(f"{_BACK} {sentence}").case.findings if f.id == finding}


def _level(sentence: str) -> TriageLevel:
    return assess(extract(f"{_BACK} {sentence}").case).triage.level


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        ("Bowel control was intact until this morning, now lost.", "bowel_incontinence_new"),
        ("Bladder control was normal up to two days ago.", "urinary_incontinence_new"),
        ("Bladder control normal before the operation; now leaking.", "urinary_incontinence_new"),
        ("Bowel control good previously, lost since Sunday.", "bowel_incontinence_new"),
        ("She is incontinent.", "urinary_incontinence_new"),
        ("Since last night he has become incontinent.", "urinary_incontinence_new"),
    ],
)
def test_a_change_after_a_normal_grade_is_the_red_flag(sentence: str, finding: str) -> None:
    assert "absent" not in _statuses(sentence, finding)
    assert _level(sentence) == TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        ("Bladder control normal.", "urinary_incontinence_new"),
        ("Bowel continence is preserved.", "bowel_incontinence_new"),
        ("Rectal sensation intact.", "rectal_fullness_sensation_lost"),
        ("He is not incontinent.", "urinary_incontinence_new"),
        ("Incontinent for several years, no change.", "urinary_incontinence_new"),
    ],
)
def test_a_plain_normal_grade_still_denies(sentence: str, finding: str) -> None:
    assert _statuses(sentence, finding) == {"absent"}
    assert _level(sentence) != TriageLevel.EMERGENCY


def test_incontinent_of_faeces_stays_bowel_incontinence() -> None:
    assert _statuses("Incontinent of faeces since Tuesday.", "urinary_incontinence_new") == set()
    assert _statuses("Incontinent of faeces since Tuesday.", "bowel_incontinence_new") == {"present"}


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        ("Never incontinent.", "urinary_incontinence_new"),
        ("She has never been incontinent.", "urinary_incontinence_new"),
        ("He has never been incontinent of stool.", "bowel_incontinence_new"),
    ],
)
def test_never_incontinent_is_a_denial(sentence: str, finding: str) -> None:
    assert _statuses(sentence, finding) == {"absent"}
    assert _level(sentence) != TriageLevel.EMERGENCY


def test_never_incontinent_until_a_change_is_the_red_flag() -> None:
    sentence = "Never incontinent before, but this morning she wet herself."
    assert "present" in _statuses(sentence, "urinary_incontinence_new")
    assert _level(sentence) == TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        ("He was never incontinent until Friday night.", "urinary_incontinence_new"),
        ("Never incontinent before this week.", "urinary_incontinence_new"),
        ("She had never been incontinent of the bowels, but now she is.", "bowel_incontinence_new"),
    ],
)
def test_never_incontinent_then_a_change_reads_the_red_flag(sentence: str, finding: str) -> None:
    assert _statuses(sentence, finding) == {"present"}
    assert _level(sentence) == TriageLevel.EMERGENCY


def test_a_checklist_no_denies_incontinence() -> None:
    assert _statuses("Incontinent? No.", "urinary_incontinence_new") == {"absent"}
    assert _level("Incontinent? No.") != TriageLevel.EMERGENCY


def test_a_red_flag_reported_after_a_denied_one_is_read() -> None:
    """'No X, Y reported': "reported" says Y was found, as "present" does (lead s15, reviewer R)."""
    sentence = "No urinary retention, numbness of the saddle area reported by her."
    assert _statuses(sentence, "saddle_numbness") == {"present"}
    assert _level(sentence) == TriageLevel.EMERGENCY
    assert _statuses("No saddle numbness reported.", "saddle_numbness") == {"absent"}
