"""Collect answers (from a QuestionnaireResponse or from Observations) into a :class:`Case`.

Both importers reduce an answer to a :data:`Value` and hand it, with the item it answers, to
:meth:`CaseDraft.apply`; the draft reads it as the item's plain value, checks it with
``engine.items.check`` (what each case item takes is defined there once, for the interview too) and
keeps the first answer per item (importers pass the most recent first). :meth:`CaseDraft.build`
makes the case of the answers kept with ``engine.items.case_of``, as the text reader does. Problems
are collected, never raised one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nervemap.engine.case import Case, Status
from nervemap.engine.items import FIELD_RANGES, SCORE_RANGES, Item, ItemValueError, case_of, check
from nervemap.interop import terminology as t
from nervemap.interop.errors import InteropError, Issue, issues_from_validation
from nervemap.interop.items import Kind
from nervemap.knowledge.models import Setting
from nervemap.knowledge.vocabulary import (
    ONSETS,
    SENSATION_STATUSES,
    SEXES,
    SYMPTOM_KINDS,
)


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


Key = tuple[str, str | None]


@dataclass
class CaseDraft:
    case_id: str | None = None
    # the first answer per case item, in the order given: findings, grades, sensation, fields, scores
    answers: dict[Item, Any] = field(default_factory=dict)
    pain_complete: bool | None = None
    pain: dict[Key, list[str]] = field(default_factory=dict)  # (region, side) -> symptom kinds
    sides: dict[str, str] = field(default_factory=dict)  # a finding's side, given apart (FINDING_SIDE)
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    measurements: dict[str, dict[str, Any]] = field(default_factory=dict)  # quantity -> the first
    imaging: list[dict[str, str]] = field(default_factory=list)  # ImagingFinding fields, in order

    def bad(self, where: str, message: str) -> None:
        self.issues.append(Issue(where, message, "value"))

    def apply(self, kind: Kind, target: str, side: str | None, value: Value, where: str) -> None:
        """Record one answer to an item; the first answer per item wins. The answer is read as its
        item's plain value and checked by ``engine.items.check`` (one definition for every way into
        a case); a value it refuses is an issue at ``where``."""
        if kind is Kind.PAIN and value is False:
            return  # a region answered "no": nothing to mark
        item = Item(kind, target, side)
        plain = _READERS[kind][0](value)
        try:
            checked = check(item, plain) if plain is not None else None
        except ItemValueError:
            checked = None
        if checked is None:
            self.bad(where, _problem(kind, target, value))
        else:
            _record(self, item, checked)

    def build(self) -> Case:
        for finding in self.sides:
            if Item(Kind.FINDING, finding) not in self.answers:
                self.bad(
                    f"finding.{finding}.side", f"a side is given but 'finding.{finding}' is not answered"
                )
        if self.issues:
            raise InteropError(self.issues)
        try:
            return case_of(self.said(), id=self.case_id, measurements=list(self.measurements.values()))
        except ValidationError as error:
            raise InteropError(issues_from_validation(error, "Case")) from error

    def said(self) -> list[tuple[Item, Any]]:
        """The answers kept, as (case item, value) pairs: a finding takes the side given apart, the
        pain marks are the whole map when any is marked or the map is said complete."""
        said: list[tuple[Item, Any]] = []
        for item, value in self.answers.items():
            if item.kind is Kind.FINDING and item.side is None:
                item = item._replace(side=self.sides.get(item.target))
            said.append((item, value))
        if self.pain_complete is not None:
            said.append((Item(Kind.PAIN_COMPLETE), self.pain_complete))
        said += [
            (Item(Kind.PAIN, region, side), kind)
            for (region, side), kinds in self.pain.items()
            for kind in kinds
        ]
        said.append((Item(Kind.IMAGING), self.imaging))
        return said


def _coded(system: str, allowed: tuple[str, ...]) -> Callable[[Value], Any]:
    return lambda value: value.code_in(system, allowed) if isinstance(value, Coded) else None


def _boolean(value: Value) -> Any:
    return value if isinstance(value, bool) else None


def _symptom(value: Value) -> Any:
    if value is True:
        return "pain"
    return value.code_in(t.SYMPTOM_KIND, SYMPTOM_KINDS) if isinstance(value, Coded) else None


# How a FHIR answer or Observation value reads as the plain value of its item (None: it does not),
# and what the item expects, in FHIR's words. What the plain value may be is engine/items.py's.
_READERS: dict[Kind, tuple[Callable[[Value], Any], str]] = {
    Kind.FINDING: (
        finding_status,
        "expected present, absent or unknown (SNOMED CT 52101004/2667000/261665006), got {value}",
    ),
    Kind.FINDING_SIDE: (side_of, "expected left, right or bilateral (SNOMED CT laterality), got {value}"),
    Kind.PAIN: (_symptom, f"expected one of {', '.join(SYMPTOM_KINDS)} ({t.SYMPTOM_KIND}), got {{value}}"),
    Kind.PAIN_COMPLETE: (
        lambda value: value if isinstance(value, bool) else None,
        "expected a boolean, got {value}",
    ),
    Kind.STRENGTH: (_number, "expected an MRC grade 0-5, got {value}"),
    Kind.REFLEX: (_number, "expected a reflex grade 0-4, got {value}"),
    Kind.SENSATION: (
        _coded(t.SENSATION, SENSATION_STATUSES),
        f"expected one of {', '.join(SENSATION_STATUSES)} ({t.SENSATION}), got {{value}}",
    ),
    Kind.AGE: (_number, "expected a number from {low:g} to {high:g}, got {value}"),
    Kind.DURATION: (_number, "expected a number from {low:g} to {high:g}, got {value}"),
    Kind.SEX: (_coded(t.GENDER, SEXES), f"expected one of {', '.join(SEXES)} ({t.GENDER}), got {{value}}"),
    Kind.ONSET: (_coded(t.ONSET, ONSETS), f"expected one of {', '.join(ONSETS)} ({t.ONSET}), got {{value}}"),
    Kind.SETTING: (
        _coded(t.SETTING, tuple(Setting)),
        f"expected one of {', '.join(tuple(Setting))} ({t.SETTING}), got {{value}}",
    ),
    Kind.SCORE: (_number, "expected a {value_type} from {low:g} to {high:g}, got {value}"),
}


def _problem(kind: Kind, target: str, value: Value) -> str:
    template = _READERS[kind][1]
    value_type, low, high = "", 0.0, 0.0
    if kind in FIELD_RANGES:
        _, value_type, low, high = FIELD_RANGES[kind]
    elif kind is Kind.SCORE:
        value_type, low, high = SCORE_RANGES[target]
    return template.format(value=value, value_type=value_type, low=low, high=high)


def _record(draft: CaseDraft, item: Item, checked: Any) -> None:
    """Keep the first answer per item (importers pass the most recent first)."""
    kind = item.kind
    if kind is Kind.FINDING_SIDE:
        draft.sides.setdefault(item.target, checked)
    elif kind is Kind.PAIN:
        kinds = draft.pain.setdefault((item.target, item.side), [])
        if checked.value not in kinds:
            kinds.append(checked.value)
    elif kind is Kind.PAIN_COMPLETE:
        if draft.pain_complete is None:
            draft.pain_complete = checked
    else:
        draft.answers.setdefault(item, checked)
