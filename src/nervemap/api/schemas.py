"""Request and response bodies, one family per resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SecretStr,
    Tag,
    model_validator,
)

from nervemap.engine.assessment import (
    Assessment,
    Fit,
    ImagingConcordance,
    SeverityResult,
    SourceVerdict,
    Suspected,
)
from nervemap.engine.case import Case
from nervemap.followup import CheckinMeasures, CourseSummary, Escalation
from nervemap.knowledge.models import Setting, TriageLevel
from nervemap.services.accounts import Role
from nervemap.services.episodes import ScheduleEdit, ScheduleItem
from nervemap.services.limits import MAX_COMMENT_CHARS

MAX_TEXT_CHARS = 100_000
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NOT_A_NUMBER = "must be an ISO 8601 date-time such as 2026-01-31T09:00:00Z, not a number"


def _not_a_number(value: object) -> object:
    """A date-time query parameter is an ISO 8601 string: pydantic would read a number ("0.5",
    "1700000000") as Unix time, so ``until=0.5`` meant 1970-01-01 and filtered out everything."""
    if isinstance(value, (int, float)):
        raise ValueError(NOT_A_NUMBER)
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        raise ValueError(NOT_A_NUMBER)
    return value


DateTimeQuery = Annotated[datetime, BeforeValidator(_not_a_number)]
"""A date-time in a query (``since``, ``until``): ISO 8601, UTC if no zone; a bare number is refused."""


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------ auth and users


class LoginRequest(Body):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    password: SecretStr = Field(max_length=1000)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class UserCreate(Body):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    role: Role
    password: SecretStr = Field(min_length=12, max_length=1000)


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    created_at: datetime
    active: bool = True


class PasswordChange(Body):
    """A user's own new password; the old one proves it is them. Every earlier token stops working."""

    old_password: SecretStr = Field(max_length=1000)
    new_password: SecretStr = Field(min_length=12, max_length=1000)


class PasswordReset(Body):
    """An admin sets a user's password; the user's tokens and sessions stop working."""

    password: SecretStr = Field(min_length=12, max_length=1000)


# ------------------------------------------------------------------ assessments


class TextInput(Body):
    """A clinical note to read into a case (needs the nervemap.nlp extractor)."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    setting: Setting = Setting.PRIMARY_CARE


def _input_kind(value: Any) -> str:
    if isinstance(value, dict) and "text" in value:
        return "~text"
    if isinstance(value, BaseModel):
        return "~text" if isinstance(value, TextInput) else "~case"
    return "~case"


AssessmentInput = Annotated[
    Annotated[Case, Tag("~case")] | Annotated[TextInput, Tag("~text")],
    Discriminator(_input_kind),
]


class Review(BaseModel):
    comment: str
    reviewed_by: uuid.UUID
    reviewed_at: datetime


class AssessmentSummary(BaseModel):
    id: uuid.UUID
    created_at: datetime
    created_by: uuid.UUID
    source_kind: Literal["structured", "text"]
    status: Literal["new", "reviewed"]
    triage_level: str
    top_condition_id: str | None
    knowledge_version: str
    nervemap_version: str
    review: Review | None = None


class AssessmentOut(AssessmentSummary):
    """The whole stored record (``?detail=full``): the input and the assessment with its evidence."""

    detail: Literal["full"] = Field(default="full", description="The whole record")
    input: dict[str, Any] = Field(description="The case as given (and, for text, the extracted case)")
    output: Assessment


# ------------------------------------------------------------------ the headline (default answer)


class TopEvidence(BaseModel):
    """One of the findings that weigh most for or against a conclusion (full items: ?detail=full)."""

    finding: str
    label: str
    status: Literal["present", "absent"]
    weight: float = Field(description="Natural-log likelihood-ratio contribution (+ for, - against)")


class TopEvidenceSet(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    for_: list[TopEvidence] = Field(default_factory=list, alias="for")
    against: list[TopEvidence] = Field(default_factory=list)


class HeadlineSite(BaseModel):
    """A site of the localisation (root, nerve and close alternatives only when there are some)."""

    site: str
    site_id: str | None = None
    root: str | None = None
    nerve: str | None = None
    side: Literal["left", "right", "bilateral"] | None = None
    name: str
    probability: float
    possibly: list[str] = Field(default_factory=list)
    evidence: TopEvidenceSet | None = Field(default=None, description="The leading site's top evidence")


class HeadlineCondition(BaseModel):
    """A condition of the differential (its name for patients: full record)."""

    id: str
    name: str
    category: Literal["spinal", "non-spinal"]
    icd10: list[str]
    snomed: list[str]
    probability: float
    evidence: TopEvidenceSet | None = Field(
        default=None, description="Top evidence of the leading conditions"
    )


class HeadlineRedFlag(BaseModel):
    id: str
    name: str
    level: TriageLevel
    findings: list[str]


class HeadlineTriage(BaseModel):
    level: TriageLevel
    reason: str
    patient_advice: str
    red_flags: list[HeadlineRedFlag] = Field(description="Every red flag that fired (its reason: full)")
    suspected: list[Suspected]


class HeadlinePlanStep(BaseModel):
    id: str
    step: str
    kind: str
    recommendation: Literal["do", "consider", "do-not"]


class AssessmentHeadline(BaseModel):
    """The assessment without its explanation: every conclusion, the top evidence of the leading ones."""

    case_id: str | None = None
    source: SourceVerdict
    localization: list[HeadlineSite]
    differential: list[HeadlineCondition]
    triage: HeadlineTriage
    severity: SeverityResult
    plan: list[HeadlinePlanStep] = Field(description="The first steps of the plan (safety steps first)")
    fit: Fit
    imaging_concordance: ImagingConcordance
    notes: list[str]
    enough_information: bool
    knowledge_version: str
    nervemap_version: str
    disclaimer: str


class Omitted(BaseModel):
    """How many items of the full record the headline leaves out."""

    evidence: int = Field(description="Evidence items not among the top ones shown")
    plan: int = Field(description="Plan steps after the first ones shown")
    findings_used: int = Field(description="Findings used (all in the full record)")


class AssessmentHeadlineOut(AssessmentSummary):
    """The default answer: the stored record's headline (no input, the top evidence only)."""

    detail: Literal["headline"] = "headline"
    full: str = Field(description="Where the whole record is: this assessment with ?detail=full")
    omitted: Omitted
    output: AssessmentHeadline


class AssessmentPage(BaseModel):
    items: list[AssessmentSummary]
    total: int
    limit: int
    offset: int


class ReviewRequest(Body):
    comment: str = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


class ExtractionOut(BaseModel):
    case: Case
    items: list[dict[str, Any]] = Field(description="Each extracted item with the words it came from")
    warnings: list[str]


# ------------------------------------------------------------------ patient links


class PatientLinkCreate(Body):
    assessment_id: uuid.UUID
    expires_in_hours: float | None = Field(default=None, gt=0, le=24 * 90, description="Default: settings")


class PatientLinkOut(BaseModel):
    id: uuid.UUID
    token: str = Field(description="Shown once; only its hash is stored")
    path: str
    expires_at: datetime


# ------------------------------------------------------------------ audit and knowledge


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    object: str | None


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int


class KnowledgeSummary(BaseModel):
    version: str
    counts: dict[str, int]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


# ------------------------------------------------------------------ follow-up episodes (issue 19)


class EpisodeCreate(Body):
    assessment_id: uuid.UUID = Field(description="The stored assessment that starts the episode")
    patient_ref: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9\-.]{1,64}$",
        description="The EHR's patient id (a FHIR Patient.id) when the episode is followed from an EHR: "
        "CDS Hooks patient-view for that patient then shows a card when a check-in escalated",
    )


class CheckinOut(BaseModel):
    id: uuid.UUID
    assessment_id: uuid.UUID
    at: datetime
    source: Literal["patient", "clinician"]
    triage_level: str = Field(description="The episode's triage level after this check-in")
    measures: CheckinMeasures | None = None
    escalations: list[Escalation] = Field(default_factory=list, description="Rules that fired here")
    reviewed_at: datetime | None = None
    reviewed_by: uuid.UUID | None = None
    voided_at: datetime | None = Field(default=None, description="Entered in error: kept, not read")
    voided_by: uuid.UUID | None = None
    void_reason: str | None = None


class EpisodeSummary(BaseModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    created_by: uuid.UUID
    first_assessment_id: uuid.UUID
    status: Literal["open", "closed"]
    triage_level: str
    needs_clinician_review: bool = Field(description="Escalated or held urgent level, not yet reviewed")
    overall: str = Field(description="improving, unchanged, worsening or first check-in")
    next_due_at: datetime | None = Field(description="The earliest planned check-in not yet done")
    knowledge_version: str
    nervemap_version: str
    review: Review | None = None
    closed_at: datetime | None = None
    patient_ref: str | None = Field(default=None, description="The EHR's patient id, when given")
    open_escalations: list[Escalation] = Field(
        default_factory=list, description="Why it is in the queue: escalations no clinician has reviewed yet"
    )


class EpisodeOut(EpisodeSummary):
    schedule: list[ScheduleItem] = Field(description="Planned check-ins with their state")
    schedule_edited_by: uuid.UUID | None = None
    schedule_edited_at: datetime | None = None
    course: CourseSummary
    checkins: list[CheckinOut] = Field(description="Oldest first; the first is the starting assessment")
    voided_checkins: list[CheckinOut] = Field(
        default_factory=list, description="Check-ins entered in error: kept for the record, not read"
    )


class EpisodePage(BaseModel):
    items: list[EpisodeSummary]
    total: int
    limit: int
    offset: int


class CheckinCreated(BaseModel):
    checkin: CheckinOut
    assessment: AssessmentSummary
    escalations: list[Escalation] = Field(description="Rules that fired at this check-in")
    episode: EpisodeOut


class VoidRequest(Body):
    reason: str = Field(min_length=1, max_length=2000, description="Why it was entered in error")


class ScheduleRequest(Body):
    """Either ``items`` (the clinician's plan) or ``reset: true`` (back to the guideline plan)."""

    items: list[ScheduleEdit] | None = Field(
        default=None, max_length=52, description="Replaces the planned check-ins ([] plans none)"
    )
    reset: bool = Field(default=False, description="Back to the plan the follow-up knowledge gives")

    @model_validator(mode="after")
    def _one_of(self) -> ScheduleRequest:
        if (self.items is None) == (not self.reset):
            raise ValueError("give either 'items' or 'reset': true")
        return self


class EpisodeReviewRequest(Body):
    comment: str = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


class EpisodeLinkCreate(Body):
    expires_in_hours: float | None = Field(default=None, gt=0, le=24 * 365, description="Default 90 days")


class EpisodeLinkOut(BaseModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    token: str = Field(description="Shown once; only its hash is stored")
    path: str = Field(description="The API path the patient's app uses")
    page: str = Field(description="The web page the patient opens to check in")
    expires_at: datetime


class PatientEpisodeView(BaseModel):
    """What a patient sees of their own episode: plain words, no clinician detail, no identifiers."""

    status: Literal["open", "closed"]
    started_at: datetime
    checkins: int
    last_checkin_at: datetime
    how_you_are_doing: str
    urgency: str
    advice: list[str] = Field(
        description="What to do now: the follow-up rules that fired, then the latest check-in's own advice"
    )
    next_checkin_due_at: datetime | None


class PatientCheckinOut(BaseModel):
    checkin_id: uuid.UUID
    at: datetime
    episode: PatientEpisodeView


class OutboxMessageOut(BaseModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    kind: Literal["checkin-due", "escalation"]
    due_at: datetime
    payload: dict[str, Any] = Field(description="Ids, times, kinds and levels; never patient text")
    created_at: datetime
    delivered_at: datetime | None = None


class OutboxPage(BaseModel):
    items: list[OutboxMessageOut]
    total: int
