"""The course of an episode: acceptance scenarios of issue 19, measured on real assessments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nervemap.followup import CourseSummary, measures_of, schedule_from, summarise_course
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import TRIAGE_ORDER, TriageLevel
from tests.followup.episodes import START, case, checkin

MOTOR = "new_or_progressing_motor_deficit"
CAUDA = "new_cauda_equina_features"
NOT_IMPROVING = "not_improving_after_conservative_care"
SPREADING = "spreading_pain_map"


def rules(summary: CourseSummary) -> set[str]:
    return {e.rule_id for e in summary.escalations}


def change(summary: CourseSummary, measure: str) -> tuple[str, float | None, str | None]:
    found = next(c for c in summary.changes if c.measure == measure)
    return found.trend, found.threshold, found.source_id


# ------------------------------------------------------------------ acceptance scenarios


def improving(side: str = "left") -> CourseSummary:
    return summarise_course(
        [
            checkin(0, case(side, leg_pain_nrs=7.0, back_pain_nrs=4.0, psfs=3.0)),
            checkin(
                2,
                case(side, regions=("lower_back", "buttock", "thigh_posterior"), leg_pain_nrs=5.0, psfs=5.0),
            ),
            checkin(6, case(side, regions=("lower_back", "buttock"), leg_pain_nrs=2.0, psfs=8.0)),
        ]
    )


def test_three_improving_checkins_are_routine_and_improving() -> None:
    summary = improving()
    assert summary.overall == "improving"
    assert summary.triage_level is TriageLevel.ROUTINE
    assert summary.escalations == []
    assert not summary.needs_clinician_review
    assert change(summary, "leg_pain") == ("improved", 2.0, "ostelo-2008")
    assert change(summary, "function")[0] == "improved"
    assert change(summary, "distal_rank")[0] == "improved"  # centralising: calf -> thigh -> buttock
    assert [m.most_distal_region for m in summary.measures] == ["calf", "thigh_posterior", "buttock"]
    assert [m.function_measure for m in summary.measures] == ["psfs"] * 3
    assert [d.weeks for d in summary.schedule] == [2.0, 6.0, 12.0]


def foot_drop(side: str = "left") -> CourseSummary:
    return summarise_course(
        [
            checkin(0, case(side, strength=[("ankle_dorsiflexion", 5)], leg_pain_nrs=7.0)),
            checkin(3, case(side, strength=[("ankle_dorsiflexion", 2)], leg_pain_nrs=5.0)),
        ]
    )


def test_foot_drop_at_week_three_is_urgent_with_the_rule_named() -> None:
    summary = foot_drop()
    assert summary.triage_level is TriageLevel.URGENT
    assert MOTOR in rules(summary)
    motor = next(e for e in summary.escalations if e.rule_id == MOTOR)
    assert "MRC 5 to 2" in motor.clinician_text and "left" in motor.clinician_text
    assert "koes-2007" in motor.source_ids
    assert summary.overall == "worsening"  # pain eased, but the deficit outweighs it
    assert summary.needs_clinician_review
    assert summary.schedule == []  # urgent: a clinician reviews before any routine schedule
    assert summary.measures[-1].worst_mrc == {"ankle_dorsiflexion:left": 2}


def test_a_drop_of_one_grade_is_progression_and_a_steady_grade_is_not() -> None:
    weaker = summarise_course(
        [
            checkin(0, case(strength=[("great_toe_extension", 4)], leg_pain_nrs=6.0)),
            checkin(1, case(strength=[("great_toe_extension", 3)], leg_pain_nrs=6.0)),
        ]
    )
    steady = summarise_course(
        [
            checkin(0, case(strength=[("great_toe_extension", 4)], leg_pain_nrs=6.0)),
            checkin(1, case(strength=[("great_toe_extension", 4)], leg_pain_nrs=6.0)),
        ]
    )
    assert MOTOR in rules(weaker)
    assert MOTOR not in rules(steady)
    assert steady.overall == "unchanged"


def test_a_checkin_without_an_examination_keeps_the_last_grade_and_map() -> None:
    summary = summarise_course(
        [
            checkin(
                0, case(regions=("lower_back", "buttock"), strength=[("ankle_dorsiflexion", 5)], pain_nrs=6.0)
            ),
            checkin(2, case(regions=(), pain_nrs=6.0).model_copy(update={"pain_map": None})),
            checkin(3, case(regions=("lower_back", "buttock", "calf"), strength=[("ankle_dorsiflexion", 2)])),
        ]
    )
    motor = next(e for e in summary.escalations if e.rule_id == MOTOR)
    assert "MRC 5 to 2" in motor.clinician_text  # compared with week 0, not 'not weak before'
    assert SPREADING in rules(summary)  # the map of week 0 against week 3
    assert summary.measures[1].map_regions is None and summary.measures[1].worst_mrc == {}


def saddle(side: str = "left") -> CourseSummary:
    return summarise_course(
        [
            checkin(0, case(side, leg_pain_nrs=7.0)),
            checkin(2, case(side, present=["saddle_numbness"], leg_pain_nrs=6.0)),
        ]
    )


def test_new_saddle_numbness_is_an_emergency() -> None:
    summary = saddle()
    assert summary.triage_level is TriageLevel.EMERGENCY
    assert CAUDA in rules(summary)
    cauda = next(e for e in summary.escalations if e.rule_id == CAUDA)
    assert cauda.triage_level is TriageLevel.EMERGENCY
    assert "saddle" in cauda.clinician_text.lower()
    assert "emergency" in cauda.patient_text.lower()
    assert "saddle_numbness" in summary.measures[-1].red_flags
    assert summary.schedule == []


def not_improving(side: str = "left", last_leg: float = 6.0) -> CourseSummary:
    return summarise_course(
        [
            checkin(0, case(side, duration_days=7.0, leg_pain_nrs=7.0, psfs=4.0)),
            checkin(4, case(side, duration_days=None, leg_pain_nrs=7.0, psfs=4.0)),
            checkin(8, case(side, duration_days=None, leg_pain_nrs=last_leg, psfs=4.5)),
        ]
    )


def test_not_improving_at_eight_weeks_asks_for_mri_and_a_surgical_opinion() -> None:
    summary = not_improving()
    assert NOT_IMPROVING in rules(summary)
    escalation = next(e for e in summary.escalations if e.rule_id == NOT_IMPROVING)
    assert escalation.plan_step_id == "consider_mri_and_surgical_opinion"
    assert escalation.plan_step is not None
    assert "MRI" in escalation.plan_step and "surgical opinion" in escalation.plan_step
    assert "nice-ng59-2016" in escalation.source_ids
    assert "NG59" in escalation.clinician_text
    assert summary.measures[-1].symptom_weeks == pytest.approx(9.0)  # 1 week before + 8
    assert summary.overall == "unchanged"  # not improving is not worsening: 7 -> 6 is within 2 points
    assert summary.needs_clinician_review


def test_not_improving_waits_for_six_weeks_and_stops_once_pain_improves() -> None:
    early = summarise_course(
        [
            checkin(0, case(duration_days=7.0, leg_pain_nrs=7.0)),
            checkin(4, case(duration_days=None, leg_pain_nrs=7.0)),
        ]
    )
    assert NOT_IMPROVING not in rules(early)  # 5 weeks of symptoms: too early
    assert NOT_IMPROVING not in rules(not_improving(last_leg=5.0))  # 7 -> 5: the 2-point change


def test_spreading_pain_map_raises_to_soon() -> None:
    summary = summarise_course(
        [
            checkin(0, case(regions=("lower_back", "buttock", "thigh_posterior"), leg_pain_nrs=5.0)),
            checkin(
                2,
                case(
                    regions=("lower_back", "buttock", "thigh_posterior", "calf", "foot_sole"),
                    leg_pain_nrs=5.0,
                ),
            ),
        ]
    )
    assert SPREADING in rules(summary)
    assert TRIAGE_ORDER.index(summary.triage_level) >= TRIAGE_ORDER.index(TriageLevel.SOON)
    assert summary.measures[-1].most_distal_region == "foot_sole"
    assert change(summary, "distal_rank")[0] == "worse"


# ------------------------------------------------------------------ the hold on urgent / emergency


def test_a_better_checkin_does_not_lower_an_open_emergency() -> None:
    course = [
        checkin(0, case(leg_pain_nrs=7.0)),
        checkin(1, case(present=["saddle_numbness"], leg_pain_nrs=7.0)),
        checkin(2, case(leg_pain_nrs=3.0)),
    ]
    held = summarise_course(course)
    assert held.triage_level is TriageLevel.EMERGENCY
    assert held.needs_clinician_review
    assert CAUDA in rules(held)  # still shown: the queue tells why
    reviewed = summarise_course([*course[:2], checkin(2, case(leg_pain_nrs=3.0), reviewed=True)])
    assert reviewed.triage_level is TriageLevel.ROUTINE
    assert not reviewed.needs_clinician_review
    assert reviewed.schedule  # the routine schedule is back


def test_the_schedule_returns_after_a_clinician_reviews_an_urgent_start() -> None:
    course = [
        checkin(0, case(strength=[("ankle_dorsiflexion", 2)], leg_pain_nrs=7.0), source="clinician"),
        checkin(
            1, case(strength=[("ankle_dorsiflexion", 4)], leg_pain_nrs=5.0), source="clinician", reviewed=True
        ),
    ]
    assert course[0].assessment.triage.level is TriageLevel.URGENT
    assert summarise_course(course[:1]).schedule == []
    reviewed = summarise_course(course)
    assert reviewed.triage_level is TriageLevel.ROUTINE
    assert [d.weeks for d in reviewed.schedule] == [1.0, 2.0, 6.0, 12.0]  # weakness: a week sooner


KINDS = {
    "fine": {"leg_pain_nrs": 3.0},
    "pain": {"leg_pain_nrs": 8.0},
    "weak": {"leg_pain_nrs": 6.0, "weak": True},
    "saddle": {"leg_pain_nrs": 6.0, "saddle": True},
}


def _kind_case(kind: str, side: str = "left") -> object:
    spec = KINDS[kind]
    return case(
        side,
        strength=[("ankle_dorsiflexion", 2 if spec.get("weak") else 5)],
        present=["saddle_numbness"] if spec.get("saddle") else [],
        leg_pain_nrs=float(spec["leg_pain_nrs"]),
    )


@pytest.mark.parametrize(
    "sequence",
    [
        ("fine", "saddle", "fine", "fine"),
        ("fine", "weak", "fine"),
        ("pain", "saddle", "weak", "fine"),
        ("weak", "fine", "pain"),
        ("fine", "fine", "weak", "fine", "fine"),
        ("saddle", "fine"),
    ],
)
def test_no_checkin_lowers_an_open_urgent_or_emergency_level(sequence: tuple[str, ...]) -> None:
    checkins = [checkin(2 * i, _kind_case(kind)) for i, kind in enumerate(sequence)]  # type: ignore[arg-type]
    summary = summarise_course(checkins)
    highest_open = max(
        (
            c.assessment.triage.level
            for c in checkins
            if c.assessment.triage.level.value in ("urgent", "emergency")
        ),
        key=TRIAGE_ORDER.index,
        default=TriageLevel.SELF_CARE,
    )
    for escalation in summary.escalations:
        highest_open = max(highest_open, escalation.triage_level, key=TRIAGE_ORDER.index)
    assert TRIAGE_ORDER.index(summary.triage_level) >= TRIAGE_ORDER.index(highest_open)
    if highest_open in (TriageLevel.URGENT, TriageLevel.EMERGENCY):
        assert summary.needs_clinician_review and summary.schedule == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(KINDS)), st.booleans(), st.sampled_from(["left", "right"])),
        min_size=1,
        max_size=6,
    )
)
def test_property_only_a_clinician_review_closes_an_urgent_or_emergency_level(
    steps: list[tuple[str, bool, str]],
) -> None:
    checkins = [
        checkin(2 * i, _kind_case(kind, side), reviewed=reviewed)  # type: ignore[arg-type]
        for i, (kind, reviewed, side) in enumerate(steps)
    ]
    summary = summarise_course(checkins)
    reviewed_at = max((i for i, (_, reviewed, _) in enumerate(steps) if reviewed), default=0)
    floor = checkins[-1].assessment.triage.level
    for later in checkins[reviewed_at:]:
        if later.assessment.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY):
            floor = max(floor, later.assessment.triage.level, key=TRIAGE_ORDER.index)
    assert TRIAGE_ORDER.index(summary.triage_level) >= TRIAGE_ORDER.index(floor)
    if summary.triage_level in (TriageLevel.URGENT, TriageLevel.EMERGENCY):
        assert summary.schedule == []


# ------------------------------------------------------------------ left / right symmetry


def _mirror_keys(keys: dict[str, int]) -> dict[str, int]:
    swap = {"left": "right", "right": "left"}
    return {f"{k.split(':')[0]}:{swap[k.split(':')[1]]}": v for k, v in keys.items()}


@pytest.mark.parametrize("scenario", [improving, foot_drop, saddle, not_improving])
def test_rules_read_left_and_right_alike(scenario: object) -> None:
    left = scenario("left")  # type: ignore[operator]
    right = scenario("right")  # type: ignore[operator]
    assert rules(left) == rules(right)
    assert left.triage_level == right.triage_level
    assert left.overall == right.overall
    assert [c.trend for c in left.changes] == [c.trend for c in right.changes]
    for a, b in zip(left.measures, right.measures, strict=True):
        assert _mirror_keys(a.worst_mrc) == b.worst_mrc
        assert (a.map_regions, a.distal_rank, a.leg_pain) == (b.map_regions, b.distal_rank, b.leg_pain)


# ------------------------------------------------------------------ measures and changes


def test_leg_pain_falls_back_to_the_single_pain_score() -> None:
    one = checkin(0, case(pain_nrs=6.0))
    both = checkin(0, case(pain_nrs=6.0, leg_pain_nrs=8.0))
    assert measures_of(one, START).leg_pain == 6.0
    assert measures_of(both, START).leg_pain == 8.0
    assert measures_of(one, START).back_pain is None


@pytest.mark.parametrize(
    ("before", "after", "trend"),
    [
        (7.0, 6.0, "unchanged"),  # 1 point and 14 %: below both thresholds
        (3.0, 2.0, "improved"),  # 1 point but 33 % of 3: the relative threshold
        (5.0, 3.0, "improved"),  # exactly the 2-point minimal important change
        (4.0, 5.5, "unchanged"),  # worse by less than 2 points
        (4.0, 6.0, "worse"),
    ],
)
def test_pain_changes_use_the_minimal_important_change(before: float, after: float, trend: str) -> None:
    summary = summarise_course([checkin(0, case(leg_pain_nrs=before)), checkin(2, case(leg_pain_nrs=after))])
    assert change(summary, "leg_pain")[0] == trend


def test_different_function_instruments_are_not_compared() -> None:
    summary = summarise_course([checkin(0, case(psfs=3.0)), checkin(2, case(rmdq=10))])
    assert change(summary, "function")[0] == "not comparable"
    assert [m.function_measure for m in summary.measures] == ["psfs", "rmdq"]


def test_a_map_read_from_a_note_has_no_extent() -> None:
    measures = measures_of(checkin(0, case(complete_map=False)), START)
    assert measures.map_regions is None and measures.distal_rank is None


def test_weeks_since_start_and_first_checkin() -> None:
    summary = summarise_course([checkin(0, case(leg_pain_nrs=5.0))])
    assert summary.overall == "first check-in"
    assert summary.changes == []
    later = measures_of(checkin(3, case()), START - timedelta(weeks=1))
    assert later.weeks_since_start == pytest.approx(4.0)


# ------------------------------------------------------------------ schedule


def test_schedule_is_sooner_with_a_motor_deficit_and_absent_when_urgent() -> None:
    plain = checkin(0, case())
    weak = checkin(0, case(strength=[("ankle_dorsiflexion", 4)]))
    drop = checkin(0, case(strength=[("ankle_dorsiflexion", 2)]))
    assert [d.weeks for d in schedule_from(plain.assessment, START)] == [2.0, 6.0, 12.0]
    assert [d.weeks for d in schedule_from(weak.assessment, START)] == [1.0, 2.0, 6.0, 12.0]
    assert drop.assessment.triage.level is TriageLevel.URGENT
    assert schedule_from(drop.assessment, START) == []
    due = schedule_from(plain.assessment, START)
    assert due[1].due_at == START + timedelta(weeks=6)
    sources = {s.id for s in default_knowledge().knowledge.sources} | {"expert-estimate"}
    assert {d.source_id for d in due} <= sources
    assert due[1].source_id != "expert-estimate"  # 6 weeks is cited, 2 weeks is an estimate


# ------------------------------------------------------------------ JSON, as the store keeps it


def test_summary_round_trips_through_json() -> None:
    for summary in (improving(), foot_drop(), saddle(), not_improving()):
        document = summary.model_dump(mode="json")
        assert CourseSummary.model_validate(document) == summary
