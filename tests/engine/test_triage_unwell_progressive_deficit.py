"""A leg weakness that is getting worse in a patient who feels unwell names a spinal epidural abscess to
exclude, even with no spinal pain named (triage.yaml infection_unwell_progressive_deficit; E s16, review
finding 6: the note was urgent as a motor deficit only, with a disc or a nerve as its suspects)."""

from __future__ import annotations

from nervemap.engine.assess import assess
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract

RULE = "infection_unwell_progressive_deficit"
ABSCESS = "spinal_epidural_abscess_discitis"


def _triage(text: str) -> tuple[TriageLevel, set[str], set[str]]:
    triage = assess(extract(text).case).triage
    return triage.level, {flag.id for flag in triage.red_flags}, {s.condition for s in triage.suspected}


def test_an_unwell_patient_whose_leg_weakens_is_suspected_of_an_abscess() -> None:
    level, flags, suspected = _triage(
        "A 63-year-old man has been feeling unwell for a fortnight; over ten days his right leg has grown"
        " steadily weaker and he now trips over the right foot."
    )
    assert RULE in flags
    assert ABSCESS in suspected
    assert level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)


def test_a_weakness_that_is_not_getting_worse_does_not_fire_it() -> None:
    _, flags, _ = _triage(
        "A 63-year-old man has been feeling unwell; his right foot has been weak since a knee injury."
    )
    assert RULE not in flags


def test_with_back_pain_it_stays_the_emergency_of_the_pain_rule() -> None:
    level, _, suspected = _triage(
        "A 63-year-old man with low back pain has been feeling unwell for a fortnight; over ten days his"
        " right leg has grown steadily weaker."
    )
    assert level == TriageLevel.EMERGENCY
    assert ABSCESS in suspected
