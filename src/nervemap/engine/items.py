"""What can be said about a case, one item at a time, and the change a value of an item makes.

An :class:`Item` is the address of one thing a :class:`~nervemap.engine.case.Case` holds: a finding
(and the side it is on), a body-map region on a side, a muscle or a reflex on a side, a skin
region's sensation, a field of the patient (age, sex, duration, onset, setting), a score, whether
the pain map is given, the whole pain map, the imaging. :func:`check` checks a plain value against
its item - the vocabularies of ``knowledge/vocabulary.py`` and the ranges of the case model, read
off the model itself; :func:`change` returns the :class:`CaseChange` a value makes; :func:`apply`
makes what was said of items to a case, and :func:`case_of` makes a new case of it. Every way into a
case reduces its own input to (item, plain value): the interview's answers (``interview/answers.py``,
which the web forms feed), the FHIR QuestionnaireResponse, Observation and CDS Hooks importers
(``interop/case_builder.py``) and the text reader's assembly (``nlp/assemble.py``); the FHIR item
catalogue (``interop/items.py``) names the case item of each linkId and renders its ranges from
:data:`SCORE_RANGES` and :data:`FIELD_RANGES`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Literal, NamedTuple, cast

from annotated_types import Ge, Le
from pydantic import BaseModel

from nervemap.engine.case import (
    Case,
    PainMark,
    ReflexTest,
    ReportedFinding,
    Scores,
    SensationTest,
    Status,
    StrengthTest,
)
from nervemap.engine.records import exact_maker
from nervemap.knowledge.models import Setting, SymptomKind
from nervemap.knowledge.vocabulary import (
    MRC_GRADES,
    ONSETS,
    REFLEX_GRADES,
    SENSATION_STATUSES,
    SEXES,
    SIDES,
    SIDES_OR_BOTH,
    SYMPTOM_KINDS,
)


class ItemKind(StrEnum):
    AGE = "age"
    SEX = "sex"
    DURATION = "duration"
    ONSET = "onset"
    SETTING = "setting"
    PAIN_COMPLETE = "pain-complete"  # the pain map is given: an unmarked region is free of symptoms
    PAIN = "pain"  # one mark of the pain map
    PAIN_MAP = "pain-map"  # the whole pain map at once (a list of marks), replacing any before
    FINDING = "finding"
    FINDING_SIDE = "finding-side"
    STRENGTH = "strength"
    REFLEX = "reflex"
    SENSATION = "sensation"
    SCORE = "score"
    IMAGING = "imaging"  # every compressive lesion seen (a list), replacing any before
    # How an interview question asks (``interview/catalogue.py``: a question's kind; imaging is
    # both). A question of these kinds says values of the items above (``interview/answers.said``);
    # they hold nothing of a case themselves, so check() and change() refuse them.
    YES_NO_UNKNOWN = "yes_no_unknown"  # its findings: present, absent or unknown
    SIDE_TEST = "side_test"  # its one finding, observed per side
    MULTI_CHOICE = "multi_choice"  # options, each setting findings (or sex, onset)
    BODY_MAP = "body_map"  # the whole pain map, or the sensation of skin regions
    NUMBER = "number"  # age, duration or a score
    EXAM_STRENGTH = "exam_strength"  # strength of movements, per side
    EXAM_REFLEX = "exam_reflex"  # reflexes, per side


class Item(NamedTuple):
    """One thing a case can hold: ``target`` is the finding, region, movement, reflex or score id.
    (A named tuple: the interview makes one per finding of every answer it weighs.)"""

    kind: ItemKind
    target: str = ""
    side: str | None = None


class ItemValueError(ValueError):
    """A value its item cannot take; ``reason`` says what the item expects."""

    def __init__(self, item: Item, reason: str) -> None:
        super().__init__(reason)
        self.item = item
        self.reason = reason


Op = Literal["set", "append", "replace", "score", "given"]


class CaseChange(NamedTuple):
    """One change to a case: set a field, append an entry to a list, replace a list, set a score,
    or say that a list is given (an empty pain map)."""

    field: str
    op: Op
    value: Any
    name: str = ""  # the score's name, for op "score"


def _bounds(model: type[BaseModel], name: str) -> tuple[str, float, float]:
    """(integer or decimal, lowest, highest) of a numeric field of the case model."""
    info = model.model_fields[name]
    low = next(cast(float, m.ge) for m in info.metadata if isinstance(m, Ge))
    high = next(cast(float, m.le) for m in info.metadata if isinstance(m, Le))
    annotation = str(info.annotation)
    return ("integer" if "int" in annotation else "decimal"), low, high


# The ranges of the numbers a case holds, from the case model itself (one definition).
SCORE_RANGES: dict[str, tuple[str, float, float]] = {
    name: _bounds(Scores, name) for name in Scores.model_fields
}
FIELD_RANGES: dict[ItemKind, tuple[str, str, float, float]] = {
    kind: (name, *_bounds(Case, name))
    for kind, name in ((ItemKind.AGE, "age"), (ItemKind.DURATION, "duration_days"))
}
CODED_FIELDS: dict[ItemKind, tuple[str, tuple[str, ...]]] = {
    ItemKind.SEX: ("sex", SEXES),
    ItemKind.ONSET: ("onset", ONSETS),
    ItemKind.SETTING: ("setting", tuple(Setting)),
}
_STATUSES: dict[Any, Status] = {status.value: status for status in Status}
GRADES: dict[ItemKind, tuple[str, range]] = {
    ItemKind.STRENGTH: ("strength", MRC_GRADES),
    ItemKind.REFLEX: ("reflexes", REFLEX_GRADES),
}


def _number(item: Item, value: Any, low: float, high: float, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ItemValueError(item, "a number")
    if not low <= value <= high or (integer and not float(value).is_integer()):
        raise ItemValueError(item, "out of range")
    return float(value)


def _one_of(item: Item, value: Any, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ItemValueError(item, f"one of {', '.join(allowed)}")
    return value


def _side(item: Item) -> Any:
    if item.side is not None and item.side not in SIDES:
        raise ItemValueError(item, "a side of left or right")
    return item.side


def check(item: Item, value: Any) -> Any:
    """``value`` in its plain, checked form (a :class:`Status`, a side, a symptom kind, a whole
    grade, a sensation status, a number, a code word, a boolean), or :class:`ItemValueError`
    saying what the item expects. The one definition of what each item takes."""
    kind = item.kind
    if kind is ItemKind.FINDING:
        if item.side is not None:
            _one_of(item, item.side, SIDES_OR_BOTH)
        status = value if isinstance(value, Status) else _STATUSES.get(value)
        if status is None:
            raise ItemValueError(item, f"one of {', '.join(_STATUSES)}")
        return status
    if kind is ItemKind.FINDING_SIDE:
        return _one_of(item, value, SIDES_OR_BOTH)
    if kind is ItemKind.PAIN:
        _side(item)
        return SymptomKind(_one_of(item, value, SYMPTOM_KINDS))
    if kind is ItemKind.PAIN_COMPLETE:
        if not isinstance(value, bool):
            raise ItemValueError(item, "a boolean")
        return value
    if kind in GRADES:
        _side(item)
        grades = GRADES[kind][1]
        return int(_number(item, value, grades.start, grades.stop - 1, integer=True))
    if kind is ItemKind.SENSATION:
        _side(item)
        return _one_of(item, value, SENSATION_STATUSES)
    if kind in FIELD_RANGES:
        _, value_type, low, high = FIELD_RANGES[kind]
        return _number(item, value, low, high, value_type == "integer")
    if kind in CODED_FIELDS:
        return _one_of(item, value, CODED_FIELDS[kind][1])
    if kind is ItemKind.SCORE:
        if item.target not in SCORE_RANGES:
            raise ItemValueError(item, f"a score of {', '.join(SCORE_RANGES)}")
        value_type, low, high = SCORE_RANGES[item.target]
        number = _number(item, value, low, high, value_type == "integer")
        return int(number) if value_type == "integer" else number
    if kind is ItemKind.PAIN_MAP:
        return [
            (
                Item(ItemKind.PAIN, m["region"], m["side"]),
                check(Item(ItemKind.PAIN, m["region"], m["side"]), m["kind"]),
            )
            for m in value
        ]
    if kind is ItemKind.IMAGING:
        # validated as the case's own field, so that an error names the lesion ("imaging.0.kind")
        return list(Case.model_validate({"imaging": value}).imaging)
    raise ItemValueError(item, "an item nervemap knows")  # pragma: no cover - every kind is handled


# The entries a change appends are made of checked values, every field given in declared order, so
# they are built as ``model_construct`` of all their fields builds them, without its per-call loop
# over the fields (tests/engine/test_case_items_construct.py compares them).
_finding = exact_maker(ReportedFinding)
_pain_mark = exact_maker(PainMark)
_strength = exact_maker(StrengthTest)
_reflex = exact_maker(ReflexTest)
_sensation = exact_maker(SensationTest)


def change(item: Item, value: Any) -> CaseChange:
    """The change ``value`` said of ``item`` makes to a case (checked by :func:`check`). A
    finding's side (``FINDING_SIDE``) qualifies the finding's own item and makes no change alone."""
    kind = item.kind
    side: Any = item.side  # checked: left, right (or bilateral for a finding) or None
    if kind is ItemKind.FINDING and side is None and value.__class__ is Status:  # the most said: at once
        return CaseChange("findings", "append", _finding({"id": item.target, "status": value, "side": None}))
    checked = check(item, value)
    if kind is ItemKind.FINDING:
        finding = _finding({"id": item.target, "status": checked, "side": side})
        return CaseChange("findings", "append", finding)
    if kind is ItemKind.PAIN:
        return CaseChange(
            "pain_map", "append", _pain_mark({"region": item.target, "side": side, "kind": checked})
        )
    if kind is ItemKind.PAIN_MAP:
        marks = [_pain_mark({"region": i.target, "side": i.side, "kind": k}) for i, k in checked]
        return CaseChange("pain_map", "replace", marks)
    if kind is ItemKind.PAIN_COMPLETE:
        return CaseChange("pain_map", "given", checked)
    if kind is ItemKind.STRENGTH:
        return CaseChange(
            "strength",
            "append",
            _strength({"movement": item.target, "side": side, "grade": checked}),
        )
    if kind is ItemKind.REFLEX:
        return CaseChange(
            "reflexes",
            "append",
            _reflex({"reflex": item.target, "side": side, "grade": checked}),
        )
    if kind is ItemKind.SENSATION:
        return CaseChange(
            "sensation",
            "append",
            _sensation({"region": item.target, "side": side, "status": checked}),
        )
    if kind in FIELD_RANGES:
        return CaseChange(FIELD_RANGES[kind][0], "set", checked)
    if kind in CODED_FIELDS:
        return CaseChange(CODED_FIELDS[kind][0], "set", checked)
    if kind is ItemKind.SCORE:
        return CaseChange("scores", "score", checked, item.target)
    if kind is ItemKind.IMAGING:
        return CaseChange("imaging", "replace", checked)
    raise ItemValueError(item, "a value that changes the case on its own")


def apply(case: Case, said: Iterable[tuple[Item, Any]]) -> Case:
    """``case`` with what was said of its items, in order: each (item, value) checked and turned
    into its :func:`change` ("append" adds to a list, "replace" replaces it, "set" sets a field,
    "score" one score, "given" gives the pain map), so the case is copied without being validated
    again."""
    update = _update(case, said)
    return case.model_copy(update=update) if update else case


def _update(case: Case, said: Iterable[tuple[Item, Any]]) -> dict[str, Any]:
    """The fields of ``case`` that what was said changes, with their new values (see :func:`apply`)."""
    update: dict[str, Any] = {}
    scores: dict[str, Any] | None = None
    for item, value in said:
        made = change(item, value)
        if made.op == "append":
            current = update.get(made.field)
            if current is None:
                current = update[made.field] = list(getattr(case, made.field) or ())
            current.append(made.value)
        elif made.op == "replace" or made.op == "set":
            update[made.field] = list(made.value) if made.op == "replace" else made.value
        elif made.op == "given":  # the pain map is given: an empty one says "no symptoms anywhere"
            current = update[made.field] if made.field in update else getattr(case, made.field)
            if made.value and current is None:
                update[made.field] = []
        else:
            scores = dict(case.scores) if scores is None else scores
            scores[made.name] = made.value
    if scores is not None:
        update["scores"] = Scores.model_construct(**scores)
    return update


_EMPTY = Case()


def case_of(said: Iterable[tuple[Item, Any]], **fields: Any) -> Case:
    """A new case of what was said of its items (:func:`apply` to an empty case), with ``fields``
    that no item says (the case id, the measurements, ``pain_map_complete``), validated once as a
    whole as ``Case(...)`` is: measurements set their findings (``engine/case.py``) and a field
    out of its range raises ``ValidationError``. The text reader and the FHIR importers make their
    cases with it; the interview applies its answers to the case it has."""
    # the empty case sets no field: what was said sets exactly the fields of its update, so the
    # update is validated without first copying the empty case with it
    return Case.model_validate({**_update(_EMPTY, said), **fields})
