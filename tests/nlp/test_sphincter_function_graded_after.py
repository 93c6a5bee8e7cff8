"""A bladder or bowel FUNCTION named first and graded after it is the cauda equina symptom it names
("Bladder sensation absent.": the function is lost), while a SYMPTOM named first and graded "absent" is
denied ("Saddle numbness absent."). E s15, after reviewer R s14: each function sentence read nothing
and was triaged routine beside back pain; "Bowel control intact." was read as incontinence."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract

_BACK = "A 44-year-old has had low back pain for four days."


def _read(sentence: str) -> dict[str, str]:
    return {f.id: f.status for f in extract(f"{_BACK} {sentence}").case.findings}


def _level(sentence: str) -> TriageLevel:
    return assess(extract(f"{_BACK} {sentence}").case).triage.level


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        ("Urge to pass urine absent.", "bladder_sensation_altered"),
        ("Desire to void is reduced.", "bladder_sensation_altered"),
        ("Bladder sensation absent.", "bladder_sensation_altered"),
        ("Bladder filling sensation not present.", "bladder_sensation_altered"),
        ("Bladder sensation: impaired.", "bladder_sensation_altered"),
        ("Urinary stream sensation reduced.", "urinary_stream_sensation_altered"),
        ("Sensation of passing urine is lost.", "urinary_stream_sensation_altered"),
        ("Rectal sensation was diminished.", "rectal_fullness_sensation_lost"),
        ("Urge to open the bowels absent.", "rectal_fullness_sensation_lost"),
        ("Control of the bowels absent.", "bowel_incontinence_new"),
        ("Bowel control lost.", "bowel_incontinence_new"),
        ("Control of her bladder impaired.", "urinary_incontinence_new"),
        ("Bladder continence lost since this morning.", "urinary_incontinence_new"),
    ],
)
def test_a_sphincter_function_graded_lost_after_its_name_is_the_red_flag(sentence: str, finding: str) -> None:
    assert _read(sentence).get(finding) == "present"
    assert _level(sentence) == TriageLevel.EMERGENCY


def test_bowel_and_bladder_control_graded_lost_is_both_incontinences() -> None:
    read = _read("Bowel and bladder control absent since this morning.")
    assert read.get("urinary_incontinence_new") == read.get("bowel_incontinence_new") == "present"


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        # a symptom graded "absent" is denied: the other direction of the same word
        ("Saddle numbness absent.", "saddle_numbness"),
        ("Urinary retention absent.", "urinary_retention"),
        ("Incontinence not present.", "urinary_incontinence_new"),
        # a function graded normal denies the finding
        ("Bladder sensation normal.", "bladder_sensation_altered"),
        ("Rectal sensation intact.", "rectal_fullness_sensation_lost"),
        ("Bowel control intact.", "bowel_incontinence_new"),
        ("Bladder control is normal.", "urinary_incontinence_new"),
    ],
)
def test_a_symptom_graded_absent_or_a_function_graded_normal_is_denied(sentence: str, finding: str) -> None:
    assert _read(sentence).get(finding) == "absent"
    assert _level(sentence) != TriageLevel.EMERGENCY
