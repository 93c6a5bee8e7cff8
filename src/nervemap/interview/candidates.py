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
from nervemap.knowledge.models import Finding, HerniationZone, RegionGroup

IndexArray = npt.NDArray[np.intp]
ENUMERATE_OPTIONS = 4  # a checklist of up to this many options is listed in full (2^n answers)
SENSORY_EXAM_ROOTS = ("L2", "L3", "L4", "L5", "S1")
T = TypeVar("T")


@dataclass(frozen=True)
class Candidates:
    answers: list[Value]
    weights: list[float] | None  # None: weight by the model's evidence for each answer
    # per answer, a text that names it among this question's answers (its repr, or the draws that
    # made it), when worked out anyway: what the interview keeps answers' encodings by
    keys: list[str] | None = None


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


def joint_probabilities(log_joint: FloatArray) -> FloatArray:
    """The cumulative distribution of the (C, H) joint posterior, flattened and normalised, as
    ``Generator.choice(size, n, p)`` makes it before drawing (work it out once per state and pass it
    to :func:`candidates` for every question)."""
    flat = log_joint.ravel()
    p = np.exp(flat - flat.max())
    p /= p.sum()
    cdf = p.cumsum()
    cdf /= cdf[-1]
    return np.asarray(cdf, dtype=np.float64)


def _draw(
    log_joint: FloatArray, n: int, rng: np.random.Generator, cdf: FloatArray | None = None
) -> tuple[IndexArray, IndexArray]:
    """n (condition, site) pairs from the current joint posterior: ``rng.choice(size, n, p=p)``
    done as that does it (one uniform number per draw, looked up in the cumulative distribution,
    the same draws; a test holds them equal), ``cdf``: :func:`joint_probabilities`, when already
    worked out."""
    if cdf is None:
        cdf = joint_probabilities(log_joint)
    picks = cdf.searchsorted(rng.random(n), side="right")
    conditions, sites = np.divmod(picks, log_joint.shape[1])
    return conditions.astype(np.intp), sites.astype(np.intp)


def _dedupe_rows(draws: npt.NDArray[np.bool_]) -> tuple[list[int], list[float], list[str]]:
    """The first sample of each distinct row of ``draws`` (in order of first appearance), the
    share of samples each stands for (what :func:`_dedupe` gives for the answers the rows make),
    and each kept row as a key ("rows:" and its bytes in hex: the draws name the answer)."""
    keys: dict[bytes, int] = {}
    first: list[int] = []
    counts: list[float] = []
    for i, row in enumerate(draws):
        key = row.tobytes()
        if key in keys:
            counts[keys[key]] += 1
        else:
            keys[key] = len(first)
            first.append(i)
            counts.append(1.0)
    total = sum(counts)
    return first, [c / total for c in counts], [f"rows:{key.hex()}" for key in keys]


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
    return Candidates(unique, [c / total for c in counts], list(keys))


def candidates(
    question: Question,
    compiled: CompiledKnowledge,
    log_joint: FloatArray,
    samples: int,
    cdf: FloatArray | None = None,
) -> Candidates:
    """Candidate answers for ``question`` given the current (C, H) log joint posterior (``cdf``: its
    :func:`joint_probabilities`, when already worked out: the same answers)."""
    kind = question.kind
    if kind in _LISTED_KINDS and (kind != Kind.MULTI_CHOICE or not _sampled_checklist(question)):
        return _listed(compiled, question)
    if kind == Kind.MULTI_CHOICE:
        return _sample_checklist(question, compiled, log_joint, samples, cdf)
    rng = _rng(question)
    conditions, sites = _draw(log_joint, samples, rng, cdf)
    present = _present(compiled)  # (H, O)
    if kind == Kind.BODY_MAP and question.target == "pain_map":
        return _dedupe(
            [
                _pain_map(compiled, int(c), int(h), present, rng)
                for c, h in zip(conditions, sites, strict=True)
            ]
        )
    if kind == Kind.BODY_MAP:
        return _sensation(question, compiled, sites, present, rng)
    if kind == Kind.IMAGING:
        return _dedupe(
            [_imaging(compiled, int(c), int(h), rng) for c, h in zip(conditions, sites, strict=True)]
        )
    if kind == Kind.EXAM_STRENGTH:
        return _strength(question, compiled, sites, present, rng)
    return _dedupe([_reflexes(question, compiled, int(h), present, rng) for h in sites])


_LISTED_KINDS = (Kind.YES_NO_UNKNOWN, Kind.SIDE_TEST, Kind.NUMBER, Kind.MULTI_CHOICE)


def _sampled_checklist(question: Question) -> bool:
    return question.select != "one" and len(question.options) > ENUMERATE_OPTIONS


def _listed(compiled: CompiledKnowledge, question: Question) -> Candidates:
    """The answers of a small answer space, listed in full; the same for every state, so made once
    per question object and kept on the compiled knowledge, each with its repr as its key (what
    the interview's tables would otherwise work out for every state). Shared: never changed."""
    table: dict[str, tuple[Question, Candidates]] = held(compiled, "listed_answers", lambda _: {})
    known = table.get(question.id)
    if known is not None and known[0] is question:
        return known[1]
    answers = _list_answers(question)
    listed = Candidates(answers, None, [repr(answer) for answer in answers])
    table[question.id] = (question, listed)
    return listed


def _list_answers(question: Question) -> list[Value]:
    kind = question.kind
    if kind == Kind.YES_NO_UNKNOWN:
        return ["yes", "no"]
    if kind == Kind.SIDE_TEST:
        return ["left", "right", "both", "neither"]
    if kind == Kind.NUMBER:
        return list(question.probes or ())
    ids = [o.id for o in question.options]
    if question.select == "one":
        return list(ids)
    combos = itertools.product(("yes", "no"), repeat=len(ids))
    return [dict(zip(ids, combo, strict=True)) for combo in combos]


def _present(compiled: CompiledKnowledge) -> FloatArray:
    """P(observation | site), (H, O)."""
    return held(compiled, "present", lambda c: np.exp(c.loc_log_present))


def _sample_checklist(
    question: Question,
    compiled: CompiledKnowledge,
    log_joint: FloatArray,
    samples: int,
    cdf: FloatArray | None = None,
) -> Candidates:
    """Each option ticked when any of its findings is drawn present for a sampled condition: one
    uniform number per (sample, option), drawn in the order the samples and options come."""
    rng = _rng(question)
    conditions, _ = _draw(log_joint, samples, rng, cdf)
    options = question.options
    p_none = np.ones((len(conditions), len(options)))
    for j, option in enumerate(options):
        for fid in option.findings:  # multiplied in the order of the option's findings
            p_none[:, j] *= 1 - compiled.p_present[conditions, compiled.finding_index[fid]]
    ticked = rng.random((len(conditions), len(options))) >= p_none
    first, weights, keys = _dedupe_rows(ticked)

    def answer(i: int) -> Value:
        return {
            option.id: "yes" if yes else "no" for option, yes in zip(options, ticked[i].tolist(), strict=True)
        }

    return Candidates(_answers_of(compiled, question, first, keys, answer), weights, keys)


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
    for finding in _pain_map_findings(compiled):
        rule = finding.derive
        assert rule is not None and rule.pain_map is not None
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


def _pain_map_findings(compiled: CompiledKnowledge) -> list[Finding]:
    """The derived findings read from the pain map, in the knowledge base's order."""
    return held(
        compiled,
        "pain_map_findings",
        lambda c: [f for f in c.derived_findings if f.derive is not None and f.derive.pain_map is not None],
    )


def _sensation(
    question: Question,
    compiled: CompiledKnowledge,
    sites: IndexArray,
    present: FloatArray,
    rng: np.random.Generator,
) -> Candidates:
    """Each sampled site's sensory examination: each region on each side reduced with its
    P(observation | site), one uniform number each, in order (regions, then sides)."""
    tests = [(region, side) for region in _exam_regions(compiled) for side in SIDES]
    columns = [compiled.observation_index[f"sensory:{region}:{side}"] for region, side in tests]
    reduced = rng.random((len(sites), len(tests))) < present[np.ix_(sites, np.array(columns, dtype=np.intp))]
    first, weights, keys = _dedupe_rows(reduced)

    def answer(i: int) -> Value:
        return [
            {"region": region, "side": side, "status": "reduced" if low else "normal"}
            for (region, side), low in zip(tests, reduced[i].tolist(), strict=True)
        ]

    return Candidates(_answers_of(compiled, question, first, keys, answer), weights, keys)


def _strength(
    question: Question,
    compiled: CompiledKnowledge,
    sites: IndexArray,
    present: FloatArray,
    rng: np.random.Generator,
) -> Candidates:
    """Each sampled site's strength examination: each movement on each side graded 4 with its
    P(weakness | site), one uniform number each, in order (movements, then sides)."""
    tests = [(movement, side) for movement in question.movements for side in SIDES]
    columns = [compiled.observation_index[f"weakness:{movement}:{side}"] for movement, side in tests]
    weak = rng.random((len(sites), len(tests))) < present[np.ix_(sites, np.array(columns, dtype=np.intp))]
    first, weights, keys = _dedupe_rows(weak)

    def answer(i: int) -> Value:
        return [
            {"movement": movement, "side": side, "grade": 4 if low else 5}
            for (movement, side), low in zip(tests, weak[i].tolist(), strict=True)
        ]

    return Candidates(_answers_of(compiled, question, first, keys, answer), weights, keys)


_ANSWERS_LIMIT = 50_000  # sampled answers kept per knowledge base (a bounded table)
_AnswerTable = dict[tuple[str, str], tuple[Question, Value]]


def _answers_of(
    compiled: CompiledKnowledge,
    question: Question,
    first: list[int],
    keys: list[str],
    make: Callable[[int], Value],
) -> list[Value]:
    """The answers the kept draws ``first`` make (``make(i)``: the answer of draw i), each made once
    per (question, key) and kept on the compiled knowledge: the draws name the answer (its key, see
    :func:`_dedupe_rows`) and the same draws recur from state to state, so an answer of 20-40 entries
    is not built again for every state. Kept only for this very question object (another catalogue's
    question of the same id is made again). The answers are shared: never changed in place."""
    table: _AnswerTable = held(compiled, "sampled_answers", lambda _: {})
    out: list[Value] = []
    for i, key in zip(first, keys, strict=True):
        known = table.get((question.id, key))
        if known is not None and known[0] is question:
            out.append(known[1])
            continue
        if len(table) >= _ANSWERS_LIMIT:
            table.clear()
        value = make(i)
        table[(question.id, key)] = (question, value)
        out.append(value)
    return out


def _reflexes(
    question: Question, compiled: CompiledKnowledge, h: int, present: FloatArray, rng: np.random.Generator
) -> Value:
    """Brisk everywhere with P(upper motor neuron signs | site) (no further draws), else each reflex
    on each side reduced with its P(observation | site), one uniform number each, in order."""
    brisk = rng.random() < present[h, compiled.observation_index["umn::"]]
    tests = [(reflex, side) for reflex in question.reflexes for side in SIDES]
    if brisk:
        grades = [3] * len(tests)
    else:
        columns = [compiled.observation_index[f"reflex:{reflex}:{side}"] for reflex, side in tests]
        grades = np.where(rng.random(len(tests)) < present[h, columns], 1, 2).tolist()
    return [
        {"reflex": reflex, "side": side, "grade": grade}
        for (reflex, side), grade in zip(tests, grades, strict=True)
    ]


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
