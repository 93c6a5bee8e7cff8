"""The answers a question could get, to score before asking it.

Small answer spaces (yes/no, a side, one of a few options, typical numbers) are listed in full and
weighted later by the model's evidence for each. Large ones (a body map, a muscle-by-muscle
examination, a long checklist) are *sampled* from the model itself: draw a condition and lesion
site from the current joint posterior, then each observation from the knowledge base's
P(observation | site) (and each finding from P(finding | condition)). Sampled answers carry equal
weights. Sampling is seeded by the question id, so the same state always gives the same choice.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from nervemap.engine.compiled import SIDES, CompiledKnowledge, FloatArray
from nervemap.engine.compiled import held as held_on
from nervemap.engine.encode import IMAGING_FINDING
from nervemap.interview.answers import Value
from nervemap.interview.catalogue import Kind, Question
from nervemap.knowledge.models import HerniationZone, RegionGroup

IndexArray = npt.NDArray[np.intp]
ENUMERATE_OPTIONS = 4  # a checklist of up to this many options is listed in full (2^n answers)
SENSORY_EXAM_ROOTS = ("L2", "L3", "L4", "L5", "S1")
T = TypeVar("T")


@dataclass(frozen=True)
class Candidates:
    answers: list[Value]
    weights: list[float] | None  # None: weight by the model's evidence for each answer


@dataclass(frozen=True)
class _MapIndex:
    """Body-map regions by side, with their pain and sensory observation columns."""

    marks: list[tuple[str, str | None]]
    pain: IndexArray  # (R,) observation index
    sensory: IndexArray  # (R,)


def held(compiled: CompiledKnowledge, name: str, build: Callable[[CompiledKnowledge], T]) -> T:
    """An interview table derived from the compiled knowledge, kept on that object
    (:func:`nervemap.engine.compiled.held`) as ``_interview_<name>``."""
    return held_on(compiled, f"interview_{name}", build)


def _map_index(compiled: CompiledKnowledge) -> _MapIndex:
    return held(compiled, "map_index", _build_map_index)


def _build_map_index(compiled: CompiledKnowledge) -> _MapIndex:
    marks: list[tuple[str, str | None]] = []
    pain: list[int] = []
    sensory: list[int] = []
    for region in compiled.knowledge.anatomy.regions:
        if region.group == RegionGroup.BACK:
            continue
        for side in SIDES if region.lateral else (None,):
            marks.append((region.id, side))
            pain.append(compiled.observation_index[f"pain:{region.id}:{side}"])
            sensory.append(compiled.observation_index[f"sensory:{region.id}:{side}"])
    return _MapIndex(marks, np.array(pain, dtype=np.intp), np.array(sensory, dtype=np.intp))


def _exam_regions(compiled: CompiledKnowledge) -> list[str]:
    return held(compiled, "exam_regions", _build_exam_regions)


def _build_exam_regions(compiled: CompiledKnowledge) -> list[str]:
    roots = {r.id: r for r in compiled.knowledge.anatomy.roots}
    return sorted(
        {region for root in SENSORY_EXAM_ROOTS if root in roots for region in roots[root].dermatome}
    )


def _rng(question: Question) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(question.id.encode()))


def _draw(log_joint: FloatArray, n: int, rng: np.random.Generator) -> tuple[IndexArray, IndexArray]:
    """n (condition, site) pairs from the current joint posterior."""
    flat = log_joint.ravel()
    p = np.exp(flat - flat.max())
    p /= p.sum()
    picks = rng.choice(flat.size, size=n, p=p)
    conditions, sites = np.divmod(picks, log_joint.shape[1])
    return conditions.astype(np.intp), sites.astype(np.intp)


def _dedupe(answers: list[Value]) -> Candidates:
    keys: dict[str, int] = {}
    unique: list[Value] = []
    counts: list[float] = []
    for answer in answers:
        key = repr(answer)
        if key in keys:
            counts[keys[key]] += 1
        else:
            keys[key] = len(unique)
            unique.append(answer)
            counts.append(1.0)
    total = sum(counts)
    return Candidates(unique, [c / total for c in counts])


def candidates(
    question: Question, compiled: CompiledKnowledge, log_joint: FloatArray, samples: int
) -> Candidates:
    """Candidate answers for ``question`` given the current (C, H) log joint posterior."""
    kind = question.kind
    if kind == Kind.YES_NO_UNKNOWN:
        return Candidates(["yes", "no"], None)
    if kind == Kind.SIDE_TEST:
        return Candidates(["left", "right", "both", "neither"], None)
    if kind == Kind.NUMBER:
        return Candidates([p for p in question.probes], None) if question.probes else Candidates([], None)
    if kind == Kind.MULTI_CHOICE:
        ids = [o.id for o in question.options]
        if question.select == "one":
            return Candidates(ids, None)
        if len(ids) <= ENUMERATE_OPTIONS:
            combos = itertools.product(("yes", "no"), repeat=len(ids))
            return Candidates([dict(zip(ids, combo, strict=True)) for combo in combos], None)
        return _sample_checklist(question, compiled, log_joint, samples)
    rng = _rng(question)
    conditions, sites = _draw(log_joint, samples, rng)
    present = np.exp(compiled.loc_log_present)  # (H, O)
    if kind == Kind.BODY_MAP and question.target == "pain_map":
        return _dedupe(
            [
                _pain_map(compiled, int(c), int(h), present, rng)
                for c, h in zip(conditions, sites, strict=True)
            ]
        )
    if kind == Kind.BODY_MAP:
        return _dedupe([_sensation(compiled, int(h), present, rng) for h in sites])
    if kind == Kind.IMAGING:
        return _dedupe(
            [_imaging(compiled, int(c), int(h), rng) for c, h in zip(conditions, sites, strict=True)]
        )
    if kind == Kind.EXAM_STRENGTH:
        return _dedupe([_strength(question, compiled, int(h), present, rng) for h in sites])
    return _dedupe([_reflexes(question, compiled, int(h), present, rng) for h in sites])


def _sample_checklist(
    question: Question, compiled: CompiledKnowledge, log_joint: FloatArray, samples: int
) -> Candidates:
    rng = _rng(question)
    conditions, _ = _draw(log_joint, samples, rng)
    answers: list[Value] = []
    for c in conditions:
        answer = {}
        for option in question.options:
            p_none = 1.0
            for fid in option.findings:
                p_none *= 1 - float(compiled.p_present[c, compiled.finding_index[fid]])
            answer[option.id] = "yes" if rng.random() >= p_none else "no"
        answers.append(answer)
    return _dedupe(answers)


def _pain_map(
    compiled: CompiledKnowledge, c: int, h: int, present: FloatArray, rng: np.random.Generator
) -> Value:
    index = _map_index(compiled)
    pain = rng.random(len(index.marks)) < present[h, index.pain]
    tingling = rng.random(len(index.marks)) < present[h, index.sensory]
    marks: set[tuple[str, str | None, str]] = set()
    for i, (region, side) in enumerate(index.marks):
        if pain[i]:
            marks.add((region, side, "pain"))
        if tingling[i]:
            marks.add((region, side, "tingling"))
    # what the condition itself says about where it hurts (hip OA: groin; knee OA: knee ...)
    hypothesis_side = compiled.hypotheses[h].side
    for finding in compiled.derived_findings:
        rule = finding.derive
        if rule is None or rule.pain_map is None:
            continue
        f = compiled.finding_index[finding.id]
        if not compiled.listed[c, f] or rng.random() >= compiled.p_present[c, f]:
            continue
        region = str(rng.choice(rule.pain_map))
        lateral = compiled.regions[region].lateral
        kind = rule.kinds[0].value
        if rule.bilateral:
            chosen: tuple[str | None, ...] = SIDES
        elif not lateral:
            chosen = (None,)
        elif hypothesis_side in SIDES:
            chosen = (hypothesis_side,)
        else:
            chosen = (str(rng.choice(SIDES)),)
        marks.update((region, side, kind) for side in chosen)
    return [{"region": r, "side": s, "kind": k} for r, s, k in sorted(marks, key=str)]


def _sensation(compiled: CompiledKnowledge, h: int, present: FloatArray, rng: np.random.Generator) -> Value:
    out = []
    for region in _exam_regions(compiled):
        for side in SIDES:
            p = present[h, compiled.observation_index[f"sensory:{region}:{side}"]]
            out.append(
                {"region": region, "side": side, "status": "reduced" if rng.random() < p else "normal"}
            )
    return out


def _strength(
    question: Question, compiled: CompiledKnowledge, h: int, present: FloatArray, rng: np.random.Generator
) -> Value:
    out = []
    for movement in question.movements:
        for side in SIDES:
            p = present[h, compiled.observation_index[f"weakness:{movement}:{side}"]]
            out.append({"movement": movement, "side": side, "grade": 4 if rng.random() < p else 5})
    return out


def _reflexes(
    question: Question, compiled: CompiledKnowledge, h: int, present: FloatArray, rng: np.random.Generator
) -> Value:
    brisk = rng.random() < present[h, compiled.observation_index["umn::"]]
    out = []
    for reflex in question.reflexes:
        for side in SIDES:
            p = present[h, compiled.observation_index[f"reflex:{reflex}:{side}"]]
            grade = 3 if brisk else 1 if rng.random() < p else 2
            out.append({"reflex": reflex, "side": side, "grade": grade})
    return out


def _imaging(compiled: CompiledKnowledge, c: int, h: int, rng: np.random.Generator) -> Value:
    """Compressive lesions as the condition makes them, at a level that presses the sampled root."""
    hypothesis = compiled.hypotheses[h]
    out: list[dict[str, str | None]] = []
    for kind, fid in IMAGING_FINDING.items():
        if rng.random() >= compiled.p_present[c, compiled.finding_index[fid]]:
            continue
        if kind == "cauda-equina-compression" or (kind == "stenosis" and hypothesis.side == "bilateral"):
            out.append({"kind": kind, "level": "L4-L5", "zone": "central", "side": None})
            continue
        discs = [
            d
            for d in compiled.knowledge.anatomy.discs
            if hypothesis.root in d.roots and d.zone != HerniationZone.CENTRAL
        ]
        side = hypothesis.side if hypothesis.side in SIDES else str(rng.choice(SIDES))
        if discs:
            disc = discs[int(rng.integers(len(discs)))]
            out.append({"kind": kind, "level": disc.level, "zone": disc.zone.value, "side": side})
        else:
            level = str(rng.choice(["L4-L5", "L5-S1"]))
            out.append({"kind": kind, "level": level, "zone": "paracentral", "side": side})
    return out
