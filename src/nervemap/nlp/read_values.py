"""Vital signs and laboratory values: "Hb 8.9", "K+ 6.1 mmol/L", "BP 82/50", "T 101.3F".

How quantities are named is data (``nlp/data/values.yaml``); units, conversions and what a value
means are the knowledge base's reference ranges (``knowledge/ranges.py``), the same ones a
structured case and a FHIR Observation go through. A number goes into the case as a measurement
(the case turns it into findings); the findings it decides are listed as items with its span.
Results said in words ("CK normal", "raised calcium") set the findings directly. A value in a
clause that speaks of the past ("CK normal last year") or of a test not done sets nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from nervemap.engine.case import Measurement
from nervemap.knowledge.models import Quantity
from nervemap.knowledge.ranges import (
    MeasurementError,
    Reading,
    bare_unit,
    direction_findings,
    find_unit,
    measurement_findings,
    read_value,
    reading_findings,
)
from nervemap.nlp import scan
from nervemap.nlp.draft import Draft
from nervemap.nlp.knowledge import TextKnowledge
from nervemap.nlp.models import ExtractedItem

# a whole number: not part of a longer one, not a decimal comma ("2,65" is not read as 2), not a
# dipstick grade ("Hb 3+" on urinalysis) and not the start of a range ("WBC 5-10", "99 to 100")
_NUMBER = (
    r"(?P<v>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?!\d|\.\d)(?!,\d{1,2}(?!\d))(?!\s*\+)(?!\s*(?:[-–]|to)\s*\d)"
)
_CLAUSE_BREAK = re.compile(r"[,;()\[\]\n]|\.\s+(?=[A-Z])")  # also a missed sentence end
_DIGIT = re.compile(r"\d")
# characters a unit may be written with, per character of its spelling
_UNIT_CHARS = {"u": "[uµμ]", "x": "[x×]", "3": "[3³]", "9": "[9⁹]", "°": "[°º˚]", "µ": "[uµμ]"}


class _QuantityNames(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: list[str] = Field(default_factory=list)
    short: list[str] = Field(default_factory=list)
    needs_unit: list[str] = Field(default_factory=list)


class _Qualitative(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    after_name: str
    normal: list[str]
    high: list[str]
    low: list[str]


class _BloodPressure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    names: list[str]


class ValuePatterns(BaseModel):
    """``nlp/data/values.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    quantities: dict[str, _QuantityNames]
    blood_pressure: _BloodPressure
    filler: str
    unnamed_temperature: str
    qualitative: _Qualitative
    historical: list[str]
    negated: list[str]
    risk_discussion: list[str] = []
    other_units: str
    other_specimen: list[str]
    blood_specimen: list[str]
    on_oxygen: list[str]


@dataclass(frozen=True)
class _Compiled:
    names: dict[str, re.Pattern[str]]  # quantity -> its names alone: which quantities a note names
    named: dict[str, re.Pattern[str]]  # quantity -> name + number (+ unit)
    unit_required: dict[str, re.Pattern[str]]  # quantity -> the same for names that need a unit
    blood_pressure: re.Pattern[str]
    unnamed_temperature: re.Pattern[str]
    qualitative: dict[str, list[tuple[re.Pattern[str], Literal["normal", "high", "low"]]]]
    historical: re.Pattern[str]
    negated: re.Pattern[str]
    risk_discussion: re.Pattern[str]
    other_specimen: re.Pattern[str]
    blood_specimen: re.Pattern[str]
    on_oxygen: re.Pattern[str]


def load_value_patterns(text: str | None = None) -> ValuePatterns:
    if text is None:
        text = resources.files("nervemap.nlp").joinpath("data/values.yaml").read_text("utf-8")
    return ValuePatterns.model_validate(yaml.safe_load(text))


def _unit_regex(quantity: Quantity) -> str:
    spellings = sorted({s for u in quantity.units for s in (u.unit, *u.aliases)}, key=lambda s: (-len(s), s))
    parts = []
    for spelling in spellings:
        chars = [c for c in spelling if not c.isspace()]
        parts.append(r"\s*".join(_UNIT_CHARS.get(c.lower(), re.escape(c)) for c in chars))
    return "(?i:" + "|".join(parts) + ")"


def _names(names: list[str], short: list[str]) -> str:
    long_part = "|".join(f"(?i:{n})" for n in names)
    short_part = "|".join(re.escape(s) for s in short)
    both = "|".join(p for p in (long_part, short_part) if p)
    return rf"(?<![\w+])(?:{both})(?![A-Za-z0-9])"


def _compiled(knowledge: TextKnowledge) -> _Compiled:
    """The value patterns, with the units of ``knowledge``'s reference ranges (built once per base)."""
    return knowledge.memo("read_values", lambda: _compile(knowledge.ranges))


def _compile(ranges: dict[str, Quantity]) -> _Compiled:
    data = load_value_patterns()
    names: dict[str, re.Pattern[str]] = {}
    named: dict[str, re.Pattern[str]] = {}
    unit_required: dict[str, re.Pattern[str]] = {}
    qualitative: dict[str, list[tuple[re.Pattern[str], Literal["normal", "high", "low"]]]] = {}
    words = data.qualitative
    for quantity_id, spec in data.quantities.items():
        quantity = ranges.get(quantity_id)
        if quantity is None:
            continue  # a quantity the knowledge base does not define is not read
        unit = _unit_regex(quantity)
        free_short = [s for s in spec.short if s not in spec.needs_unit]
        tail = rf"{data.filler}{_NUMBER}(?:\s*(?P<u>{unit})(?![A-Za-z])|(?!\s*{data.other_units}))"
        if spec.names or free_short:
            named[quantity_id] = re.compile(_names(spec.names, free_short) + tail)
        if spec.needs_unit:
            unit_required[quantity_id] = re.compile(
                _names([], spec.needs_unit) + rf"{data.filler}{_NUMBER}\s*(?P<u>{unit})(?![A-Za-z])"
            )
        if not (spec.names or spec.short):
            continue
        name = _names(spec.names, spec.short)
        names[quantity_id] = re.compile(name)
        entries: list[tuple[re.Pattern[str], Literal["normal", "high", "low"]]] = []
        for label, phrases in (("normal", words.normal), ("high", words.high), ("low", words.low)):
            either = "|".join(phrases)
            after = rf"{name}{words.after_name}(?P<neg>(?i:not|no\s+longer)\s+)?(?i:{either})\b"
            entries.append((re.compile(after), label))  # type: ignore[arg-type]
            if label != "normal":
                entries.append((re.compile(rf"\b(?i:{either})\s+{name}"), label))  # type: ignore[arg-type]
        qualitative[quantity_id] = entries
    bp_names = "|".join(f"(?i:{n})" for n in data.blood_pressure.names)
    bp_unit = _unit_regex(ranges["systolic_bp"]) if "systolic_bp" in ranges else "(?!)"
    blood_pressure = re.compile(
        # shock's readings: "60/0" (a diastolic too low to record), "70/palp" (a systolic felt at the pulse)
        rf"(?<![\w+])(?:{bp_names})(?![A-Za-z0-9]){data.filler}(?P<s>\d{{2,3}})\s*/\s*"
        rf"(?:(?P<d>\d{{1,3}})(?!\d)|palp(?:able|ated|ation)?\b)"
        rf"(?:\s*(?P<u>{bp_unit})(?![A-Za-z]))?"
    )
    return _Compiled(
        names=names,
        named=named,
        unit_required=unit_required,
        blood_pressure=blood_pressure,
        unnamed_temperature=re.compile(data.unnamed_temperature),
        qualitative=qualitative,
        historical=re.compile("|".join(data.historical), re.IGNORECASE),
        negated=re.compile("|".join(data.negated), re.IGNORECASE),
        risk_discussion=re.compile("|".join(data.risk_discussion) or "(?!)", re.IGNORECASE),
        other_specimen=re.compile("|".join(data.other_specimen), re.IGNORECASE),
        blood_specimen=re.compile("|".join(data.blood_specimen), re.IGNORECASE),
        on_oxygen=re.compile("|".join(data.on_oxygen), re.IGNORECASE),
    )


def _other_specimen(draft: Draft, start: int) -> bool:
    """Whether the sentence names another body fluid before the value (and no blood word after it)."""
    compiled = _compiled(draft.knowledge)
    s_start, _ = draft.sentence_of(start)
    before = draft.text[s_start:start]
    cues = list(compiled.other_specimen.finditer(before))
    return bool(cues) and not compiled.blood_specimen.search(before, cues[-1].end())


def _normal_only_on_oxygen(draft: Draft, hit: _Hit, reading: Reading) -> bool:
    """A saturation in range measured on supplemental oxygen says nothing about hypoxaemia."""
    if hit.quantity != "oxygen_saturation":
        return False
    if any(status == "present" for status in reading_findings(reading, draft.age, draft.sex).values()):
        return False
    return bool(_compiled(draft.knowledge).on_oxygen.search(_clause(draft, hit.start, hit.end)))


def _named_quantities(draft: Draft) -> set[str]:
    """The quantities a text names at all: only their full patterns are run (speed)."""
    names = _compiled(draft.knowledge).names
    return draft.knowledge.memo("read_values.names", lambda: scan.AnyMatch(names)).found(draft.text)


def _clause(draft: Draft, start: int, end: int) -> str:
    """The words around a match up to the nearest comma, semicolon, bracket or sentence end."""
    s_start, s_end = draft.sentence_of(start)
    before = draft.text[s_start:start]
    after = draft.text[end:s_end]
    cut = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    left = before[cut[-1] :] if cut else before
    stop = _CLAUSE_BREAK.search(after)
    right = after[: stop.start()] if stop else after
    return left + draft.text[start:end] + right


def _flags(draft: Draft, start: int, end: int) -> set[str]:
    """historical: a cue of the past anywhere in the clause; negated: a cue before the match;
    hypothetical: a risk being discussed earlier in the sentence ("the risks, including infection
    and elevated blood glucose, were discussed")."""
    compiled = _compiled(draft.knowledge)
    clause = _clause(draft, start, end)
    before = clause[: len(clause) - len(_clause_after(draft, start, end))]
    flags = set()
    if compiled.historical.search(clause):
        flags.add("historical")
    if compiled.negated.search(before):
        flags.add("negated")
    s_start, _ = draft.sentence_of(start)
    if compiled.risk_discussion.search(draft.text[s_start:start]):
        flags.add("hypothetical")
    return flags


def _clause_after(draft: Draft, start: int, end: int) -> str:
    """The part of the clause from the match on."""
    _, s_end = draft.sentence_of(start)
    after = draft.text[end:s_end]
    stop = _CLAUSE_BREAK.search(after)
    return draft.text[start:end] + (after[: stop.start()] if stop else after)


@dataclass
class _Hit:
    quantity: str
    value: float
    unit: str | None  # as written; None: bare number
    start: int
    end: int


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _hits(draft: Draft, named: set[str]) -> list[_Hit]:
    compiled = _compiled(draft.knowledge)
    text = draft.text
    hits: list[_Hit] = []
    if _DIGIT.search(text) is None:
        return hits  # every value pattern holds a number (speed)
    for pattern in (compiled.named, compiled.unit_required):
        for quantity_id, regex in pattern.items():
            if quantity_id not in named:
                continue
            for m in scan.finditer(regex, text):
                hits.append(_Hit(quantity_id, _number(m.group("v")), m.group("u"), m.start(), m.end()))
    for m in scan.finditer(compiled.blood_pressure, text):
        unit = m.group("u")
        hits.append(_Hit("systolic_bp", float(m.group("s")), unit, m.start(), m.end()))
        if m.group("d") is not None:
            hits.append(_Hit("diastolic_bp", float(m.group("d")), unit, m.start(), m.end()))
    for m in scan.finditer(compiled.unnamed_temperature, text):
        if not any(h.start <= m.start() < h.end for h in hits):
            hits.append(_Hit("temperature", _number(m.group("v")), m.group("u"), m.start(), m.end()))
    # a longer name wins over a shorter one read at the same place ("HbA1c" is not "Hb")
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    for hit in hits:
        if any(
            k.start <= hit.start < k.end
            and k.quantity != hit.quantity
            and {k.quantity, hit.quantity} != {"systolic_bp", "diastolic_bp"}
            for k in kept
        ):
            continue
        kept.append(hit)
    return kept


def _to_reading(hit: _Hit, ranges: dict[str, Quantity]) -> Reading | None:
    quantity = ranges.get(hit.quantity)
    if quantity is None:
        return None
    given = hit.unit
    conversion = find_unit(quantity, given) if given is not None else bare_unit(quantity, hit.value)
    if conversion is None:
        return None
    try:
        return read_value(hit.quantity, hit.value, conversion.unit, ranges=ranges)
    except MeasurementError:
        return None


def _number_decides(draft: Draft, finding: str, value_spans: list[tuple[int, int]]) -> None:
    """A result stated both in words and as a number is what the number says (E s12).

    "Raised CRP (6 mg/L)", "CRP mildly elevated at 8": the word is the writer's laboratory limit, often
    5 mg/L, while the finding's threshold (reference_ranges.yaml) is the cited one; the number is the
    observation. The words over the number are then not asserted, and their finding is not kept present
    against the number
    (engine.case keeps a finding given present even when a value shows it absent). Words elsewhere ("raised
    ESR, CRP 6 mg/L") still count: they may speak of another test.
    """
    kept: list[ExtractedItem] = []
    dropped = 0
    for item in draft.items:
        over_value = any(item.start < end and start < item.end for start, end in value_spans)
        if item.kind == "finding" and item.value == finding and item.status == "present" and over_value:
            kept.append(item.model_copy(update={"status": "not asserted"}))
            dropped += 1
            continue
        kept.append(item)
    if not dropped:
        return
    draft.items[:] = kept
    for _ in range(dropped):
        if (finding, "present", None) in draft.findings:
            draft.findings.remove((finding, "present", None))


def read_values(draft: Draft) -> None:
    ranges = draft.knowledge.ranges
    readings: list[tuple[Reading, int, int]] = []
    named = _named_quantities(draft)
    for hit in _hits(draft, named):
        reading = _to_reading(hit, ranges)
        if reading is None:
            continue
        if _other_specimen(draft, hit.start):
            draft.add_item("measurement", reading.label, hit.start, hit.end, status="not asserted")
            continue
        flags = _flags(draft, hit.start, hit.end)
        if flags:
            draft.add_item("measurement", reading.label, hit.start, hit.end, flags, "not asserted")
            continue
        if _normal_only_on_oxygen(draft, hit, reading):
            draft.add_item("measurement", reading.label, hit.start, hit.end, status="not asserted")
            continue
        draft.add_item("measurement", reading.label, hit.start, hit.end)
        readings.append((reading, hit.start, hit.end))
        draft.measurements.append(
            Measurement(quantity=hit.quantity, value=reading.value, unit=reading.unit.unit)
        )
    spans = {id(r): (s, e) for r, s, e in readings}
    for derived in measurement_findings([r for r, _, _ in readings], draft.age, draft.sex, ranges=ranges):
        start, end = spans[id(derived.readings[0])]
        draft.add_item("finding", derived.finding, start, end, status=derived.status)
        if derived.status == "absent":
            _number_decides(draft, derived.finding, [spans[id(r)] for r in derived.readings])
    compiled = _compiled(draft.knowledge)
    numeric_spans = [(s, e) for _, s, e in readings]
    for quantity_id, entries in compiled.qualitative.items():
        if quantity_id not in named:
            continue
        for regex, label in entries:
            for m in scan.finditer(regex, draft.text):
                if any(s < m.end() and m.start() < e for s, e in numeric_spans):
                    continue  # "Hb 89 low": the number decides
                flags = _flags(draft, m.start(), m.end())
                said = label
                if m.groupdict().get("neg") and said != "normal":
                    flags.discard("negated")
                    said = "normal"  # "calcium not raised": the finding is absent
                for finding, status in direction_findings(ranges[quantity_id], said):
                    if flags:
                        draft.add_item("finding", finding, m.start(), m.end(), flags, "not asserted")
                        continue
                    draft.add_item("finding", finding, m.start(), m.end(), status=status)
                    draft.findings.append((finding, status, None))
