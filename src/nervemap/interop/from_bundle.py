"""Bundle of Observations, Conditions and a Patient -> Case.

- Observation.code (SNOMED CT, LOINC, or nervemap's finding / item code systems) names a finding or
  an examination item; bodySite laterality gives the side; the value says present or absent
  (valueBoolean, valueCodeableConcept present/absent/positive/negative/Y/N, an interpretation
  such as H or N for a measured test, or no value at all: the code asserts the finding).
- Condition.code names a finding (diabetes, osteoporosis...); refuted conditions count as absent.
- Patient.birthDate and gender give age and sex.
- An Observation whose LOINC code is a quantity of the reference ranges (haemoglobin, heart
  rate...) is a measurement: its valueQuantity (UCUM unit) goes through the same ranges as text and
  structured input; without a value, an interpretation H, L or N says high, low or normal.

Codes nervemap does not know are reported as warnings, never silently dropped; a bundle with
nothing nervemap knows is an error. The most recent resource wins when several say the same thing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource

from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.interop import terminology as t
from nervemap.interop.case_builder import CaseDraft, Coded, Value
from nervemap.interop.codes import SIDED, Target, code_index
from nervemap.interop.errors import InteropError, Issue
from nervemap.interop.from_response import Imported
from nervemap.interop.items import Kind
from nervemap.interop.parse import describe, parse_any, parse_as
from nervemap.knowledge.models import Quantity
from nervemap.knowledge.ranges import (
    Direction,
    MeasurementError,
    by_loinc,
    direction_findings,
    ranges_of,
    read_value,
)
from nervemap.knowledge.vocabulary import SEXES

USED_TYPES = ("Observation", "Condition", "Patient")
SKIPPED_OBSERVATION = frozenset({"cancelled", "entered-in-error"})
DAYS_PER_UNIT = {"d": 1.0, "day": 1.0, "days": 1.0, "wk": 7.0, "week": 7.0, "mo": 30.4375, "a": 365.25}


def codes_of(concept: CodeableConcept | None) -> list[tuple[str, str]]:
    return [(c.system or "", c.code or "") for c in (concept.coding or [])] if concept else []


def _show(concept: CodeableConcept | None) -> str:
    shown = ", ".join(f"{system}|{code}" for system, code in codes_of(concept)) or "no coding"
    text = concept.text if concept and concept.text else None
    return f"{shown} ({text})" if text else shown


def laterality(sites: list[CodeableConcept] | CodeableConcept | None) -> str | None:
    concepts = sites if isinstance(sites, list) else [sites] if sites else []
    for concept in concepts:
        for system, code in codes_of(concept):
            if system == t.SNOMED and code in t.SIDE_BY_CODE:
                return t.SIDE_BY_CODE[code]
        words = (concept.text or "").lower().split()
        if "bilateral" in words or ("left" in words and "right" in words):
            return "bilateral"
        for side in ("left", "right"):
            if side in words:
                return side
    return None


def _interpretation(observation: Observation) -> bool | None:
    codes = {code for concept in observation.interpretation or [] for system, code in codes_of(concept)}
    if codes & t.RAISED:
        return True
    if codes & t.NORMAL:
        return False
    return None


def _observation_value(observation: Observation, target: Target) -> Value | str | None:
    """The value, None for 'unknown', or a string saying why it cannot be read."""
    if observation.valueBoolean is not None:
        return bool(observation.valueBoolean)
    if observation.valueCodeableConcept is not None:
        return Coded(frozenset(codes_of(observation.valueCodeableConcept)))
    if observation.valueInteger is not None:
        return int(observation.valueInteger)
    quantity = observation.valueQuantity
    if quantity is not None and quantity.value is not None:
        amount = float(quantity.value)
        if target.kind is Kind.FINDING:
            flagged = _interpretation(observation)
            return flagged if flagged is not None else "a measured value without an interpretation (H/N)"
        if target.kind is Kind.DURATION:
            unit = (quantity.code or quantity.unit or "d").lower()
            if unit not in DAYS_PER_UNIT:
                return f"a duration in unknown unit '{unit}'"
            return amount * DAYS_PER_UNIT[unit]
        return amount
    if observation.dataAbsentReason is not None:
        return None
    flagged = _interpretation(observation)
    if flagged is not None:
        return flagged
    if target.kind is Kind.FINDING:
        return True  # a finding code with no value asserts the finding
    return "no value"


def _when(resource: Resource) -> str:
    for name in ("effectiveDateTime", "issued", "recordedDate", "onsetDateTime"):
        value = getattr(resource, name, None)
        if value is not None:
            return str(value)
    period = getattr(resource, "effectivePeriod", None)
    return str(period.end or period.start or "") if period is not None else ""


class _Reader:
    def __init__(self, compiled: CompiledKnowledge, draft: CaseDraft) -> None:
        kb = compiled.knowledge
        self.index = code_index(compiled)
        self.findings = {f.id: f for f in kb.findings}
        self.draft = draft
        self.used = 0
        self.unknown: list[str] = []
        self.ranges = ranges_of(kb)
        self.loinc = by_loinc(self.ranges)

    def target(self, resource: Resource, concept: CodeableConcept | None, where: str) -> Target | None:
        best, others = self.index.resolve(codes_of(concept))
        label = describe(resource.model_dump(mode="json", exclude_none=True))
        if best is None:
            self.unknown.append(f"{label}: no nervemap finding or item has the code {_show(concept)}")
            return None
        if others:
            names = ", ".join(other.name for other in others)
            self.draft.warnings.append(
                f"{label}: code {_show(concept)} also names {names}; {best.name} is used"
            )
        return best

    def apply(self, target: Target, side: str | None, value: Value, where: str, label: str) -> None:
        if target.kind is Kind.FINDING:
            key_side = side if target.lateral else None  # a side on a midline finding is ignored
            self.draft.apply(Kind.FINDING, target.target, key_side, value, where)
        elif target.kind in SIDED and target.lateral and side not in ("left", "right"):
            self.draft.warnings.append(
                f"{label}: {target.name} needs a side (bodySite left or right); skipped"
            )
            return
        else:
            self.draft.apply(target.kind, target.target, side if target.lateral else None, value, where)
        self.used += 1

    def observation(self, observation: Observation, where: str) -> None:
        label = describe(observation.model_dump(mode="json", exclude_none=True))
        if observation.status in SKIPPED_OBSERVATION:
            self.draft.warnings.append(f"{label}: status {observation.status}; not used")
            return
        quantity = next(
            (
                self.loinc[code]
                for system, code in codes_of(observation.code)
                if system == t.LOINC and code in self.loinc
            ),
            None,
        )
        if quantity is not None and self.measurement(observation, quantity, where, label):
            return
        target = self.target(observation, observation.code, where)
        if target is None:
            return
        value = _observation_value(observation, target)
        if isinstance(value, str):
            self.draft.warnings.append(f"{label}: {target.name} has {value}; not used")
            return
        if value is None:
            self.used += 1  # stated unknown: known code, nothing to score
            return
        side = laterality(observation.bodySite)
        self.apply(target, side, value, f"{where}.value", label)

    def measurement(self, observation: Observation, quantity: Quantity, where: str, label: str) -> bool:
        """A vital sign or laboratory value: the most recent per quantity is used. False when the
        Observation has neither a value nor an H/L/N interpretation: then it is read as a finding
        code (a qualitative D-dimer 'positive'), or reported unknown."""
        if quantity.id in self.draft.measurements:
            self.used += 1
            return True
        amount = observation.valueQuantity
        if amount is not None and amount.value is not None:
            unit = amount.code or amount.unit
            try:
                reading = read_value(quantity.id, float(amount.value), unit, ranges=self.ranges)
            except MeasurementError as error:
                self.draft.warnings.append(f"{label}: {quantity.name}: {error}; not used")
                return True
            self.draft.measurements[quantity.id] = {
                "quantity": quantity.id,
                "value": reading.value,
                "unit": reading.unit.unit,
            }
            self.used += 1
            return True
        codes = {code for concept in observation.interpretation or [] for _, code in codes_of(concept)}
        direction: Direction | None = None
        if codes & {"H", "HH", "HU"}:
            direction = "high"
        elif codes & {"L", "LL", "LU"}:
            direction = "low"
        elif "N" in codes:
            direction = "normal"
        if direction is None:
            return False
        for finding, status in direction_findings(quantity, direction):
            self.draft.apply(Kind.FINDING, finding, None, status == "present", f"{where}.interpretation")
        self.used += 1
        return True

    def condition(self, condition: Condition, where: str) -> None:
        label = describe(condition.model_dump(mode="json", exclude_none=True))
        verification = {code for _, code in codes_of(condition.verificationStatus)}
        clinical = {code for _, code in codes_of(condition.clinicalStatus)}
        if "entered-in-error" in verification:
            self.draft.warnings.append(f"{label}: entered-in-error; not used")
            return
        target = self.target(condition, condition.code, where)
        if target is None:
            return
        if target.kind is not Kind.FINDING:
            self.draft.warnings.append(f"{label}: {target.name} is not a condition; not used")
            return
        finding = self.findings[target.target]
        if clinical & {"inactive", "remission", "resolved"} and finding.category != "history":
            self.draft.warnings.append(f"{label}: {target.name} is {', '.join(sorted(clinical))}; not used")
            return
        present = "refuted" not in verification
        side = laterality(condition.bodySite)
        self.apply(target, side, present, f"{where}.code", label)


def _age(birth: date, as_of: date) -> int:
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def _patient(patient: Patient, draft: CaseDraft, as_of: date, where: str) -> None:
    if patient.birthDate is not None:
        birth = (
            patient.birthDate
            if isinstance(patient.birthDate, date)
            else date.fromisoformat(str(patient.birthDate))
        )
        draft.apply(Kind.AGE, "", None, _age(birth, as_of), f"{where}.birthDate")
    if patient.gender in SEXES:
        draft.apply(Kind.SEX, "", None, Coded(frozenset({(t.GENDER, patient.gender)})), f"{where}.gender")
    elif patient.gender is not None:
        draft.warnings.append(
            f"Patient: gender '{patient.gender}' is not used (the model knows female and male)"
        )


def resources_of(bundle: Bundle, raw: dict[str, Any]) -> list[tuple[Resource, str]]:
    """Every entry resource with its location, each validated with its own R4B model."""
    issues: list[Issue] = []
    resources: list[tuple[Resource, str]] = []
    for i, entry in enumerate(raw.get("entry") or []):
        where = f"Bundle.entry[{i}].resource"
        data = entry.get("resource") if isinstance(entry, dict) else None
        if data is None:
            continue
        try:
            resources.append((parse_any(data, where), where))
        except InteropError as error:
            issues.extend(error.issues)
    if issues:
        raise InteropError(issues, 400)
    return resources


def case_from_resources(
    resources: list[tuple[Resource, str]],
    knowledge: CompiledKnowledge | None = None,
    case_id: str | None = None,
    as_of: date | None = None,
) -> Imported:
    """Build a Case from validated resources (a Bundle's entries or a CDS Hooks prefetch), read
    with ``knowledge`` (the app's compiled knowledge; the bundled one when not given)."""
    compiled = knowledge or default_compiled()
    today = as_of or datetime.now(UTC).date()
    draft = CaseDraft(case_id=case_id)
    reader = _Reader(compiled, draft)
    subject: dict[str, Any] | None = None
    patients = [(r, w) for r, w in resources if isinstance(r, Patient)]
    for patient, where in patients[:1]:
        _patient(patient, draft, today, where)
        subject = {"reference": f"Patient/{patient.id}"} if patient.id else None
    if len(patients) > 1:
        draft.warnings.append(f"{len(patients)} Patient resources; only the first is used")
    clinical = [(r, w) for r, w in resources if isinstance(r, Observation | Condition)]
    for item, where in sorted(clinical, key=lambda pair: _when(pair[0]), reverse=True):
        if isinstance(item, Observation):
            reader.observation(item, where)
        elif isinstance(item, Condition):
            reader.condition(item, where)
        if subject is None and item.subject is not None:
            subject = item.subject.model_dump(mode="json", exclude_none=True)
    for other, where in resources:
        if other.get_resource_type() not in USED_TYPES:
            draft.warnings.append(f"{where} ({other.get_resource_type()}): not read by nervemap")
    if reader.used == 0:
        reasons = reader.unknown or ["no Observation or Condition resource"]
        raise InteropError(
            [Issue("Bundle", f"nothing nervemap can assess: {reason}", "code-invalid") for reason in reasons]
        )
    draft.warnings.extend(f"unknown code: {message}" for message in reader.unknown)
    if draft.pain and draft.pain_complete is None:
        draft.warnings.append(
            "the pain map built from Observations is taken as the whole map: regions without an "
            "Observation count as free of symptoms"
        )
    return Imported(draft.build(), draft.warnings, subject, today)


def case_from_bundle(
    data: Any, knowledge: CompiledKnowledge | None = None, as_of: date | None = None
) -> Imported:
    """Read a Bundle (any type: collection, searchset, transaction...) into a Case."""
    bundle = parse_as(data if not isinstance(data, dict) else {**data, "entry": []}, Bundle)
    raw = data if isinstance(data, dict) else bundle.model_dump(mode="json", exclude_none=True)
    resources = resources_of(bundle, raw)
    stamp = as_of or (bundle.timestamp.date() if bundle.timestamp is not None else None)
    return case_from_resources(resources, knowledge, bundle.id, stamp)
