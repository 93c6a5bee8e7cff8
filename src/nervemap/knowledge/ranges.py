"""Measured values -> findings, through the reference ranges of the knowledge base.

One function, :func:`measurement_findings`, is used by every way a number comes in (text, the
structured ``measurements`` of a case, FHIR Observations), so that "Hb 8.9 g/dL" means the same
thing everywhere.

- A value is converted to its quantity's canonical unit (``value * factor + offset``).
- For each finding a quantity's thresholds name, the thresholds that apply to the patient (sex,
  age) are compared with the value. When the patient's sex or age is unknown and the applicable
  limits disagree (Hb 125 g/L: anaemic for a man, not for a woman), the value sets nothing.
- The finding a threshold names is present when any reading crosses it and absent when a reading
  was taken and none crosses. A finding a threshold sets ``also`` (``fever`` from a temperature,
  ``tachycardia_or_hypotension`` from a pulse or a blood pressure) is absent only when every
  quantity that can set it was measured and none crossed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

from nervemap.knowledge.models import KnowledgeBase, Quantity, Threshold, UnitConversion, unit_key

FindingStatus = Literal["present", "absent"]
Direction = Literal["normal", "high", "low"]


class MeasurementError(ValueError):
    """A measured value that cannot be read: ``field`` names the part that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Reading:
    """One measured value, converted to its quantity's canonical unit."""

    quantity: Quantity
    value: float
    unit: UnitConversion
    canonical: float

    @property
    def label(self) -> str:
        """E.g. 'haemoglobin 89 g/L' (canonical), with the value as given when it differs."""
        shown = f"{self.quantity.id} {_fmt(self.canonical)} {self.quantity.unit}"
        if self.unit.unit != self.quantity.unit:
            shown += f" (= {_fmt(self.value)} {self.unit.unit})"
        return shown


@dataclass(frozen=True)
class DerivedFinding:
    finding: str
    status: FindingStatus
    readings: tuple[Reading, ...]  # the readings that decided it


def _fmt(value: float) -> str:
    return f"{round(value, 2):g}"


@functools.cache
def default_ranges() -> dict[str, Quantity]:
    from nervemap.knowledge.loader import default_knowledge

    return {q.id: q for q in default_knowledge().knowledge.reference_ranges}


def ranges_of(kb: KnowledgeBase | None = None) -> dict[str, Quantity]:
    return default_ranges() if kb is None else {q.id: q for q in kb.reference_ranges}


def find_unit(quantity: Quantity, spelling: str) -> UnitConversion | None:
    return quantity.unit_spellings.get(unit_key(spelling))


def bare_unit(quantity: Quantity, value: float) -> UnitConversion | None:
    """The unit a number written without one is read in, or None when no single unit fits."""
    fitting = [u for u in quantity.units if u.bare is not None and u.bare[0] <= value <= u.bare[1]]
    return fitting[0] if len(fitting) == 1 else None


def read_value(
    quantity_id: str,
    value: float,
    unit: str | None,
    *,
    ranges: dict[str, Quantity] | None = None,
    field: str = "",
) -> Reading:
    """Check and convert one value; :class:`MeasurementError` names the field that is wrong.

    A missing ``unit`` means the quantity's canonical unit.
    """
    known = default_ranges() if ranges is None else ranges
    prefix = f"{field}." if field else ""
    quantity = known.get(quantity_id)
    if quantity is None:
        raise MeasurementError(
            f"{prefix}quantity", f"unknown quantity '{quantity_id}' (known: {', '.join(sorted(known))})"
        )
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MeasurementError(f"{prefix}value", f"'{value}' is not a finite number")
    conversion = find_unit(quantity, unit) if unit is not None else find_unit(quantity, quantity.unit)
    if conversion is None:
        accepted = ", ".join(u.unit for u in quantity.units)
        raise MeasurementError(
            f"{prefix}unit", f"unknown unit '{unit}' for {quantity.id} (accepted: {accepted})"
        )
    canonical = value * conversion.factor + conversion.offset
    low, high = quantity.plausible
    if not low <= round(canonical, 6) <= high:
        raise MeasurementError(
            f"{prefix}value",
            f"{_fmt(value)} {conversion.unit} is not a possible {quantity.name.lower()} "
            f"(plausible {_fmt(low)}-{_fmt(high)} {quantity.unit})",
        )
    return Reading(quantity, float(value), conversion, canonical)


def _applies(threshold: Threshold, age: float | None, sex: str | None) -> bool:
    """Whether a threshold may apply: unknown sex or age leaves it a candidate."""
    if threshold.sex is not None and sex is not None and threshold.sex != sex:
        return False
    if age is not None:
        if threshold.age_min is not None and age < threshold.age_min:
            return False
        if threshold.age_max is not None and age >= threshold.age_max:
            return False
    return True


def reading_findings(reading: Reading, age: float | None, sex: str | None) -> dict[str, FindingStatus]:
    """The primary findings one reading decides (absent or present), by its quantity's thresholds."""
    out: dict[str, FindingStatus] = {}
    for finding in dict.fromkeys(t.finding for t in reading.quantity.thresholds):
        candidates = [
            t for t in reading.quantity.thresholds if t.finding == finding and _applies(t, age, sex)
        ]
        if not candidates:
            continue
        crossed = {t.crossed(reading.canonical) for t in candidates}
        if len(crossed) == 1:
            out[finding] = "present" if crossed.pop() else "absent"
    return out


def measurement_findings(
    readings: list[Reading],
    age: float | None,
    sex: str | None,
    *,
    ranges: dict[str, Quantity] | None = None,
) -> list[DerivedFinding]:
    """Every finding the readings decide, present before absent, in a stable order."""
    known = default_ranges() if ranges is None else ranges
    primary: dict[str, dict[str, list[Reading]]] = {}  # finding -> status -> readings
    also_present: dict[str, list[Reading]] = {}
    measured_clear: dict[str, set[str]] = {}  # quantity -> the findings it showed absent
    for reading in readings:
        decided = reading_findings(reading, age, sex)
        for finding, status in decided.items():
            primary.setdefault(finding, {}).setdefault(status, []).append(reading)
            extras = {a for t in reading.quantity.thresholds if t.finding == finding for a in t.also}
            for extra in extras:
                if status == "present":
                    also_present.setdefault(extra, []).append(reading)
                else:
                    measured_clear.setdefault(reading.quantity.id, set()).add(extra)
    out: list[DerivedFinding] = []
    for finding, by_status in primary.items():
        if "present" in by_status:
            out.append(DerivedFinding(finding, "present", tuple(by_status["present"])))
        else:
            out.append(DerivedFinding(finding, "absent", tuple(by_status["absent"])))
    contributors: dict[str, set[str]] = {}
    for quantity in known.values():
        for threshold in quantity.thresholds:
            for extra in threshold.also:
                contributors.setdefault(extra, set()).add(quantity.id)
    for extra, quantity_ids in contributors.items():
        if extra in also_present:
            out.append(DerivedFinding(extra, "present", tuple(also_present[extra])))
        elif all(extra in measured_clear.get(q, set()) for q in quantity_ids):
            clear = tuple(r for r in readings if r.quantity.id in quantity_ids)
            out.append(DerivedFinding(extra, "absent", clear))
    out.sort(key=lambda d: (d.status != "present", d.finding))
    return out


def direction_findings(quantity: Quantity, direction: Direction) -> list[tuple[str, FindingStatus]]:
    """What a result said in words or flagged (H, L, N) sets: normal -> every finding of the
    quantity absent; high -> the findings of its upper limits present; low -> of its lower limits."""
    findings = dict.fromkeys(t.finding for t in quantity.thresholds)
    if direction == "normal":
        return [(f, "absent") for f in findings]
    upper = direction == "high"
    wanted = [t.finding for t in quantity.thresholds if _is_upper(t) == upper]
    return [(f, "present") for f in dict.fromkeys(wanted)]


def _is_upper(threshold: Threshold) -> bool:
    return threshold.above is not None or threshold.at_or_above is not None


def by_loinc(ranges: dict[str, Quantity]) -> dict[str, Quantity]:
    return {code: q for q in ranges.values() for code in q.loinc}
