"""Request and response bodies, one family per resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, SecretStr, Tag

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.knowledge.models import Setting
from nervemap.store.models import Role

MAX_TEXT_CHARS = 100_000
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


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
    input: dict[str, Any] = Field(description="The case as given (and, for text, the extracted case)")
    output: Assessment


class AssessmentPage(BaseModel):
    items: list[AssessmentSummary]
    total: int
    limit: int
    offset: int


class ReviewRequest(Body):
    comment: str = Field(min_length=1, max_length=5000)


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


class LikelyCause(BaseModel):
    name: str
    likelihood: Literal["most likely", "possible", "less likely"]


class PatientView(BaseModel):
    """What a patient sees: plain language, no clinician detail, no identifiers."""

    urgency: str
    advice: str
    headline: str = Field(description="The leading cause in words, or that questions alone cannot tell")
    certainty: str = Field(description="How sure the headline is, in words")
    likely_source: str | None = Field(
        default=None, description="Where it comes from, only when the leading cause can arise there"
    )
    likely_causes: list[LikelyCause]
    severity: str = Field(description='How severe, in words; "not assessed" when nothing measured it')
    enough_information: bool
    assessed_at: datetime
    disclaimer: str


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
