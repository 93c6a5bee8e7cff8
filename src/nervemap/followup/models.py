"""Follow-up over time (issue 19): the records a course of check-ins is read into.

These models are a contract shared by the store, the API, the web pages, the SVG timeline and FHIR:
field names and meanings are stable, and every model serialises with ``model_dump(mode="json")``.

A check-in is one assessment at one moment of an episode; the episode's first check-in is the
assessment that started it. :class:`CheckinMeasures` is what nervemap reads from one check-in,
:class:`MeasureChange` compares one measure with the previous check-in, :class:`Escalation` is a
follow-up rule that fired, and :class:`CourseSummary` is the whole course at a glance.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.knowledge.models import Strict, TriageLevel

Trend = Literal["improved", "worse", "unchanged", "not comparable"]
Overall = Literal["improving", "unchanged", "worsening", "first check-in"]
CheckinSource = Literal["patient", "clinician"]


class FollowupModel(Strict):
    """The one strict, frozen base model (``knowledge.models.Strict``), not a copy of it."""


class CheckinInput(FollowupModel):
    """One check-in as the caller holds it: the case, its assessment, when and by whom."""

    at: AwareDatetime = Field(description="When the check-in was made (time-zone aware)")
    case: Case
    assessment: Assessment
    source: CheckinSource = Field(description="'patient' (interview link) or 'clinician'")
    reviewed_by_clinician: bool = Field(
        default=False,
        description="True when a clinician reviewed this check-in: only then may the episode's "
        "triage fall below an open emergency or urgent level",
    )


class CheckinMeasures(FollowupModel):
    """The course measures read from one check-in (None: not asked or not examined)."""

    at: datetime
    weeks_since_start: float = Field(description="Weeks since the episode's first check-in")
    leg_pain: float | None = Field(default=None, description="Leg pain 0-10 (NRS)")
    back_pain: float | None = Field(default=None, description="Back pain 0-10 (NRS)")
    function: float | None = Field(
        default=None, description="Function score on the scale named in 'function_measure'"
    )
    function_measure: str | None = Field(
        default=None, description="Which function measure: a measure id of the follow-up knowledge"
    )
    map_regions: int | None = Field(
        default=None, description="Pain-map extent: number of regions marked (None: no map)"
    )
    most_distal_region: str | None = Field(
        default=None, description="The marked region furthest down the leg (body-map region id)"
    )
    distal_rank: int | None = Field(
        default=None, description="Rank of the most distal region: 0 back ... higher is further down"
    )
    worst_mrc: dict[str, int] = Field(
        default_factory=dict,
        description="Worst MRC grade 0-5 per 'movement:side' examined (side 'unsided' when not stated)",
    )
    red_flags: list[str] = Field(
        default_factory=list, description="Red-flag finding ids present at this check-in"
    )
    triage_level: TriageLevel = Field(description="The check-in assessment's own triage level")
    symptom_weeks: float | None = Field(
        default=None,
        description="Weeks of symptoms at this check-in: the duration reported, else the first "
        "check-in's duration plus the weeks since (None when no duration was ever given)",
    )


class MeasureChange(FollowupModel):
    """One measure of the latest check-in compared with the previous one."""

    measure: str = Field(
        description="'leg_pain', 'back_pain', 'function', 'map_regions', "
        "'distal_rank', or 'mrc:<movement>:<side>'"
    )
    previous: float | None
    current: float | None
    change: float | None = Field(description="current - previous (None when either is missing)")
    trend: Trend
    threshold: float | None = Field(
        default=None, description="The minimal important change applied (None: any change counts)"
    )
    source_id: str | None = Field(
        default=None, description="Bibliography id behind the threshold, or 'expert-estimate'"
    )


class Escalation(FollowupModel):
    """A follow-up rule that fired at the latest check-in."""

    rule_id: str
    triage_level: TriageLevel = Field(description="The level the rule raises the episode to (at least)")
    clinician_text: str
    patient_text: str
    source_ids: list[str]
    plan_step_id: str | None = Field(
        default=None, description="A plan step the rule asks for, e.g. imaging and a surgical opinion"
    )
    plan_step: str | None = Field(default=None, description="That plan step in the clinician's words")
    at: datetime | None = Field(default=None, description="The check-in at which the rule fired")


class CheckinDue(FollowupModel):
    """A planned check-in."""

    weeks: float = Field(description="Weeks after the episode's start")
    due_at: datetime
    reason: str
    source_id: str = Field(description="Bibliography id, or 'expert-estimate'")


class CourseSummary(FollowupModel):
    """The course at a glance: measures per check-in, the latest changes, escalations, schedule."""

    measures: list[CheckinMeasures] = Field(description="One per check-in, oldest first")
    changes: list[MeasureChange] = Field(
        default_factory=list, description="The latest check-in against the previous one"
    )
    overall: Overall
    escalations: list[Escalation] = Field(default_factory=list)
    triage_level: TriageLevel = Field(
        description="The episode's triage: the latest check-in's level raised by escalations, "
        "never below an open emergency/urgent level unless a clinician reviewed a later check-in"
    )
    needs_clinician_review: bool
    schedule: list[CheckinDue] = Field(
        default_factory=list, description="Planned check-ins (empty with an emergency/urgent triage)"
    )
