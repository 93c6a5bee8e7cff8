"""ConText: negation, history, hypothetical, family and uncertainty change what is asserted."""

from __future__ import annotations

import pytest

from nervemap.engine.case import Status
from nervemap.nlp import extract


def _status(text: str, finding_id: str) -> Status | None:
    found = [f.status for f in extract(text).case.findings if f.id == finding_id]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "finding_id", "status"),
    [
        ("There is no evidence of saddle anaesthesia.", "saddle_numbness", Status.ABSENT),
        ("No saddle anesthesia.", "saddle_numbness", Status.ABSENT),
        ("Denies bowel or bladder dysfunction.", "urinary_retention", Status.ABSENT),
        ("Denies bowel or bladder dysfunction.", "bowel_incontinence_new", Status.ABSENT),
        ("Bowel and bladder function is normal.", "urinary_incontinence_new", Status.ABSENT),
        ("He is afebrile.", "fever", Status.ABSENT),
        ("Temperature 38.6 C.", "fever", Status.PRESENT),
        ("Temperature 100.4 F.", "fever", Status.PRESENT),
        ("Temperature 37.1 C.", "fever", Status.ABSENT),
        ("Negative crossed SLR.", "crossed_slr_positive", Status.ABSENT),
        ("History of breast cancer.", "history_of_cancer", Status.PRESENT),
        ("No history of cancer.", "history_of_cancer", Status.ABSENT),
        ("She presents with a 4-week history of sciatica.", "radiating_leg_pain", Status.PRESENT),
        ("He has urinary retention.", "urinary_retention", Status.PRESENT),
    ],
)
def test_assertion(text: str, finding_id: str, status: Status) -> None:
    assert _status(text, finding_id) == status


@pytest.mark.parametrize(
    ("text", "finding_id", "flag"),
    [
        ("Mother had breast cancer.", "history_of_cancer", "family"),
        ("Return if he develops urinary retention.", "urinary_retention", "hypothetical"),
        ("Possible saddle anaesthesia.", "saddle_numbness", "uncertain"),
        ("Previous sciatica in 2010.", "radiating_leg_pain", "historical"),
    ],
)
def test_not_asserted(text: str, finding_id: str, flag: str) -> None:
    extraction = extract(text)
    assert _status(text, finding_id) is None
    items = [i for i in extraction.items if i.value.startswith(finding_id)]
    assert items and items[0].status == "not asserted" and flag in items[0].flags


def test_negated_pain_is_not_on_the_map() -> None:
    case = extract("No pain in the left calf.").case
    assert not case.pain_map


def test_but_ends_negation() -> None:
    case = extract("No back pain, but left calf pain.").case
    assert case.pain_map is not None
    assert [(m.region, m.side) for m in case.pain_map] == [("calf", "left")]
