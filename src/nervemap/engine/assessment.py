"""The output contract: what an assessment says, and the evidence record behind each part.

Field names and meanings here are a stable contract (docs/schemas/assessment.schema.json);
later interfaces (API, FHIR, CDS Hooks, web) render this record, they never rewrite it.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from nervemap.knowledge.models import Severity, SiteKind, TriageLevel
from nervemap.knowledge.vocabulary import SideOrBoth


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(Output):
    """One finding's contribution to one conclusion."""

    # frozen: the engine shares one record of a (conclusion, finding, origin) between assessments
    # (engine/explain.py), so none may be changed in place
    model_config = ConfigDict(extra="forbid", frozen=True)

    finding: str = Field(description="Finding id, or an observation key for localisation")
    label: str
    status: Literal["present", "absent"]
    weight: float = Field(description="Natural-log likelihood-ratio contribution (+ for, - against)")
    p_if_true: float = Field(description="P(finding | this conclusion)")
    p_reference: float = Field(description="P(finding | reference: leg-pain background or no lesion)")
    source: str
    detail: str | None = None
    origin: str | None = Field(default=None, description="reported, derived, imaging, pain map, exam")


class EvidenceSet(Output):
    for_: list[Evidence] = Field(default_factory=list, alias="for")
    against: list[Evidence] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class SourceVerdict(Output):
    verdict: Literal["spinal", "non-spinal", "uncertain"]
    p_spinal: float


class Localisation(Output):
    site: SiteKind
    site_id: str | None = Field(
        default=None,
        description="The knowledge-base site id, without side ('root:L5', 'nerve:common_fibular', "
        "'site:lumbosacral_plexus'); absent only in assessments stored before it was added",
    )
    root: str | None = None
    nerve: str | None = None
    side: SideOrBoth | None = Field(
        default=None,
        description="left, right or bilateral; for 'none' the side of the symptoms; null when the case "
        "states no side: a one-sided site whose left and right are equally likely is one entry without a "
        "side, its probability that of both",
    )
    name: str
    probability: float
    possibly: list[str] = Field(
        default_factory=list,
        description="Close alternative roots on the same side, for the leading root ('L5, possibly S1')",
    )
    evidence: EvidenceSet


class DifferentialEntry(Output):
    id: str
    name: str
    patient_name: str
    category: Literal["spinal", "non-spinal"]
    icd10: list[str]
    snomed: list[str]
    probability: float
    evidence: EvidenceSet


class RedFlag(Output):
    id: str
    name: str
    level: TriageLevel
    findings: list[str]
    reason: str
    sources: list[str]


class Suspected(Output):
    """A dangerous condition that an urgent or emergency triage rule points to."""

    condition: str = Field(description="Condition id (knowledge base)")
    name: str
    level: TriageLevel = Field(description="The level the rule calls for")
    rule: str = Field(description="Red-flag rule id, or suspicion:<condition> for a probability threshold")


class TriageResult(Output):
    level: TriageLevel
    red_flags: list[RedFlag]
    reason: str
    patient_advice: str
    basis: list[str] = Field(description="Every rule or probability that set or raised the level")
    suspected: list[Suspected] = Field(
        default_factory=list,
        description="Conditions named by the urgent/emergency rules that fired, most urgent first",
    )


class Fit(Output):
    """Whether the findings fit the conditions nervemap models (out-of-model warning)."""

    adequate: bool
    unexplained: list[str] = Field(
        default_factory=list, description="Present finding ids the best-fitting condition does not explain"
    )
    reason: str


class RootSide(Output):
    root: str
    side: str
    probability: float | None = Field(default=None, description="Clinical probability, without imaging")


class ImagingConcordance(Output):
    """Whether the root the scan shows compressed matches the history and examination alone."""

    status: Literal["concordant", "discordant", "indeterminate", "no imaging"]
    clinical: list[RootSide] = Field(
        default_factory=list, description="Clinically likely roots (imaging left out), leading first"
    )
    imaging: list[RootSide] = Field(default_factory=list, description="Roots the imaging shows compressed")
    note: str | None = None


class SeverityResult(Output):
    grade: Severity
    basis: list[str]
    worst_mrc: int | None = None
    pain_nrs: float | None = None
    odi: float | None = None
    duration_days: float | None = None


class PlanItem(Output):
    # frozen: the engine shares one record of a plan step between assessments (engine/plan.py)
    model_config = ConfigDict(extra="forbid", frozen=True)

    step: str
    when: str
    source: str = Field(description="The guideline or study behind the step")
    id: str
    kind: str
    recommendation: Literal["do", "consider", "do-not"]
    for_conditions: list[str]
    sources: list[str]


class FindingUsed(Output):
    # frozen: the engine shares one record of a (finding, status, origin, sides) between
    # assessments (engine/core.py)
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    status: Literal["present", "absent"]
    origin: str
    sides: list[str] = Field(default_factory=list)


class Assessment(Output):
    case_id: str | None = None
    source: SourceVerdict
    localization: list[Localisation]
    differential: list[DifferentialEntry]
    triage: TriageResult
    severity: SeverityResult
    plan: list[PlanItem]
    findings_used: list[FindingUsed]
    fit: Fit = Field(
        default_factory=lambda: Fit(adequate=True, reason="not assessed"),
        description="Out-of-model warning: do the findings fit any modelled condition? Never lowers triage",
    )
    imaging_concordance: ImagingConcordance = Field(
        default_factory=lambda: ImagingConcordance(status="no imaging"),
        description="Clinical level vs imaged level (NICE NG59: decompression only when they agree)",
    )
    notes: list[str] = Field(default_factory=list, description="Accepted contradictions, caveats")
    enough_information: bool = Field(
        description="False when the case held too little to reason on; the output is then a prior"
    )
    knowledge_version: str
    nervemap_version: str
    disclaimer: str = "Decision support, not a diagnosis: check the evidence and sources before acting."


M = TypeVar("M", bound=Output)
_REQUIRED = object()
# per output model: (field name, default factory or None, default value or _REQUIRED)
_FIELDS: dict[int, list[tuple[str, Any, Any]]] = {}  # by id(cls): hashing a model class is slow


def _fields(cls: type[BaseModel]) -> list[tuple[str, Any, Any]]:
    known = _FIELDS.get(id(cls))
    if known is None:
        known = _FIELDS[id(cls)] = [
            (name, info.default_factory, _REQUIRED if info.is_required() else info.default)
            for name, info in cls.model_fields.items()
        ]
    return known


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An output model built from values the engine made itself, without validating them again.

    Only for engine output whose values already have the field types (nested models built with
    ``trusted`` too, enums as enums, floats as Python floats, keys by field name, not alias).
    As with validation, fields not given take their defaults and are not in ``model_fields_set``,
    and the fields are stored in their declared order (the order they serialise in).
    """
    ordered: dict[str, Any] = {}
    for name, factory, default in _fields(cls):
        if name in values:
            ordered[name] = values[name]
        elif factory is not None:
            ordered[name] = factory()
        elif default is _REQUIRED:
            raise TypeError(f"{cls.__name__}.{name} is required")
        else:
            ordered[name] = default  # immutable defaults only (None, strings) in these models
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", ordered)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def trusted_exact(cls: type[M], values: dict[str, Any]) -> M:
    """:func:`trusted` for values that already hold every field of ``cls``, in declared order.

    The caller guarantees both (the evidence items of engine/explain.py are built that way); the
    record is then made without looking at its fields at all.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model
