"""The question catalogue: strict models of ``data/questions.yaml`` and its check against the KB.

A question groups findings the way people answer them. The catalogue is data; this module only
validates its shape (unknown keys are errors) and, in :func:`check_catalogue`, that every finding,
region, movement, reflex and site it names exists in the knowledge base.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import Field, model_validator

from nervemap.engine.compiled import CompiledKnowledge, held
from nervemap.engine.encode import IMAGING_FINDING
from nervemap.engine.items import ItemKind
from nervemap.knowledge.models import Strict  # the one strict, frozen base model
from nervemap.knowledge.vocabulary import Onset, Sex

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Mode = Literal["patient", "clinician"]


Kind = ItemKind  # one kind of item for every way into a case (engine/items.py), questions' too
# The kinds a question can be: how it asks (its answer's shape), each saying values of case items.
QuestionKind = Literal[
    ItemKind.YES_NO_UNKNOWN,
    ItemKind.MULTI_CHOICE,
    ItemKind.BODY_MAP,
    ItemKind.NUMBER,
    ItemKind.EXAM_STRENGTH,
    ItemKind.EXAM_REFLEX,
    ItemKind.SIDE_TEST,
    ItemKind.IMAGING,
]


class Option(Strict):
    id: Identifier
    patient: str = Field(min_length=1)
    clinician: str = Field(min_length=1)
    findings: list[Identifier] = Field(default_factory=list, description="Present when chosen")
    sex: Sex | None = None
    onset: Onset | None = None


class Question(Strict):
    id: Identifier
    mode: Literal["patient", "clinician", "both"]
    kind: QuestionKind
    phase: Literal["screen", "core", "adaptive", "safety"] = Field(
        default="adaptive",
        description="screen: red flags, first; core: always asked of patients next (what severity, "
        "the plan and the course need: duration, sex, leg and back pain, function); adaptive: by "
        "expected information gain; safety: only when its answer alone could fire an open red-flag "
        "rule (interview/safety.py), never chosen for information gain",
    )
    patient: str | None = Field(default=None, description="Plain wording; required unless clinician-only")
    clinician: str = Field(min_length=1)
    why: str = Field(min_length=1, description="Reason template with optional {first} and {second}")
    cost: float = Field(gt=0, le=20)
    findings: list[Identifier] = Field(default_factory=list, description="yes_no_unknown / side_test")
    options: list[Option] = Field(default_factory=list)
    select: Literal["one", "many"] = "many"
    unselected: Literal["absent", "unknown"] = Field(
        default="absent", description="Options not chosen (when the question is answered) count as this"
    )
    target: Literal["pain_map", "sensation"] | None = None
    field: Literal["age", "duration_days", "pain_nrs", "leg_pain_nrs", "back_pain_nrs", "psfs"] | None = None
    unit: str | None = None
    scale: float = Field(default=1.0, gt=0, description="Stored value = answer x scale")
    minimum: float | None = None
    maximum: float | None = None
    probes: list[float] = Field(default_factory=list, description="Typical answers scored for the gain")
    movements: list[Identifier] = Field(default_factory=list)
    reflexes: list[Identifier] = Field(default_factory=list)
    budget: bool = Field(
        default=True,
        description="false: a follow-up measure that tells nothing about the cause (back pain, "
        "function); asked like any core question but not counted in the question budget",
    )

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Question:
        kind = self.kind
        if self.mode != "clinician" and not self.patient:
            raise ValueError(f"question '{self.id}' is asked of patients and needs 'patient' wording")
        needs = {
            Kind.YES_NO_UNKNOWN: bool(self.findings),
            Kind.SIDE_TEST: len(self.findings) == 1,
            Kind.MULTI_CHOICE: len(self.options) >= 2,
            Kind.BODY_MAP: self.target is not None,
            Kind.NUMBER: self.field is not None and self.minimum is not None and self.maximum is not None,
            Kind.EXAM_STRENGTH: bool(self.movements),
            Kind.EXAM_REFLEX: bool(self.reflexes),
            Kind.IMAGING: True,
        }
        if not needs[kind]:
            raise ValueError(f"question '{self.id}' of kind {kind.value} lacks the fields that kind needs")
        if kind in (Kind.EXAM_STRENGTH, Kind.EXAM_REFLEX, Kind.IMAGING) and self.mode != "clinician":
            raise ValueError(f"question '{self.id}': examination and imaging items are clinician-only")
        if kind == Kind.BODY_MAP and self.target == "sensation" and self.mode != "clinician":
            raise ValueError(f"question '{self.id}': a sensory examination is clinician-only")
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError(f"question '{self.id}' repeats an option id")
        if not self.budget and (self.findings or self.options or kind != Kind.NUMBER):
            raise ValueError(
                f"question '{self.id}': only a number that sets no finding is outside the budget"
            )
        if self.phase == "screen" and kind != Kind.MULTI_CHOICE and kind != Kind.YES_NO_UNKNOWN:
            raise ValueError(f"question '{self.id}': screen questions are yes/no or multiple choice")
        return self

    def asked_in(self, mode: Mode) -> bool:
        return self.mode in (mode, "both")

    def text(self, mode: Mode) -> str:
        return (self.patient or self.clinician) if mode == "patient" else self.clinician

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def finding_ids(self) -> list[str]:
        """Every finding an answer to this question can set directly."""
        structured = list(IMAGING_FINDING.values()) if self.kind == Kind.IMAGING else []
        return list(self.findings) + [f for o in self.options for f in o.findings] + structured


class SiteWording(Strict):
    patient: str = Field(min_length=1)


class Catalogue(Strict):
    version: str
    sites: dict[str, SiteWording]
    questions: list[Question]

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"question ids repeated: {', '.join(duplicates)}")
        return self

    @functools.cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @functools.cached_property
    def digest(self) -> str:
        """A digest of the whole catalogue (its version may stay the same while the data change)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    def for_mode(self, mode: Mode) -> list[Question]:
        return [q for q in self.questions if q.asked_in(mode)]


def parse_catalogue(text: str) -> Catalogue:
    return Catalogue.model_validate(yaml.safe_load(text))


@functools.cache
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process. Parts that ask or word questions take the
    catalogue of the knowledge base they run on (:func:`catalogue_for`), not this one."""
    text = resources.files("nervemap.interview").joinpath("data/questions.yaml").read_text("utf-8")
    return parse_catalogue(text)


_HELD = "interview_catalogue"  # its name among the values held on a compiled knowledge base


def catalogue_for(compiled: CompiledKnowledge) -> Catalogue:
    """The question catalogue asked with this knowledge base: the one given to it by
    :func:`use_catalogue`, else the packaged one. Held on the compiled knowledge (travels with it,
    like its other tables), so an app built on another knowledge base asks that base's questions."""
    return held(compiled, _HELD, lambda _: default_catalogue())


def use_catalogue(compiled: CompiledKnowledge, catalogue: Catalogue) -> CompiledKnowledge:
    """Ask ``catalogue`` with this knowledge base from now on (before it serves anything: the
    interview's tables derived from the catalogue are not rebuilt). A catalogue that names what the
    knowledge base does not hold is refused (:class:`ValueError` listing every problem)."""
    problems = check_catalogue(catalogue, compiled)
    if problems:
        raise ValueError("the question catalogue does not fit the knowledge base: " + "; ".join(problems))
    vars(compiled)[f"_{_HELD}"] = catalogue  # where held() keeps it; replaces one held already
    return compiled


def check_catalogue(catalogue: Catalogue, compiled: CompiledKnowledge) -> list[str]:
    """Every problem at once: references the knowledge base does not hold, findings set twice."""
    problems: list[str] = []
    findings = compiled.findings
    regions = compiled.regions
    sites = {h.site for h in compiled.hypotheses}
    setter: dict[str, str] = {}
    for question in catalogue.questions:
        where = f"question '{question.id}'"
        for fid in question.finding_ids:
            finding = findings.get(fid)
            if finding is None:
                problems.append(f"{where}: unknown finding '{fid}'")
                continue
            if (
                finding.derive is not None
                and question.kind != Kind.IMAGING
                and not (finding.red_flag and finding.derive.reads_examination)
            ):
                problems.append(f"{where}: '{fid}' is derived from structured input; ask that instead")
            if question.mode == "patient" and not finding.patient_askable:
                problems.append(f"{where}: '{fid}' is not patient-askable")
            if question.kind.value == "side_test" and not finding.lateral:
                problems.append(f"{where}: '{fid}' is not observed per side")
            if fid in setter and setter[fid] != question.id:
                problems.append(f"{where}: '{fid}' is also set by question '{setter[fid]}'")
            setter[fid] = question.id
        for movement in question.movements:
            if movement not in compiled.movement_ids:
                problems.append(f"{where}: unknown movement '{movement}'")
        for reflex in question.reflexes:
            if reflex not in compiled.reflex_ids:
                problems.append(f"{where}: unknown reflex '{reflex}'")
        if question.mode != "clinician":
            for fid in question.finding_ids:
                finding = findings.get(fid)
                if finding is not None and not finding.patient_askable:
                    problems.append(f"{where}: asked of patients but '{fid}' is clinician-only")
    for site in catalogue.sites:
        if site not in sites:
            problems.append(f"sites: unknown lesion site '{site}'")
    for site in sorted(sites - set(catalogue.sites)):
        problems.append(f"sites: no plain wording for lesion site '{site}'")
    if not regions:
        problems.append("the knowledge base has no body-map regions")
    return problems
