"""The patient's plan in plain language (issue 15 item 4): every plan step a patient may see has
its own wording at US grade 8 or below; patients see 3-5 steps that fit what is known; clinicians
keep the full plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.knowledge.loader import default_knowledge
from nervemap.presentation.plain import NOT_ASSESSED, severity_measured, summarise
from nervemap.web.present import MAX_PATIENT_STEPS, patient_plan
from tests.web.readability import MAX_GRADE, grade

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"
COMMON = {
    "lumbar_disc_herniation",
    "lateral_recess_foraminal_stenosis",
    "central_lumbar_stenosis",
    "nonspecific_low_back_pain",
    "facet_joint_disease",
    "degenerative_disc_disease",
    "spondylolisthesis",
}


def _cases() -> list[dict[str, object]]:
    return [json.loads(line)["case"] for line in GOLDEN.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def golden() -> list[tuple[dict[str, object], Assessment]]:
    return [(case, assess(Case.model_validate(case))) for case in _cases()]


def test_every_patient_plan_text_is_grade_8_or_below() -> None:
    steps = [s for s in default_knowledge().knowledge.plans if s.patient]
    assert len(steps) >= 40
    too_hard = {s.id: round(grade(s.patient or ""), 1) for s in steps if grade(s.patient or "") > MAX_GRADE}
    assert too_hard == {}


def test_generated_patient_sentences_are_grade_8_or_below() -> None:
    from nervemap.presentation import plain

    sentences = [NOT_ASSESSED, plain.CANNOT_TELL, *plain.SEVERITY_WORDS.values(), *plain.URGENCY.values()]
    for assessment in (assess(Case.model_validate({})), assess(Case.model_validate({"age": 40}))):
        summary = summarise(assessment)
        sentences += [summary.certainty]
    too_hard = {s: round(grade(s), 1) for s in sentences if grade(s) > MAX_GRADE}
    assert too_hard == {}


def test_every_triage_advice_is_grade_8_or_below() -> None:
    """The advice a patient reads with a triage level: each rule's own and the engine's default."""
    from nervemap.engine.triage import PATIENT_ADVICE

    triage = default_knowledge().knowledge.triage
    texts = {rule.id: rule.patient_advice for rule in triage.red_flags if rule.patient_advice}
    texts.update({f"default {level.value}": text for level, text in PATIENT_ADVICE.items()})
    assert len(texts) >= 40
    too_hard = {key: round(grade(text), 1) for key, text in texts.items() if grade(text) > MAX_GRADE}
    assert too_hard == {}


def test_patient_needs_name_known_findings() -> None:
    knowledge = default_knowledge().knowledge
    findings = {f.id for f in knowledge.findings}
    for step in knowledge.plans:
        assert set(step.patient_needs) <= findings, step.id
        assert not step.patient_needs or step.patient, f"{step.id}: patient_needs without patient wording"


def test_patients_see_at_most_five_steps_that_fit_what_is_known(
    golden: list[tuple[dict[str, object], Assessment]],
) -> None:
    plans = {s.id: s for s in default_knowledge().knowledge.plans}
    common = 0
    for case, assessment in golden:
        known = severity_measured(assessment)
        shown = patient_plan(assessment, known)
        assert len(shown) <= MAX_PATIENT_STEPS
        assert sum(s.avoid for s in shown) <= 1 and (not shown or not any(s.avoid for s in shown[:-1]))
        present = {f.id for f in assessment.findings_used if f.status == "present"}
        for item in shown:
            step = plans[item.id]
            assert item.text == step.patient
            assert set(step.patient_needs) <= present
            if case.get("duration_days") is None:
                assert step.min_duration_days is None and step.max_duration_days is None, item.id
            if not known:
                assert step.min_severity is None and step.max_severity is None, item.id
        if assessment.differential[0].id in COMMON and assessment.triage.level.value in (
            "routine",
            "soon",
            "self-care",
        ):
            common += 1
            assert len(shown) >= 3, (case.get("id"), [s.id for s in shown])
    assert common >= 10


def test_no_foot_drop_brace_without_foot_drop_and_no_timing_without_duration() -> None:
    sciatica = {
        "age": 40,
        "pain_map": [
            {"region": "buttock", "side": "left"},
            {"region": "thigh_posterior", "side": "left"},
            {"region": "leg_lateral", "side": "left"},
            {"region": "foot_dorsum", "side": "left"},
        ],
        "findings": [
            {"id": "back_pain", "status": "present"},
            {"id": "radiating_leg_pain", "status": "present"},
        ],
    }
    assessment = assess(Case.model_validate(sciatica))
    shown = {s.id for s in patient_plan(assessment, severity_measured(assessment))}
    clinician = {p.id for p in assessment.plan}
    assert "fibular_ankle_foot_orthosis" not in shown
    timed = {s.id for s in default_knowledge().knowledge.plans if s.min_duration_days or s.max_duration_days}
    assert not shown & timed
    assert shown <= clinician and len(clinician) > len(shown)  # clinicians keep the full plan
    with_drop = assess(
        Case.model_validate(
            {**sciatica, "findings": [*sciatica["findings"], {"id": "foot_drop", "status": "present"}]}
        )
    )
    plans = {p.id for p in with_drop.plan}
    if "fibular_ankle_foot_orthosis" in plans:
        steps = patient_plan(with_drop, severity_measured(with_drop))
        assert all(plans >= {s.id} for s in steps)
