"""Answers: check a raw answer against its question, store it in one plain form, apply it to a case.

Every stored answer is JSON-ready. "unknown" (I don't know) is accepted by every kind and sets
the question's findings to *unknown* — never to absent.

    yes_no_unknown  "yes" | "no" | "unknown"
    side_test       "left" | "right" | "both" | "yes" (side not noted) | "neither" | "unknown"
    multi_choice    one:  an option id | "unknown"
                    many: "unknown" | [chosen option ids] | {option id: "yes" | "no" | "unknown"}
                          (stored as the full mapping; options not given take ``unselected``)
    number          a JSON number in the question's range, in its unit | "unknown"
                    | {"value": number, "unit": "<the question's unit>"} (time units convert:
                    days, weeks, months, years). Strict, as the Case is: booleans and numeric
                    strings ("45") are refused, so `true` is never an age.
    body_map        "unknown" | [{"region", "side", "kind"}]       (pain map: the whole map)
                    "unknown" | [{"region", "side", "status"}]     (sensation examination)
    exam_strength   "unknown" | [{"movement", "side", "grade" 0-5}]
    exam_reflex     "unknown" | [{"reflex", "side", "grade" 0-4}]
    imaging         "unknown" | [{"kind", "level", "zone", "side"}]  (an empty list: nothing compressive)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ValidationError

from nervemap.engine import items
from nervemap.engine.case import (
    Case,
    ImagingFinding,
    SideOrBoth,
    Status,
)
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.engine.items import Item, ItemKind
from nervemap.interview.catalogue import Kind, Question
from nervemap.knowledge.models import SymptomKind
from nervemap.knowledge.vocabulary import MRC_MAX, REFLEX_MAX, SIDES
from nervemap.knowledge.vocabulary import SENSATION_STATUSES as SENSATION_STATUS

UNKNOWN = "unknown"
YES_NO = ("yes", "no", UNKNOWN)
SIDE_ANSWERS = ("left", "right", "both", "yes", "neither", UNKNOWN)  # yes: positive, side not noted
Value = Any  # a JSON value: str, float, list or dict, checked by normalise()


class AnswerError(ValueError):
    """An answer the question cannot take; names the question, the reason and the part at fault:
    ``"question"`` (no such question, not asked in this mode, already answered) or ``"value"``."""

    def __init__(self, question_id: str, reason: str, part: Literal["question", "value"] = "value") -> None:
        self.question_id = question_id
        self.reason = reason
        self.part = part
        super().__init__(f"question '{question_id}': {reason}")


def normalise(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    """The stored form of ``raw``, or :class:`AnswerError` naming what is wrong."""
    if isinstance(raw, str) and raw.strip().lower() in (UNKNOWN, "?", "don't know", "dont know"):
        return UNKNOWN
    handler = _NORMALISERS[question.kind]
    return handler(question, raw, compiled)


def _fail(question: Question, reason: str) -> AnswerError:
    return AnswerError(question.id, reason)


def _yes_no(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, str) and raw.strip().lower() in YES_NO:
        return raw.strip().lower()
    raise _fail(question, f"expected yes, no or unknown, got {raw!r}")


def _side(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    if isinstance(raw, str) and raw.strip().lower() in SIDE_ANSWERS:
        return raw.strip().lower()
    raise _fail(question, f"expected one of {', '.join(SIDE_ANSWERS)}, got {raw!r}")


def _choice(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    ids = [o.id for o in question.options]
    if question.select == "one":
        if isinstance(raw, str) and raw in ids:
            return raw
        raise _fail(question, f"expected one of {', '.join(ids)} or unknown, got {raw!r}")
    statuses: dict[str, str] = {}
    if isinstance(raw, list | tuple):
        for item in raw:
            if not isinstance(item, str) or item not in ids:
                raise _fail(question, f"unknown option {item!r} (options: {', '.join(ids)})")
            statuses[item] = "yes"
    elif isinstance(raw, Mapping):
        for key, status in raw.items():
            if key not in ids:
                raise _fail(question, f"unknown option {key!r} (options: {', '.join(ids)})")
            if status not in YES_NO:
                raise _fail(question, f"option {key!r}: expected yes, no or unknown, got {status!r}")
            statuses[str(key)] = str(status)
    else:
        raise _fail(question, f"expected a list of chosen options or unknown, got {raw!r}")
    default = "no" if question.unselected == "absent" else UNKNOWN
    return {option: statuses.get(option, default) for option in ids}


# Time units a number answer may name, in days.
TIME_UNITS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


def _unit_name(unit: str) -> str:
    name = unit.strip().lower()
    return name[:-1] if name.endswith("s") and name[:-1] in TIME_UNITS else name


def _strict_number(question: Question, raw: Value, what: str) -> float:
    """A JSON number: not a boolean, not a numeric string (the Case's strict rule)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        expected = f" in {question.unit}" if question.unit else ""
        raise _fail(
            question,
            f"{what}expected a number{expected} or unknown, as a JSON number (a string or a boolean "
            f"is not a number), got {raw!r}",
        )
    try:
        return float(raw)
    except OverflowError:  # an int too large for a float
        raise _fail(question, f"{what}{raw!r} is out of range") from None


def _with_unit(question: Question, raw: Mapping[str, Any]) -> float:
    """``{"value": n, "unit": u}``: ``n`` in the unit ``u``, converted to the question's unit."""
    if set(raw) != {"value", "unit"} or not isinstance(raw["unit"], str):
        raise _fail(question, f"expected {{'value': number, 'unit': text}}, got {raw!r}")
    value = _strict_number(question, raw["value"], "value: ")
    said, own = _unit_name(raw["unit"]), _unit_name(question.unit or "")
    if said == own and own:
        return value
    if said in TIME_UNITS and own in TIME_UNITS:
        return value * TIME_UNITS[said] / TIME_UNITS[own]
    expected = f"'{question.unit}'" if question.unit else "no unit (a plain number)"
    raise _fail(question, f"unit {raw['unit']!r} does not fit this question; expected {expected}")


def _number(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    value = _with_unit(question, raw) if isinstance(raw, Mapping) else _strict_number(question, raw, "")
    low, high = question.minimum, question.maximum
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        unit = f" {question.unit}" if question.unit else ""
        raise _fail(question, f"{raw!r} is out of range ({low:g} to {high:g}{unit})")
    return value


def _entries(question: Question, raw: Value) -> list[Mapping[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(e, Mapping) for e in raw):
        raise _fail(question, f"expected a list of entries or unknown, got {raw!r}")
    return list(raw)


def _region_side(
    question: Question, i: int, entry: Mapping[str, Any], compiled: CompiledKnowledge
) -> str | None:
    region = compiled.regions.get(str(entry.get("region")))
    if region is None:
        raise _fail(question, f"entry {i + 1}: unknown body region {entry.get('region')!r}")
    side = entry.get("side")
    if side is not None and side not in SIDES:
        raise _fail(question, f"entry {i + 1}: side must be left or right, got {side!r}")
    if not region.lateral and side is not None:
        raise _fail(question, f"entry {i + 1}: '{region.id}' is a midline region and has no side")
    if region.lateral and side is None and question.target == "sensation":
        raise _fail(question, f"entry {i + 1}: '{region.id}' needs a side (left or right)")
    return None if side is None else str(side)


def _body_map(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for i, entry in enumerate(_entries(question, raw)):
        side = _region_side(question, i, entry, compiled)
        region = str(entry["region"])
        if question.target == "pain_map":
            kind = entry.get("kind", SymptomKind.PAIN.value)
            if kind not in {k.value for k in SymptomKind}:
                raise _fail(question, f"entry {i + 1}: kind must be pain, tingling or numbness, got {kind!r}")
            key: tuple[Any, ...] = (region, side, kind)
            item = {"region": region, "side": side, "kind": kind}
        else:
            status = entry.get("status", "reduced")
            if status not in SENSATION_STATUS:
                raise _fail(question, f"entry {i + 1}: status must be one of {', '.join(SENSATION_STATUS)}")
            key = (region, side)
            item = {"region": region, "side": side, "status": status}
        if key in seen:
            raise _fail(question, f"entry {i + 1}: {region} ({side}) given twice")
        seen.add(key)
        out.append(item)
    return out


def _graded(question: Question, raw: Value, what: str, allowed: list[str], top: int) -> Value:
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(_entries(question, raw)):
        target, side, grade = entry.get(what), entry.get("side"), entry.get("grade")
        if target not in allowed:
            raise _fail(
                question, f"entry {i + 1}: {what} must be one of {', '.join(allowed)}, got {target!r}"
            )
        if side not in SIDES:
            raise _fail(question, f"entry {i + 1}: side must be left or right, got {side!r}")
        if isinstance(grade, bool) or not isinstance(grade, int | float) or grade != int(grade):
            raise _fail(question, f"entry {i + 1}: grade must be a whole number 0-{top}, got {grade!r}")
        if not 0 <= int(grade) <= top:
            raise _fail(question, f"entry {i + 1}: grade {grade} is out of range (0-{top})")
        if (target, side) in seen:
            raise _fail(question, f"entry {i + 1}: {target} {side} graded twice")
        seen.add((target, side))
        out.append({what: target, "side": side, "grade": int(grade)})
    return out


def _strength(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    return _graded(question, raw, "movement", list(question.movements), MRC_MAX)


def _reflex(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    return _graded(question, raw, "reflex", list(question.reflexes), REFLEX_MAX)


def _imaging(question: Question, raw: Value, compiled: CompiledKnowledge) -> Value:
    out: list[dict[str, Any]] = []
    for i, entry in enumerate(_entries(question, raw)):
        try:
            image = ImagingFinding.model_validate(dict(entry))
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise _fail(question, f"entry {i + 1}: {problems}") from None
        out.append(image.model_dump(mode="json"))
    return out


_NORMALISERS = {
    Kind.YES_NO_UNKNOWN: _yes_no,
    Kind.SIDE_TEST: _side,
    Kind.MULTI_CHOICE: _choice,
    Kind.NUMBER: _number,
    Kind.BODY_MAP: _body_map,
    Kind.EXAM_STRENGTH: _strength,
    Kind.EXAM_REFLEX: _reflex,
    Kind.IMAGING: _imaging,
}

_STATUS = {"yes": Status.PRESENT, "no": Status.ABSENT, UNKNOWN: Status.UNKNOWN}


FindingChange = tuple[str, Status, SideOrBoth | None]  # (finding id, status, side)


def finding_changes(question: Question, value: Value) -> list[FindingChange] | None:
    """The findings one (normalised) answer reports, in the order :func:`apply` appends them to the
    case, when that is *all* the answer does; None when it also sets another part of the case (sex,
    onset, a number, a map, an examination, imaging). The interview scores such answers as a sparse
    change to the current case's encoding (``interview/incremental.py``)."""
    kind = question.kind
    if kind == Kind.YES_NO_UNKNOWN:
        status = _STATUS[value]
        return [(fid, status, None) for fid in question.findings]
    if kind == Kind.SIDE_TEST:
        if value == "left" or value == "right":
            return [(fid, Status.PRESENT, value) for fid in question.findings]
        if value == "both":
            return [(fid, Status.PRESENT, "bilateral") for fid in question.findings]
        if value == "yes":
            return [(fid, Status.PRESENT, None) for fid in question.findings]
        status = Status.ABSENT if value == "neither" else Status.UNKNOWN
        return [(fid, status, None) for fid in question.findings]
    if kind == Kind.MULTI_CHOICE:
        statuses = _choice_statuses(question, value)
        changes: list[FindingChange] = []
        for option in question.options:
            chosen = statuses[option.id]
            if chosen == "yes" and (option.sex is not None or option.onset is not None):
                return None
            changes.extend((fid, _STATUS[chosen], None) for fid in option.findings)
        return changes
    return None


def said(question: Question, value: Value, case: Case) -> list[tuple[Item, Any]]:
    """What one (normalised) answer says, as values of case items (``engine/items.py``), in the
    order they change the case. ``case`` is the case before the answer (the single pain score
    follows the leg and back pain scores answered)."""
    kind = question.kind
    out: list[tuple[Item, Any]] = []
    if kind in (Kind.YES_NO_UNKNOWN, Kind.SIDE_TEST):
        return [
            (Item(ItemKind.FINDING, fid, side), status)
            for fid, status, side in finding_changes(question, value) or ()
        ]
    if kind == Kind.MULTI_CHOICE:
        statuses = _choice_statuses(question, value)
        for option in question.options:
            status = statuses[option.id]
            out += [(Item(ItemKind.FINDING, fid), _STATUS[status]) for fid in option.findings]
            if status == "yes":
                if option.sex is not None:
                    out.append((Item(ItemKind.SEX), option.sex))
                if option.onset is not None:
                    out.append((Item(ItemKind.ONSET), option.onset))
        return out
    if value == UNKNOWN:
        return out
    if kind == Kind.NUMBER:
        number = float(value) * question.scale
        field = str(question.field)
        if field not in SCORE_FIELDS:
            return [(Item(NUMBER_ITEMS[field]), number)]
        out.append((Item(ItemKind.SCORE, field), number))
        if field in PAIN_PARTS:  # the single pain score the severity reads: the worse of the two
            values = {**dict(case.scores), field: number}
            out.append(
                (
                    Item(ItemKind.SCORE, "pain_nrs"),
                    max(v for k in PAIN_PARTS if (v := values.get(k)) is not None),
                )
            )
        return out
    if kind == Kind.BODY_MAP and question.target == "pain_map":
        return [(Item(ItemKind.PAIN_MAP), value)]
    if kind == Kind.BODY_MAP:
        return [(Item(ItemKind.SENSATION, m["region"], m["side"]), m["status"]) for m in value]
    if kind == Kind.EXAM_STRENGTH:
        return [(Item(ItemKind.STRENGTH, m["movement"], m["side"]), m["grade"]) for m in value]
    if kind == Kind.EXAM_REFLEX:
        return [(Item(ItemKind.REFLEX, m["reflex"], m["side"]), m["grade"]) for m in value]
    return [(Item(ItemKind.IMAGING), value)]


def apply(question: Question, value: Value, case: Case) -> Case:
    """``case`` with the effects of one (normalised) answer added: each value it says of a case
    item changed by ``engine.items.change`` and made by ``engine.items.apply`` (one definition of
    what an item takes and how it changes a case, shared with the FHIR importers)."""
    return items.apply(case, said(question, value, case))


SCORE_FIELDS = ("pain_nrs", "leg_pain_nrs", "back_pain_nrs", "psfs")
PAIN_PARTS = ("leg_pain_nrs", "back_pain_nrs")

NUMBER_ITEMS = {"age": ItemKind.AGE, "duration_days": ItemKind.DURATION}  # a number that is not a score


def _choice_statuses(question: Question, value: Value) -> dict[str, str]:
    if question.select == "one":
        if value == UNKNOWN:
            return {o.id: UNKNOWN for o in question.options}
        default = "no" if question.unselected == "absent" else UNKNOWN
        return {o.id: "yes" if o.id == value else default for o in question.options}
    if value == UNKNOWN:
        return {o.id: UNKNOWN for o in question.options}
    return dict(value)


def describe(question: Question, value: Value, mode: str) -> str:
    """A short human reading of a stored answer (for the terminal and reports)."""
    if value == UNKNOWN:
        return "don't know"
    kind = question.kind
    if kind == Kind.MULTI_CHOICE:
        statuses = _choice_statuses(question, value)
        label = {o.id: (o.patient if mode == "patient" else o.clinician) for o in question.options}
        chosen = [label[k] for k, v in statuses.items() if v == "yes"]
        unsure = [label[k] for k, v in statuses.items() if v == UNKNOWN]
        text = "; ".join(chosen) or "none"
        return text + (f" (not sure: {'; '.join(unsure)})" if unsure and chosen else "")
    if kind == Kind.NUMBER:
        return f"{float(value):g}{' ' + question.unit if question.unit else ''}"
    if isinstance(value, list):
        return f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    return str(value)
