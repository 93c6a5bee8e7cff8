"""Text extraction reads the knowledge base it is given, not a process-wide default (issue 17).

The fixture is a small knowledge base derived from the packaged one: two leg movements, an L5
dermatome of two regions, no reference ranges and no symptom findings.
"""

from __future__ import annotations

import pytest

from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import KnowledgeBase
from nervemap.nlp import extract
from nervemap.nlp.knowledge import text_knowledge

NOTE = (
    "62 y/o M with 3 weeks of left leg pain. Strength 5/5 throughout. "
    "Numbness in the L5 distribution on the left. Hb 8.9 g/dL."
)


@pytest.fixture(scope="module")
def fixture_kb() -> KnowledgeBase:
    kb = default_knowledge().knowledge
    movements = [m for m in kb.anatomy.movements if m.id in ("hip_flexion", "ankle_dorsiflexion")]
    roots = [
        r.model_copy(update={"dermatome": ["leg_lateral", "great_toe"]}) if str(r.id) == "L5" else r
        for r in kb.anatomy.roots
    ]
    anatomy = kb.anatomy.model_copy(update={"movements": movements, "roots": roots})
    findings = [f for f in kb.findings if f.category != "symptom"]
    return kb.model_copy(update={"anatomy": anatomy, "reference_ranges": [], "findings": findings})


def test_default_is_the_packaged_base() -> None:
    packaged = default_knowledge().knowledge
    assert text_knowledge() is text_knowledge(packaged)
    assert extract(NOTE) == extract(NOTE, knowledge=packaged)


def test_extraction_reads_the_fixture(fixture_kb: KnowledgeBase) -> None:
    default = extract(NOTE)
    fixture = extract(NOTE, knowledge=fixture_kb)

    # "5/5 throughout": every movement of the base given
    assert {t.movement for t in default.case.strength} > {"hip_flexion", "ankle_dorsiflexion"}
    assert {t.movement for t in fixture.case.strength} == {"hip_flexion", "ankle_dorsiflexion"}

    # the L5 dermatome as the fixture draws it
    numb = {m.region for m in fixture.case.pain_map or [] if m.kind == "numbness"}
    assert numb == {"leg_lateral", "great_toe"}
    assert {m.region for m in default.case.pain_map or [] if m.kind == "numbness"} > numb

    # no reference ranges: the haemoglobin is not read as a measurement
    assert [m.quantity for m in default.case.measurements] == ["haemoglobin"]
    assert fixture.case.measurements == []


def test_the_packaged_base_is_untouched(fixture_kb: KnowledgeBase) -> None:
    extract(NOTE, knowledge=fixture_kb)
    assert [m.quantity for m in extract(NOTE).case.measurements] == ["haemoglobin"]
    assert text_knowledge(fixture_kb) is text_knowledge(fixture_kb)


def test_a_base_without_whole_leg_parts_reads_without_failing(fixture_kb: KnowledgeBase) -> None:
    """A base whose localisation names no vague (whole-part) regions: "leg" in a list is no place,
    and the rest of the note is still read (it crashed on max() of nothing)."""
    localisation = fixture_kb.localisation.model_copy(update={"vague_regions": {}})
    bare = fixture_kb.model_copy(update={"localisation": localisation})
    case = extract("Pain in the left buttock and leg, down to the knee. Hb 8.9 g/dL.", knowledge=bare).case
    marks = {(mark.region, mark.side) for mark in case.pain_map}
    assert ("buttock", "left") in marks  # the named place is still read
    assert case.measurements == []  # no reference ranges in the fixture: the Hb is skipped
