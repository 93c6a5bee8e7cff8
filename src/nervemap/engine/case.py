"""The case: what a patient reports and what a clinician examines.

Unknown is not absent: a finding that is not mentioned, or given as ``unknown``, is skipped by the
engine; only an explicit ``absent`` counts against a condition. A pain map that is given (even
empty) says where the patient has *no* symptoms too; a missing pain map says nothing.

Numbers are strict: ``true`` is not a grade or an age, and ``"45"`` is not a number (pydantic's
lax mode would turn them into 1 and 45).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from nervemap.knowledge.models import HerniationZone, Setting, Strict, SymptomKind
from nervemap.knowledge.vocabulary import MRC_MAX, REFLEX_MAX, Onset, SensationStatus, Sex

# The vocabularies are defined once, in knowledge/vocabulary.py; these four are re-exported here.
from nervemap.knowledge.vocabulary import DiscLevel as DiscLevel
from nervemap.knowledge.vocabulary import ImagingKind as ImagingKind
from nervemap.knowledge.vocabulary import Side as Side
from nervemap.knowledge.vocabulary import SideOrBoth as SideOrBoth


class CaseModel(Strict):
    """The one strict, frozen base model (``knowledge.models.Strict``), not a copy of it."""


class Status(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class ReportedFinding(CaseModel):
    id: str = Field(description="A finding id from the knowledge base")
    status: Status = Status.PRESENT
    side: SideOrBoth | None = Field(default=None, description="For findings observed per side")


class PainMark(CaseModel):
    region: str = Field(description="A body-map region id")
    side: Side | None = Field(default=None, description="Required for lateral regions")
    kind: SymptomKind = SymptomKind.PAIN


class StrengthTest(CaseModel):
    movement: str
    side: Side | None = Field(default=None, description="None: side not stated")
    grade: int = Field(ge=0, le=MRC_MAX, strict=True, description="MRC grade 0-5")


class ReflexTest(CaseModel):
    reflex: str
    side: Side | None = Field(default=None, description="None: side not stated")
    grade: int = Field(
        ge=0, le=REFLEX_MAX, strict=True, description="0 absent, 1 reduced, 2 normal, 3 brisk, 4 clonus"
    )


class SensationTest(CaseModel):
    region: str
    side: Side | None = Field(default=None, description="None: midline, or side not stated")
    status: SensationStatus


class ImagingFinding(CaseModel):
    """A compressive lesion seen on MRI or CT, used to point at the root it compresses."""

    kind: ImagingKind
    level: DiscLevel
    zone: HerniationZone | None = Field(default=None, description="Default: paracentral")
    side: SideOrBoth | None = None


class Scores(CaseModel):
    pain_nrs: float | None = Field(default=None, ge=0, le=10, strict=True, description="Pain 0-10")
    odi: float | None = Field(
        default=None, ge=0, le=100, strict=True, description="Oswestry Disability Index %"
    )
    rmdq: int | None = Field(default=None, ge=0, le=24, strict=True, description="Roland-Morris 0-24")
    leg_pain_nrs: float | None = Field(
        default=None, ge=0, le=10, strict=True, description="Leg pain 0-10 (follow-up); else pain_nrs"
    )
    back_pain_nrs: float | None = Field(
        default=None, ge=0, le=10, strict=True, description="Back pain 0-10 (follow-up)"
    )
    psfs: float | None = Field(
        default=None,
        ge=0,
        le=10,
        strict=True,
        description="Patient-Specific Functional Scale: mean of up to 5 chosen activities, "
        "0 unable to 10 as before the problem (higher is better)",
    )


class Measurement(CaseModel):
    """A measured vital sign or laboratory value; the reference ranges turn it into findings."""

    quantity: str = Field(description="A quantity id of the reference ranges, e.g. 'haemoglobin'")
    unit: str | None = Field(
        default=None, description="One of the quantity's units, e.g. 'g/dL'; default its canonical unit"
    )
    value: float = Field(strict=True, allow_inf_nan=False)

    @field_validator("quantity")
    @classmethod
    def _known_quantity(cls, quantity: str) -> str:
        from nervemap.knowledge.ranges import default_ranges

        known = default_ranges()
        if quantity not in known:
            raise ValueError(f"unknown quantity '{quantity}' (known: {', '.join(sorted(known))})")
        return quantity

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str | None, info: ValidationInfo) -> str | None:
        from nervemap.knowledge.ranges import default_ranges, find_unit

        quantity = default_ranges().get(info.data.get("quantity", ""))
        if quantity is not None and unit is not None and find_unit(quantity, unit) is None:
            accepted = ", ".join(u.unit for u in quantity.units)
            raise ValueError(f"unknown unit '{unit}' for {quantity.id} (accepted: {accepted})")
        return unit

    @field_validator("value")
    @classmethod
    def _possible(cls, value: float, info: ValidationInfo) -> float:
        from nervemap.knowledge.ranges import MeasurementError, default_ranges, read_value

        quantity_id = info.data.get("quantity")
        if quantity_id not in default_ranges() or "unit" not in info.data:
            return value  # the quantity or unit is already reported wrong
        try:
            read_value(quantity_id, value, info.data["unit"])
        except MeasurementError as error:
            raise ValueError(error.message) from None
        return value


class Case(CaseModel):
    id: str | None = Field(default=None, max_length=200)
    age: float | None = Field(default=None, ge=0, le=120, strict=True)
    sex: Sex | None = None
    setting: Setting = Setting.PRIMARY_CARE
    duration_days: float | None = Field(default=None, ge=0, le=36500, strict=True)
    onset: Onset | None = None
    pain_map: list[PainMark] | None = Field(
        default=None, description="None: not asked. A list (even empty) is the whole map."
    )
    pain_map_complete: bool = Field(
        default=True,
        strict=True,
        description="False when the map lists only the regions mentioned (e.g. read from a note): "
        "then an unmarked region is unknown, not free of symptoms",
    )
    findings: list[ReportedFinding] = Field(default_factory=list)
    strength: list[StrengthTest] = Field(default_factory=list)
    reflexes: list[ReflexTest] = Field(default_factory=list)
    sensation: list[SensationTest] = Field(default_factory=list)
    imaging: list[ImagingFinding] = Field(default_factory=list)
    scores: Scores = Field(default_factory=Scores)
    measurements: list[Measurement] = Field(
        default_factory=list,
        description="Vital signs and laboratory values. Each sets the findings of its reference "
        "range (present past a threshold, absent inside it) unless the finding is given in "
        "'findings'; a finding a value shows present is present even if given absent",
    )

    @model_validator(mode="after")
    def _findings_from_measurements(self) -> Case:
        if not self.measurements:
            return self
        from nervemap.knowledge.ranges import measurement_findings, read_value

        readings = [read_value(m.quantity, m.value, m.unit) for m in self.measurements]
        derived = measurement_findings(readings, self.age, self.sex)
        given = {f.id: i for i, f in enumerate(self.findings) if f.side is None}
        sided = {f.id for f in self.findings if f.side is not None}
        findings = list(self.findings)
        for item in derived:
            if item.finding in sided:
                continue
            index = given.get(item.finding)
            if index is None:
                findings.append(ReportedFinding(id=item.finding, status=Status(item.status)))
            elif item.status == "present" and findings[index].status != Status.PRESENT:
                findings[index] = ReportedFinding(id=item.finding, status=Status.PRESENT)
        if findings != list(self.findings):
            # frozen model: set the derived list once, while it is being validated
            object.__setattr__(self, "findings", findings)
            self.__pydantic_fields_set__.add("findings")
        return self
