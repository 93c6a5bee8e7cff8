"""Read posted forms into answers (the interview's stored forms) and check the consultation form."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from nervemap.interview.catalogue import Kind
from nervemap.knowledge.vocabulary import (
    DISC_LEVELS,
    HERNIATION_ZONES,
    IMAGING_KINDS,
    SENSATION_STATUSES,
    SIDES_OR_BOTH,
)
from nervemap.services.interviews import QuestionView
from nervemap.web.bodymap import MARK_KINDS, SIDES, regions

UNKNOWN = "unknown"
# The sensory examination's tools: the case model's statuses, the abnormal ones first.
SENSATION_KINDS: tuple[str, ...] = tuple(sorted(SENSATION_STATUSES, key=lambda status: status == "normal"))
# The imaging form offers exactly what the case model (ImagingFinding) accepts: knowledge/vocabulary.py.
IMAGING_LEVELS: tuple[str, ...] = DISC_LEVELS
IMAGING_ZONES: tuple[str, ...] = HERNIATION_ZONES
IMAGING_SIDES: tuple[str, ...] = SIDES_OR_BOTH
IMAGING_OPTIONS = {
    "img_kind": IMAGING_KINDS,
    "img_level": IMAGING_LEVELS,
    "img_zone": IMAGING_ZONES,
    "img_side": IMAGING_SIDES,
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FormProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def marks(form: FormData, allowed: tuple[str, ...] = MARK_KINDS) -> list[dict[str, Any]]:
    """Body-map fields ``m:<side or ->:<region>`` = kind, as answer entries."""
    known = regions()
    out: list[dict[str, Any]] = []
    for name, value in form.multi_items():
        if not name.startswith("m:") or not isinstance(value, str) or not value:
            continue
        _, side, region = ([*name.split(":", 2), "", ""])[:3]
        if region not in known or value not in allowed:
            raise FormProblem("marks", f"unknown body-map entry {name}={value}")
        chosen = side if side in SIDES else None
        key = "kind" if allowed == MARK_KINDS else "status"
        out.append({"region": region, "side": chosen, key: value})
    return out


def _grades(form: FormData, question: QuestionView, what: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in question.items:
        for side in SIDES:
            raw = text(form, f"g:{item.id}:{side}")
            if raw:
                if not raw.isdigit():
                    raise FormProblem(f"g:{item.id}:{side}", "choose a grade from the list")
                out.append({what: item.id, "side": side, "grade": int(raw)})
    return out


def _imaging(form: FormData) -> list[dict[str, Any]]:
    kind, level = text(form, "img_kind"), text(form, "img_level")
    if kind not in IMAGING_KINDS:
        raise FormProblem("img_kind", "choose what the imaging shows")
    if level not in IMAGING_LEVELS:
        raise FormProblem("img_level", "choose the disc level")
    entry: dict[str, Any] = {"kind": kind, "level": level}
    if text(form, "img_zone") in IMAGING_ZONES:
        entry["zone"] = text(form, "img_zone")
    if text(form, "img_side") in IMAGING_SIDES:
        entry["side"] = text(form, "img_side")
    return [entry]


def answer_from_form(question: QuestionView, form: FormData) -> Any:
    """The answer a question's form carries; FormProblem names the field that is wrong."""
    choice = text(form, "choice")
    if choice == UNKNOWN:
        return UNKNOWN
    kind = question.kind
    if kind in (Kind.YES_NO_UNKNOWN, Kind.SIDE_TEST) or (
        kind == Kind.MULTI_CHOICE and question.select == "one"
    ):
        if not choice:
            raise FormProblem("choice", "Please choose one answer")
        return choice
    if kind == Kind.MULTI_CHOICE:
        return [v for v in form.getlist("option") if isinstance(v, str)]
    if kind == Kind.NUMBER:
        return number(question, text(form, "number"))
    if kind == Kind.BODY_MAP:
        entries = marks(form, MARK_KINDS if question.target == "pain_map" else SENSATION_KINDS)
        if not entries:
            raise FormProblem("marks", "Mark at least one place, or choose \u201cI don't know\u201d")
        return entries
    if kind == Kind.EXAM_STRENGTH:
        return _grades(form, question, "movement") or UNKNOWN
    if kind == Kind.EXAM_REFLEX:
        return _grades(form, question, "reflex") or UNKNOWN
    if choice == "none":
        return []
    return _imaging(form)


# Time units a number may carry, in days ("3 months", "10 days", "45 years", "2 wks").
TIME_UNITS: dict[str, float] = {
    "day": 1.0,
    "d": 1.0,
    "week": 7.0,
    "wk": 7.0,
    "w": 7.0,
    "month": 365.25 / 12,
    "mo": 365.25 / 12,
    "mth": 365.25 / 12,
    "m": 365.25 / 12,
    "year": 365.25,
    "yr": 365.25,
    "y": 365.25,
}
NUMBER_WITH_UNIT = re.compile(
    r"^(?:about |around |roughly |approx\.? )?(\d+(?:[.,]\d+)?)\s*([a-z]*?)s?\.?(?:\s+old|\s+ago)?$"
)
OUT_OF_TEN = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:/|out of)\s*10$")


def number(question: QuestionView, raw: str) -> float:
    """A typed number, forgiving of the words people add: "45 years", "3 months" (converted to the
    question's unit), "7/10", "about 6"; anything else is a FormProblem on the "number" field."""
    low, high = question.minimum or 0, question.maximum or 0
    unit = f" {question.unit}" if question.unit else ""
    message = f"Please enter a number from {low:g} to {high:g}{unit}"
    if (question.unit or "").rstrip("s") in TIME_UNITS:
        message += ", or say days, weeks or months: for example \u201c10 days\u201d or \u201c3 months\u201d"
    problem = FormProblem("number", message + ".")
    cleaned = " ".join(raw.lower().split())
    ten = OUT_OF_TEN.match(cleaned)
    match = NUMBER_WITH_UNIT.match(cleaned) if ten is None else None
    if ten is not None:
        value = float(ten.group(1).replace(",", "."))
    elif match is not None:
        value = float(match.group(1).replace(",", "."))
        said = match.group(2)
        if said:
            own = (question.unit or ("years" if question.id == "age" else "")).rstrip("s")
            if said not in TIME_UNITS or own not in TIME_UNITS:
                raise problem
            value = value * TIME_UNITS[said] / TIME_UNITS[own]
    else:
        raise problem
    if not math.isfinite(value) or not low <= value <= high:
        raise problem
    return value


@dataclass
class ConsultationForm:
    name: str = ""
    contact: str = ""
    consent: bool = False
    key: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def consultation_form(form: FormData) -> ConsultationForm:
    values = ConsultationForm(
        name=text(form, "name")[:200],
        contact=text(form, "contact")[:254],
        consent=text(form, "consent") == "yes",
        key=text(form, "idempotency_key")[:64],
    )
    if not values.name:
        values.errors["name"] = "Please tell us your name."
    digits = sum(ch.isdigit() for ch in values.contact)
    if not values.contact:
        values.errors["contact"] = "Please give a phone number or an email address."
    elif not (EMAIL.match(values.contact) or digits >= 7):
        values.errors["contact"] = "This does not look like a phone number or an email address."
    if not values.consent:
        values.errors["consent"] = "Please tick the box so the clinic may see your answers and contact you."
    if len(values.key) < 16:
        values.errors["form"] = "This form has expired: please reload the page and try again."
    return values
