"""Red-flag safety of the interview policy (session 13): a danger the answers point at is asked
about before the interview stops, and the level a stop reports is the assessment of the answers."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.triage import rule_findings, rule_fires
from nervemap.interview import InterviewSession, StopReason
from nervemap.interview.policy import ESCALATE_WHY, SAFETY_WHY, PolicyConfig, next_step
from nervemap.interview.respondent import respond
from nervemap.interview.safety import questions_setting, safety_questions
from nervemap.knowledge.models import TriageLevel
from tests.web.readability import MAX_GRADE, grade

from .helpers import golden, run

# A man in his forties whose foot has flopped since a week of kneeling to lay a floor: numb on the
# outer shin and the top of the foot, no back pain, nothing travelling down from the back. Every
# answer points at the nerve at the side of the knee; the foot that drags is what makes it urgent.
KNEELING_FLOOR_LAYER = {
    "id": "floor-layer-foot-drop",
    "age": 44,
    "sex": "male",
    "setting": "primary-care",
    "duration_days": 6,
    "onset": "sudden",
    "pain_map": [
        {"region": "leg_lateral", "side": "right", "kind": "numbness"},
        {"region": "foot_dorsum", "side": "right", "kind": "numbness"},
    ],
    "findings": [
        {"id": "foot_drop_reported", "status": "present", "side": "right"},
        {"id": "leg_numbness", "status": "present", "side": "right"},
        {"id": "fibular_compression_risk", "status": "present"},
        {"id": "back_pain", "status": "absent"},
        {"id": "radiating_leg_pain", "status": "absent", "side": "right"},
    ],
}


def _case(changes: dict[str, object] | None = None) -> Case:
    return Case.model_validate({**KNEELING_FLOOR_LAYER, **(changes or {})})


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_a_foot_drop_in_a_confident_nerve_palsy_is_caught_before_the_limit(mode: str) -> None:
    case = _case()
    assert assess(case).triage.level == TriageLevel.URGENT  # the full answer: a foot drop is urgent
    session = InterviewSession(mode, case.setting)  # type: ignore[arg-type]
    asked = run(session, case)
    assert "foot_drag" in asked or "strength_ankle_up" in asked
    assert session.stop_reason == StopReason.RED_FLAG
    assert session.current_assessment().triage.level == TriageLevel.URGENT
    counted = [q for q in asked if session.catalogue.by_id[q].budget]
    assert len(counted) <= session.config.max_questions


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_a_confident_stop_waits_for_an_open_red_flag_question(mode: str) -> None:
    """The same palsy told without the dragging foot: once the answers are confident in the nerve,
    the interview asks whether the foot drags (the urgent rule that suspects that nerve could still
    fire) instead of stopping, as the policy without the rule would."""
    no_drag = [f for f in KNEELING_FLOOR_LAYER["findings"] if f["id"] != "foot_drop_reported"]  # type: ignore[index, union-attr]
    case = _case({"findings": no_drag})
    session = InterviewSession(mode, case.setting)  # type: ignore[arg-type]
    while (question := session.next_question()) is not None and session.step().why != SAFETY_WHY:
        session.answer(question.id, respond(question, case))
    assert question is not None and question.id == "foot_drag"
    assessment = session.current_assessment()
    config = session.config
    assert assessment.differential[0].id == "common_fibular_neuropathy"
    assert assessment.differential[0].probability >= config.condition_target
    assert assessment.localization[0].probability >= config.site_target
    without = PolicyConfig(red_flag_suspect=1.0)  # no rule opened by the differential alone
    old = next_step(
        session.catalogue, session.compiled, mode, session.asked, session.case, assessment, without
    )  # type: ignore[arg-type]
    assert old.question is None and old.stop == StopReason.CONFIDENT


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_an_urgent_red_flag_asks_what_would_make_it_an_emergency(mode: str) -> None:
    """Shooting pain down both legs is urgent; started within two weeks it is an emergency (a
    possible cauda equina): the interview asks how long before it stops, and reports the level the
    answer supports."""
    for weeks, level in ((1, TriageLevel.EMERGENCY), (30, TriageLevel.URGENT)):
        session = InterviewSession(mode)  # type: ignore[arg-type]
        session.answer("red_flags_nerves", ["both_legs_pain"])
        session.answer("red_flags_general", [])
        step = session.step()
        assert step.question is not None and step.question.id == "duration"
        assert step.why == ESCALATE_WHY[mode]
        session.answer("duration", weeks)
        while (question := session.next_question()) is not None:
            session.answer(question.id, "unknown")
        assert session.stop_reason == StopReason.RED_FLAG
        assert session.current_assessment().triage.level == level


def test_the_escalation_reason_is_plain_for_patients() -> None:
    assert grade(ESCALATE_WHY["patient"]) <= MAX_GRADE


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_a_red_flag_stop_reports_the_assessment_of_the_answers_given(mode: str) -> None:
    """The stop's level is that of the case the answers make, not of anything the interview did not
    ask (a red flag found after three answers reports what three answers support)."""
    session = InterviewSession(mode)  # type: ignore[arg-type]
    session.answer("red_flags_nerves", [])
    session.answer("red_flags_general", ["cancer", "night_pain"])
    while (question := session.next_question()) is not None:
        session.answer(question.id, "unknown")
    assert session.stop_reason == StopReason.RED_FLAG
    told = assess(session.case).triage
    red_flag = session.red_flag()
    assert red_flag is not None and red_flag["level"] == told.level.value == TriageLevel.URGENT
    # the policy reads the same: asked again from scratch it stops there too
    step = next_step(
        session.catalogue,
        session.compiled,
        mode,  # type: ignore[arg-type]
        session.asked,
        session.case,
        assess(session.case),
        session.config,
    )
    assert step.question is None and step.stop == StopReason.RED_FLAG


# A woman three days after a knee operation with a swollen, painful calf who has become short of
# breath: a clot in the leg is urgent; one that may have reached the lungs is an emergency.
SWOLLEN_CALF_AFTER_SURGERY = {
    "id": "calf-after-knee-operation",
    "age": 63,
    "sex": "female",
    "setting": "primary-care",
    "duration_days": 3,
    "onset": "gradual",
    "pain_map": [{"region": "calf", "side": "left"}],
    "findings": [
        {"id": "leg_swelling", "status": "present", "side": "left"},
        {"id": "recent_surgery_or_immobility", "status": "present"},
        {"id": "pulmonary_embolism_symptoms", "status": "present"},
        {"id": "back_pain", "status": "absent"},
    ],
}


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_breathlessness_is_asked_when_a_clot_in_the_leg_is_urgent(mode: str) -> None:
    """No question asked about breathlessness before session 13, so the emergency rule for a clot
    that may have reached the lungs could not fire from an interview: it stopped at urgent."""
    case = Case.model_validate(SWOLLEN_CALF_AFTER_SURGERY)
    assert assess(case).triage.level == TriageLevel.EMERGENCY
    session = InterviewSession(mode, case.setting)  # type: ignore[arg-type]
    asked = run(session, case)
    assert "breathless" in asked and session.catalogue.by_id["breathless"].phase == "safety"
    assert session.stop_reason == StopReason.RED_FLAG
    assert session.current_assessment().triage.level == TriageLevel.EMERGENCY


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_red_flag_questions_are_never_chosen_for_information_gain(mode: str) -> None:
    """The safety phase's questions settle an open red-flag rule; an ordinary interview (a disc
    pressing on a root, nothing urgent) neither ranks nor asks them."""
    case = golden("l5-left-disc")
    session = InterviewSession(mode, case.setting)  # type: ignore[arg-type]
    safety = {q.id for q in session.catalogue.questions if q.phase == "safety"}
    assert len(safety) >= 10
    while (question := session.next_question()) is not None:
        assert not safety & {r.question.id for r in session.step().ranking}
        assert question.id not in safety
        session.answer(question.id, respond(question, case))


def _settable(rule: object, mode: str, session: InterviewSession) -> set[str]:
    return {
        f
        for f in rule_findings(rule)  # type: ignore[arg-type]
        if any(q.asked_in(mode) for q in questions_setting(f, session.catalogue, session.compiled))  # type: ignore[arg-type]
    }


def test_every_urgent_or_emergency_rule_can_fire_from_an_interview() -> None:
    """A clinician's interview can set enough of every urgent or emergency red-flag rule to fire it;
    a patient's, every rule that can fire on what a patient can be asked (the knowledge base's
    patient_askable findings; tests, examination and imaging are for the clinician)."""
    session = InterviewSession("clinician")
    findings = session.compiled.findings
    for rule in session.compiled.knowledge.triage.red_flags:
        if rule.level not in (TriageLevel.URGENT, TriageLevel.EMERGENCY):
            continue
        assert rule_fires(rule, _settable(rule, "clinician", session)), rule.id
        askable = {
            f for f in rule_findings(rule) if findings[f].patient_askable and findings[f].derive is None
        }
        if rule_fires(rule, askable):
            assert rule_fires(rule, _settable(rule, "patient", session)), rule.id


# A diabetic man of 71, two and a half weeks after an injection into his spine: back pain, a
# tender spine, a raised CRP, no fever. The raised CRP with back pain is urgent; everything
# together makes a spinal abscess likely enough (over triage.yaml's 0.1) to be an emergency.
TENDER_SPINE_AFTER_INJECTION = {
    "id": "tender-spine-after-injection",
    "age": 71,
    "sex": "male",
    "setting": "primary-care",
    "duration_days": 18,
    "onset": "gradual",
    "pain_map": [{"region": "lower_back", "side": "left"}, {"region": "lower_back", "side": "right"}],
    "findings": [
        {"id": "recent_spinal_procedure", "status": "present"},
        {"id": "esr_crp_raised", "status": "present"},
        {"id": "spinal_midline_tenderness", "status": "present"},
        {"id": "diabetes", "status": "present"},
        {"id": "back_pain", "status": "present"},
        {"id": "fever", "status": "absent"},
        {"id": "radiating_leg_pain", "status": "absent"},
    ],
}


def test_an_urgent_flag_takes_a_closer_look_at_the_condition_it_suspects() -> None:
    """After the urgent flag, the questions that best tell whether the suspected abscess is there
    are asked until none is expected to tell enough; without them the interview stops urgent."""
    case = Case.model_validate(TENDER_SPINE_AFTER_INJECTION)
    assert assess(case).triage.level == TriageLevel.EMERGENCY
    levels = {}
    for name, config in (
        ("closer look", PolicyConfig()),
        ("none", PolicyConfig(suspect_min_gain=float("inf"))),
    ):
        session = InterviewSession("clinician", case.setting, config=config)
        run(session, case)
        assert session.stop_reason == StopReason.RED_FLAG
        levels[name] = session.current_assessment().triage.level
    assert levels == {"closer look": TriageLevel.EMERGENCY, "none": TriageLevel.URGENT}


def test_the_simulated_respondent_leaves_out_an_exam_grade_without_a_side() -> None:
    """A case read from a note may grade a movement without its side; the interview takes graded
    tests with a side only, so the simulated respondent tells the sided ones and the rest is not
    known (before, the simulation of such a case stopped with an answer error)."""
    case = Case.model_validate(
        {
            "id": "unsided-weakness",
            "age": 50,
            "strength": [
                {"movement": "ankle_plantarflexion", "grade": 4},
                {"movement": "toe_flexion", "side": "left", "grade": 4},
            ],
            "reflexes": [{"reflex": "achilles", "grade": 1}],
        }
    )
    session = InterviewSession("clinician")
    catalogue = session.catalogue
    strength = respond(catalogue.by_id["strength_ankle_down"], case)
    assert strength == [{"movement": "toe_flexion", "side": "left", "grade": 4}]
    session.answer("strength_ankle_down", strength)
    assert respond(catalogue.by_id["reflexes"], case) == "unknown"


def _interview(case: Case, config: PolicyConfig) -> tuple[InterviewSession, list[tuple[str, bool, bool]]]:
    """The clinician's interview of ``case``: each question asked, whether a red-flag rule had
    fired before it, and whether it was one that could make the flag an emergency."""
    session = InterviewSession("clinician", case.setting, config=config)
    steps = []
    while (question := session.next_question()) is not None:
        assessment = session.current_assessment()
        escalating = safety_questions(
            session.catalogue,
            session.compiled,
            "clinician",
            session.asked,
            assessment,
            levels=(TriageLevel.EMERGENCY,),
            suspect_probability=config.red_flag_suspect,
        )
        steps.append((question.id, bool(assessment.triage.red_flags), question in escalating))
        session.answer(question.id, respond(question, case))
    return session, steps


def test_the_closer_look_after_an_urgent_flag_ends_after_a_few_questions() -> None:
    """The closer look may go past the question budget, but it ends once ``closer_look_max``
    questions were asked since the urgent flag fired (E s14); the questions that could make the flag
    an emergency are asked whatever the allowance."""
    case = Case.model_validate(TENDER_SPINE_AFTER_INJECTION)
    session, steps = _interview(case, PolicyConfig())
    assert session.stop_reason == StopReason.RED_FLAG
    assert session.current_assessment().triage.level == TriageLevel.EMERGENCY
    fired = next(i for i, (_, flagged, _) in enumerate(steps) if flagged) - 1
    closer = [i - fired - 1 for i, (_, _, escalating) in enumerate(steps) if i > fired and not escalating]
    assert closer  # the default allowance reaches the closer look of this case
    assert max(closer) < PolicyConfig().closer_look_max
    allowance = min(closer)  # no room left for the closer look
    capped, capped_steps = _interview(case, PolicyConfig(closer_look_max=allowance))
    assert capped.stop_reason == StopReason.RED_FLAG
    assert capped.current_assessment().triage.level == TriageLevel.URGENT
    expected = [q for i, (q, _, escalating) in enumerate(steps) if i <= fired or escalating]
    assert [q for q, _, _ in capped_steps] == expected


# A woman of 68 with two days of pain in the left groin and the front of the thigh; nothing yet
# about her medicines or the strength of her thigh. A nerve at the front of the thigh is among the
# causes the answers suggest; a bleed pressing on it needs BOTH a blood thinner and a weak thigh.
GROIN_AND_FRONT_OF_THIGH = {
    "id": "groin-front-of-thigh",
    "age": 68,
    "sex": "female",
    "setting": "primary-care",
    "duration_days": 2,
    "pain_map": [{"region": "groin", "side": "left"}, {"region": "thigh_anterior", "side": "left"}],
    "findings": [
        {"id": "groin_pain", "status": "present", "side": "left"},
        {"id": "back_pain", "status": "absent"},
    ],
}


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_a_rule_that_needs_two_more_answers_gets_its_questions_when_the_answers_point_at_it(
    mode: str,
) -> None:
    """femoral_nerve_haematoma needs an anticoagulant (or a bleeding tendency) and a weak thigh
    besides the groin pain; no one answer can fire it. When the differential suspects the femoral
    nerve, the questions of both are open before the interview stops (E s14); before, none was."""
    case = Case.model_validate(GROIN_AND_FRONT_OF_THIGH)
    session = InterviewSession(mode)  # type: ignore[arg-type]
    assessment = assess(case)
    suspected = {d.id: d.probability for d in assessment.differential}
    assert suspected["femoral_neuropathy"] >= PolicyConfig().red_flag_suspect
    open_ids = {
        q.id
        for q in safety_questions(
            session.catalogue,
            session.compiled,
            mode,
            [],
            assessment,
            suspect_probability=PolicyConfig().red_flag_suspect,
        )  # type: ignore[arg-type]
    }
    assert "medicines" in open_ids  # the anticoagulant
    assert ("strength_knee" if mode == "clinician" else "leg_weak") in open_ids  # the weak thigh
    # a rule nothing points at opens no pair: without the suspected nerve the medicines wait
    unsuspected = {
        q.id
        for q in safety_questions(
            session.catalogue, session.compiled, mode, [], assessment, suspect_probability=1.0
        )  # type: ignore[arg-type]
    }
    assert "medicines" not in unsuspected
