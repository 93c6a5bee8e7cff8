"""The CDS Hooks card of a follow-up episode: shown only when a check-in escalated, naming the rule
and citing its guideline."""

from __future__ import annotations

from nervemap.followup.models import CourseSummary, Escalation, MeasureChange
from nervemap.interop.cds_cards import course_card
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import TriageLevel
from tests.followup.courses import NG59, foot_drop_course, improving_course, measures

KB = default_knowledge().knowledge


def test_no_card_without_an_escalation() -> None:
    assert course_card(KB, improving_course()) is None


def test_a_progressing_deficit_is_a_warning_naming_the_rule_and_citing_ng59() -> None:
    course = foot_drop_course().model_copy(
        update={
            "changes": [
                MeasureChange(
                    measure="mrc:ankle_dorsiflexion:left", previous=4, current=2, change=-2, trend="worse"
                ),
                MeasureChange(
                    measure="back_pain", previous=None, current=5, change=None, trend="not comparable"
                ),
            ]
        }
    )
    card = course_card(KB, course, episode_url="https://nervemap.example/clinic/episodes/ep-1")
    assert card is not None
    assert card["indicator"] == "warning"
    assert card["summary"] == "URGENT follow-up: New or progressing weakness [NICE NG59]"
    assert len(card["summary"]) < 140
    assert card["source"]["url"] == "https://www.nice.org.uk/guidance/ng59"
    detail = card["detail"]
    assert (
        "**Follow-up check-in at week 3.0 of the episode: episode triage urgent** (course worsening)"
        in detail
    )
    assert "rule followup-motor-deficit-new-or-progressing" in detail and f"[{NG59}]" in detail
    assert "| MRC ankle dorsiflexion, left | 4 | 2 | worse |" in detail
    assert "Back pain" not in detail  # not comparable: left out
    assert "A clinician needs to review this episode" in detail
    assert card["links"] == [
        {
            "label": "Open the episode in nervemap",
            "url": "https://nervemap.example/clinic/episodes/ep-1",
            "type": "absolute",
        }
    ]


def test_the_most_urgent_rule_leads_and_sets_the_indicator() -> None:
    motor = foot_drop_course().escalations[0]
    saddle = Escalation(
        rule_id="new_cauda_equina_features",
        triage_level=TriageLevel.EMERGENCY,
        clinician_text="New cauda-equina features since the last check-in (saddle numbness): emergency MRI.",
        patient_text="Go to an emergency department now.",
        source_ids=["expert-estimate", NG59],
        plan_step_id="ces_emergency_mri",
    )
    course = CourseSummary(
        measures=[measures(0, 6, 3, {}), measures(1, 7, 3, {}, TriageLevel.EMERGENCY)],
        overall="worsening",
        escalations=[motor, saddle],
        triage_level=TriageLevel.EMERGENCY,
        needs_clinician_review=True,
    )
    card = course_card(KB, course)
    assert card is not None
    assert card["indicator"] == "critical"
    assert (
        card["summary"]
        == "EMERGENCY follow-up: New cauda-equina features since the last check-in (+1 more) [NICE NG59]"
    )
    assert card["detail"].index("new_cauda_equina_features") < card["detail"].index(motor.rule_id)
    assert "Plan step: ces_emergency_mri" in card["detail"]
    assert "links" not in card
