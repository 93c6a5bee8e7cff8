"""Collect answers (from a QuestionnaireResponse or from Observations) into a :class:`Case`.

Both importers reduce an answer to a :data:`Value` and hand it, with the item it answers, to
:meth:`CaseDraft.apply`; the draft checks the value against the item and keeps the first answer per
item (importers pass the most recent first). Problems are collected, never raised one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nervemap.engine.case import Case, Status
from nervemap.interop import terminology as t
from nervemap.interop.errors import InteropError, Issue, issues_from_validation
from nervemap.interop.items import Kind
from nervemap.interop.questionnaire import (
    MRC_GRADES,
    ONSETS,
    REFLEX_GRADES,
    SCORE_RANGES,
    SENSATION_STATUSES,
    SEXES,
    SYMPTOM_KINDS,
)
from nervemap.knowledge.models import Setting


@dataclass(frozen=True)
class Coded:
    """The codings of one coded answer (a Coding, or every Coding of a CodeableConcept)."""

    codes: frozenset[tuple[str, str]]

    def has(self, code: tuple[str, str, str]) -> bool:
        return (code[0], code[1]) in self.codes

    def code_in(self, system: str, allowed: tuple[str, ...]) -> str | None:
        return next((code for sys, code in sorted(self.codes) if sys == system and code in allowed), None)

    def __str__(self) -> str:
        return ", ".join(f"{system}|{code}" for system, code in sorted(self.codes)) or "(no coding)"


Value = Coded | bool | int | float


def finding_status(value: Value) -> Status | None:
    if isinstance(value, bool):
        return Status.PRESENT if value else Status.ABSENT
    if isinstance(value, Coded):
        for status, code in (
            (Status.PRESENT, t.PRESENT),
            (Status.ABSENT, t.ABSENT),
            (Status.UNKNOWN, t.UNKNOWN),
        ):
            if value.has(code):
                return status
        if value.has(t.POSITIVE):
            return Status.PRESENT
        if value.has(t.NEGATIVE):
            return Status.ABSENT
        yes_no = value.code_in(t.YES_NO, ("Y", "N"))
        if yes_no:
            return Status.PRESENT if yes_no == "Y" else Status.ABSENT
    return None


def side_of(value: Value) -> str | None:
    if isinstance(value, Coded):
        for side, code in t.LATERALITY.items():
            if value.has(code):
                return side
    return None


def _number(value: Value) -> float | None:
    if isinstance(value, bool | Coded):
        return None
    return float(value)


def _grade(value: Value, grades: range) -> int | None:
    number = _number(value)
    if number is None or not number.is_integer() or int(number) not in grades:
        return None
    return int(number)


Key = tuple[str, str | None]
Handler = Callable[["CaseDraft", str, str | None, Value, str], None]


@dataclass
class CaseDraft:
    case_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    pain_complete: bool | None = None
    pain: dict[Key, list[str]] = field(default_factory=dict)
    findings: dict[Key, Status] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)
    strength: dict[Key, int] = field(default_factory=dict)
    reflexes: dict[Key, int] = field(default_factory=dict)
    sensation: dict[Key, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    measurements: dict[str, dict[str, Any]] = field(default_factory=dict)  # quantity -> the first
    imaging: list[dict[str, str]] = field(default_factory=list)  # ImagingFinding fields, in order

    def bad(self, where: str, message: str) -> None:
        self.issues.append(Issue(where, message, "value"))

    def apply(self, kind: Kind, target: str, side: str | None, value: Value, where: str) -> None:
        """Record one answer to an item; the first answer per item wins."""
        _HANDLERS[kind](self, target, side, value, where)

    def build(self) -> Case:
        for finding in self.sides:
            if (finding, None) not in self.findings:
                self.bad(
                    f"finding.{finding}.side", f"a side is given but 'finding.{finding}' is not answered"
                )
        if self.issues:
            raise InteropError(self.issues)
        findings = []
        for (finding, side), status in self.findings.items():
            given_side = side or self.sides.get(finding)
            findings.append({"id": finding, "status": status.value, "side": given_side})
        pain_given = self.pain_complete or bool(self.pain)
        document: dict[str, Any] = {
            "id": self.case_id,
            **self.fields,
            "pain_map": [
                {"region": region, "side": side, "kind": kind}
                for (region, side), kinds in self.pain.items()
                for kind in kinds
            ]
            if pain_given
            else None,
            "findings": findings,
            "strength": [{"movement": m, "side": s, "grade": g} for (m, s), g in self.strength.items()],
            "reflexes": [{"reflex": r, "side": s, "grade": g} for (r, s), g in self.reflexes.items()],
            "sensation": [{"region": r, "side": s, "status": v} for (r, s), v in self.sensation.items()],
            "scores": self.scores,
            "measurements": list(self.measurements.values()),
            "imaging": self.imaging,
        }
        try:
            return Case.model_validate(document)
        except ValidationError as error:
            raise InteropError(issues_from_validation(error, "Case")) from error


def _finding(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    status = finding_status(value)
    if status is None:
        draft.bad(
            where, f"expected present, absent or unknown (SNOMED CT 52101004/2667000/261665006), got {value}"
        )
    else:
        draft.findings.setdefault((target, side), status)


def _finding_side(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    chosen = side_of(value)
    if chosen is None:
        draft.bad(where, f"expected left, right or bilateral (SNOMED CT laterality), got {value}")
    else:
        draft.sides.setdefault(target, chosen)


def _pain(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    if value is False:
        return
    kind = (
        "pain"
        if value is True
        else value.code_in(t.SYMPTOM_KIND, SYMPTOM_KINDS)
        if isinstance(value, Coded)
        else None
    )
    if kind is None:
        draft.bad(where, f"expected one of {', '.join(SYMPTOM_KINDS)} ({t.SYMPTOM_KIND}), got {value}")
        return
    kinds = draft.pain.setdefault((target, side), [])
    if kind not in kinds:
        kinds.append(kind)


def _pain_complete(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    if not isinstance(value, bool):
        draft.bad(where, f"expected a boolean, got {value}")
    elif draft.pain_complete is None:
        draft.pain_complete = value


def _strength(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    grade = _grade(value, MRC_GRADES)
    if grade is None:
        draft.bad(where, f"expected an MRC grade 0-5, got {value}")
    else:
        draft.strength.setdefault((target, side), grade)


def _reflex(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    grade = _grade(value, REFLEX_GRADES)
    if grade is None:
        draft.bad(where, f"expected a reflex grade 0-4, got {value}")
    else:
        draft.reflexes.setdefault((target, side), grade)


def _sensation(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    status = value.code_in(t.SENSATION, SENSATION_STATUSES) if isinstance(value, Coded) else None
    if status is None:
        draft.bad(where, f"expected one of {', '.join(SENSATION_STATUSES)} ({t.SENSATION}), got {value}")
    else:
        draft.sensation.setdefault((target, side), status)


def _field_number(name: str, low: float, high: float) -> Handler:
    def handle(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
        number = _number(value)
        if number is None or not low <= number <= high:
            draft.bad(where, f"expected a number from {low:g} to {high:g}, got {value}")
        else:
            draft.fields.setdefault(name, number)

    return handle


def _field_code(name: str, system: str, allowed: tuple[str, ...]) -> Handler:
    def handle(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
        code = value.code_in(system, allowed) if isinstance(value, Coded) else None
        if code is None:
            draft.bad(where, f"expected one of {', '.join(allowed)} ({system}), got {value}")
        else:
            draft.fields.setdefault(name, code)

    return handle


def _score(draft: CaseDraft, target: str, side: str | None, value: Value, where: str) -> None:
    value_type, low, high = SCORE_RANGES[target]
    number = _number(value)
    if number is None or not low <= number <= high or (value_type == "integer" and not number.is_integer()):
        draft.bad(where, f"expected a {value_type} from {low:g} to {high:g}, got {value}")
    else:
        draft.scores.setdefault(target, int(number) if value_type == "integer" else number)


_HANDLERS: dict[Kind, Handler] = {
    Kind.FINDING: _finding,
    Kind.FINDING_SIDE: _finding_side,
    Kind.PAIN: _pain,
    Kind.PAIN_COMPLETE: _pain_complete,
    Kind.STRENGTH: _strength,
    Kind.REFLEX: _reflex,
    Kind.SENSATION: _sensation,
    Kind.AGE: _field_number("age", 0, 120),
    Kind.DURATION: _field_number("duration_days", 0, 36500),
    Kind.SEX: _field_code("sex", t.GENDER, SEXES),
    Kind.ONSET: _field_code("onset", t.ONSET, ONSETS),
    Kind.SETTING: _field_code("setting", t.SETTING, tuple(Setting)),
    Kind.SCORE: _score,
}
