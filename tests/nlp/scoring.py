"""Golden extraction vectors: expected items as tuples, compared with what extract() built."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nervemap.engine.case import Case
from nervemap.knowledge.loader import default_knowledge

GOLDEN = Path(__file__).parent.parent / "golden" / "extraction.jsonl"
Item = tuple[Any, ...]


def load_golden() -> list[dict[str, Any]]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _expand(row: list[Any], universe: Iterable[str]) -> list[list[Any]]:
    names = list(universe) if row[0] == "*" else [row[0]]
    sides = ["left", "right"] if row[1] == "both" else [row[1]]
    return [[n, s, *row[2:]] for n in names for s in sides]


def expected_items(expect: dict[str, Any]) -> set[Item]:
    kb = default_knowledge().knowledge
    movements = [m.id for m in kb.anatomy.movements]
    legs = [r.id for r in kb.anatomy.regions if r.lateral and r.id != "lower_back"]
    out: set[Item] = set()
    for finding_id, value in expect.get("findings", {}).items():
        status, _, side = value.partition(":")
        out.add(("finding", finding_id, status, side or "*"))
    for row in expect.get("pain", []):
        out.add(("pain", *row))
    for row in expect.get("strength", []):
        out.update(("strength", *r) for r in _expand(row, movements))
    for row in expect.get("reflexes", []):
        out.add(("reflex", *row))
    for row in expect.get("sensation", []):
        out.update(("sensation", *r) for r in _expand(row, legs))
    for row in expect.get("imaging", []):
        out.add(("imaging", *row))
    for key in ("age", "sex", "duration_days", "onset"):
        if key in expect:
            out.add((key, expect[key]))
    return out


def predicted_items(case: Case) -> set[Item]:
    out: set[Item] = set()
    for f in case.findings:
        out.add(("finding", f.id, f.status.value, f.side))
    for p in case.pain_map or []:
        out.add(("pain", p.region, p.side, p.kind.value))
    for s in case.strength:
        out.add(("strength", s.movement, s.side, s.grade))
    for r in case.reflexes:
        out.add(("reflex", r.reflex, r.side, r.grade))
    for t in case.sensation:
        out.add(("sensation", t.region, t.side, t.status))
    for i in case.imaging:
        out.add(("imaging", i.kind, i.level, i.zone.value if i.zone else None, i.side))
    if case.age is not None:
        out.add(("age", int(case.age)))
    if case.sex is not None:
        out.add(("sex", case.sex))
    if case.duration_days is not None:
        out.add(("duration_days", case.duration_days))
    if case.onset is not None:
        out.add(("onset", case.onset))
    return out


def _same(expected: Item, predicted: Item) -> bool:
    if expected[0] != predicted[0]:
        return False
    if expected[0] == "finding":
        return expected[1:3] == predicted[1:3] and expected[3] in ("*", predicted[3])
    if expected[0] == "duration_days":
        return abs(float(expected[1]) - float(predicted[1])) <= max(1.0, 0.05 * float(expected[1]))
    return expected == predicted


@dataclass
class Score:
    true_positive: int = 0
    predicted: int = 0
    expected: int = 0
    missed: list[Item] | None = None
    extra: list[Item] | None = None

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0


def score(expected: set[Item], predicted: set[Item]) -> Score:
    matched_predicted = {p for p in predicted if any(_same(e, p) for e in expected)}
    matched_expected = {e for e in expected if any(_same(e, p) for p in predicted)}
    return Score(
        true_positive=len(matched_expected),
        predicted=len(matched_predicted) + len(predicted - matched_predicted),
        expected=len(expected),
        missed=sorted(expected - matched_expected, key=str),
        extra=sorted(predicted - matched_predicted, key=str),
    )


# ------------------------------------------------------------------ examination-only scoring
# The root-level development set's notes (tests/golden/extraction_rootset.jsonl) are annotated for
# the examination only: strength, reflexes, light-touch/pin-prick sensation and the examination
# findings below. A statement for every muscle or region of a side ("power is normal") counts as
# one item per side, so a global statement weighs as much as one specific finding.

GOLDEN_ROOTSET = Path(__file__).parent.parent / "golden" / "extraction_rootset.jsonl"
GOLDEN_DEVSAMPLE = Path(__file__).parent.parent / "golden" / "extraction_devsample.jsonl"
EXAM_FINDINGS = frozenset(
    {
        "slr_positive",
        "crossed_slr_positive",
        "slump_positive",
        "femoral_stretch_positive",
        "crossed_femoral_stretch_positive",
        "faber_positive",
        "fair_test_positive",
        "sij_provocation_positive",
        "pelvic_compression_test_positive",
        "tinel_fibular_head",
        "tinel_tarsal_tunnel",
        "sensory_deficit_leg",
        "hip_internal_rotation_painful_limited",
        "trendelenburg_sign_positive",
        "heel_walking_difficulty",
        "toe_walking_difficulty",
    }
)


def load_golden_rootset() -> list[dict[str, Any]]:
    with GOLDEN_ROOTSET.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _universes() -> dict[str, list[str]]:
    kb = default_knowledge().knowledge
    return {
        "strength": [m.id for m in kb.anatomy.movements],
        "sensation": [r.id for r in kb.anatomy.regions if r.lateral and r.id != "lower_back"],
        "reflex": ["patellar", "achilles"],
    }


def _collapse(items: set[Item]) -> set[Item]:
    """(kind, name, side, value) items that cover every name of a side (apart from names given
    another value on that side) become one (kind, "*", side, value) item."""
    universes = _universes()
    out = set(items)
    for kind, names in universes.items():
        graded = [i for i in items if i[0] == kind]
        for side in ("left", "right"):
            on_side = [i for i in graded if i[2] == side]
            for value in {i[3] for i in on_side}:
                have = {i[1] for i in on_side if i[3] == value}
                other = {i[1] for i in on_side if i[3] != value}
                if len(have) > 1 and have | other >= set(names) and len(have) >= len(names) // 2:
                    out -= {(kind, n, side, value) for n in have}
                    out.add((kind, "*", side, value))
    return out


def expected_exam_items(expect: dict[str, Any]) -> set[Item]:
    universes = _universes()
    out: dict[tuple[Any, ...], Item] = {}
    for kind, key in (("strength", "strength"), ("reflex", "reflexes"), ("sensation", "sensation")):
        rows = expect.get(key, [])
        # "*" rows first: a named row overrides the whole-side statement for that name
        for row in sorted(rows, key=lambda r: r[0] != "*"):
            for name, side, value in _expand(row, universes[kind]):
                out[(kind, name, side)] = (kind, name, side, value)
    items = set(out.values())
    for finding_id, value in expect.get("findings", {}).items():
        status, _, side = value.partition(":")
        items.add(("finding", finding_id, status, side or "*"))
    return _collapse(items)


def predicted_exam_items(case: Case) -> set[Item]:
    out: set[Item] = set()
    for f in case.findings:
        if f.id in EXAM_FINDINGS:
            out.add(("finding", f.id, f.status.value, f.side))
    for s in case.strength:
        out.add(("strength", s.movement, s.side, s.grade))
    for r in case.reflexes:
        out.add(("reflex", r.reflex, r.side, r.grade))
    for t in case.sensation:
        out.add(("sensation", t.region, t.side, t.status))
    return _collapse(out)
