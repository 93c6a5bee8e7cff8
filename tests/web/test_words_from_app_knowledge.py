"""The result pages word an assessment with the app's knowledge base (issue 17 item 2): the helpers
of web/present.py take the compiled knowledge the pages hand them (app.state.knowledge) instead of
reading the bundled one."""

from __future__ import annotations

from pathlib import Path

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import compile_knowledge, default_compiled
from nervemap.knowledge.loader import load_knowledge
from nervemap.web import present

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def test_emergency_words_come_from_the_knowledge_base_handed_in() -> None:
    small = compile_knowledge(load_knowledge(SMALL_KB))
    assessment = assess(
        Case.model_validate({"findings": [{"id": "urinary_retention", "status": "present"}]}), small
    )
    assert assessment.triage.level.value == "emergency"
    suspicions = present.emergency_suspicions(assessment, small)
    assert [s.plain for s in suspicions] == [c.patient_name for c in small.conditions if c.id == "ces"]
    # the bundled knowledge base has no condition 'ces': no plain name
    assert [s.plain for s in present.emergency_suspicions(assessment, default_compiled())] == [""]
    triggers = present.emergency_triggers(assessment, small)
    assert triggers and all(isinstance(t, str) and t for t in triggers)


def test_the_header_reads_the_examination_findings_of_the_knowledge_base_handed_in() -> None:
    small = compile_knowledge(load_knowledge(SMALL_KB))
    exam = [f.id for f in small.knowledge.findings if f.category.value == "examination"]
    assert exam
    case = Case.model_validate({"findings": [{"id": exam[0], "status": "present"}]})
    assessment = assess(case, small)
    assert present.header(assessment, {}, small).examined == "examined"


def test_the_course_is_named_with_the_knowledge_base_handed_in() -> None:
    from nervemap.web import course

    small = compile_knowledge(load_knowledge(SMALL_KB))
    assert course.movement_label("mrc:ankle_dorsiflexion:left", small) == "Ankle dorsiflexion, left (MRC)"
    assert (
        course.movement_label("mrc:ankle_dorsiflexion:left")
        == "Ankle dorsiflexion (tibialis anterior), left (MRC)"
    )
    assert course.region_name("leg_lateral", small) == "Lateral leg"
    assert (
        course.measure_label("mrc:ankle_plantarflexion:right", knowledge=small)
        == "Plantar flexion, right (MRC)"
    )
