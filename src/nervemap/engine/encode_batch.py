"""A batch of cases as evidence matrices (the batch form of engine/encode.py's per-case encoder).

:class:`EncodedBatch` holds the matrices the core scores, one row per case, and what the output
records need besides (how each finding was known, its sides, the encoder's notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from nervemap.engine.case import Case, Status
from nervemap.engine.compiled import (
    SIDES,
    SIGN_STATES,
    UNSTATED,
    WHOLE_LEG_FULL_POWER,
    WHOLE_LEG_NORMAL,
    WHOLE_LEG_WEAK,
    CompiledKnowledge,
    FloatArray,
    held,
    whole_leg_regions,
)
from nervemap.engine.encode import (
    DEFICIT_MODALITY,
    EXAM_DERIVED,
    IMAGING_FINDING,
    IMAGING_MODALITY,
    MIN_SIDED_FOR_PATTERN,
    PATTERN_MODALITIES,
    CaseError,
    EncodedCase,
    _check_references,
    _vague_marks,
    both_legs_contradiction_note,
    imaged_roots_and_sides,
    imaging_state_rows,
    with_examined_signs,
)
from nervemap.engine.encode import (
    _tables as encode_tables,
)
from nervemap.knowledge.models import Derivation, Finding, RegionGroup, SymptomKind

BoolArray = npt.NDArray[np.bool_]
T = TypeVar("T")
# how a finding was known (EncodedCase.origin), as a small code; 0: not known
ORIGINS: list[str] = ["", "derived", EXAM_DERIVED, "imaging", "reported"]
UNMARKED = np.iinfo(np.int32).max


def origin_code(origin: str) -> int:
    if origin not in ORIGINS:
        ORIGINS.append(origin)
    return ORIGINS.index(origin)


@dataclass
class EncodedBatch:
    present: BoolArray  # (B, F)
    absent: BoolArray  # (B, F)
    site_scored: BoolArray  # (B, F)
    observed_present: BoolArray  # (B, O)
    observed_absent: BoolArray  # (B, O)
    sign_states: BoolArray  # (B, K * len(SIGN_STATES))
    settings: list[str]
    origin: npt.NDArray[np.int8]  # (B, F) index into ORIGINS
    first: npt.NDArray[np.int32]  # (B, F) when the finding was first known (order of findings used)
    sides: BoolArray  # (B, F, 2) left, right
    notes: list[list[str]]
    finding_ids: list[str]
    _prior: FloatArray | None = field(default=None, repr=False)
    _cases: dict[int, EncodedCase] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.settings)

    def log_prior(self, compiled: CompiledKnowledge) -> FloatArray:
        if self._prior is None:
            priors = compiled.log_prior
            self._prior = np.array([priors[s] for s in self.settings]).reshape(len(self), -1)
        return self._prior

    def rows(self, start: int, stop: int) -> EncodedBatch:
        if start == 0 and stop == len(self):
            return self
        return EncodedBatch(
            self.present[start:stop],
            self.absent[start:stop],
            self.site_scored[start:stop],
            self.observed_present[start:stop],
            self.observed_absent[start:stop],
            self.sign_states[start:stop],
            self.settings[start:stop],
            self.origin[start:stop],
            self.first[start:stop],
            self.sides[start:stop],
            self.notes[start:stop],
            self.finding_ids,
            None if self._prior is None else self._prior[start:stop],
            {i - start: e for i, e in self._cases.items() if start <= i < stop},
        )

    def origins(self, i: int) -> list[tuple[int, str]]:
        """(finding index, origin) of the findings case ``i`` used, in the order they were known."""
        known = np.flatnonzero(self.origin[i])
        known = known[np.argsort(self.first[i, known], kind="stable")]
        codes = self.origin[i, known].tolist()
        return [(f, ORIGINS[code]) for f, code in zip(known.tolist(), codes, strict=True)]

    def arrays(self, i: int) -> EncodedCase:
        """Row ``i``'s vectors alone (no origins, sides or notes): cheap, for readers of the arrays."""
        known = self._cases.get(i)
        if known is not None:
            return known
        return EncodedCase(
            self.present[i],
            self.absent[i],
            self.observed_present[i],
            self.observed_absent[i],
            self.sign_states[i],
            self.settings[i],
            self.site_scored[i],
        )

    def case(self, i: int) -> EncodedCase:
        """Row ``i`` as the per-case encoder's EncodedCase (built on first use)."""
        known = self._cases.get(i)
        if known is not None:
            return known
        ids = self.finding_ids
        origin: dict[str, str] = {}
        sides: dict[str, set[str]] = {}
        for f, how in self.origins(i):
            origin[ids[f]] = how
        for f in np.flatnonzero(self.sides[i].any(axis=1)).tolist():
            sides[ids[f]] = {s for s, seen in zip(SIDES, self.sides[i, f].tolist(), strict=True) if seen}
        encoded = EncodedCase(
            self.present[i],
            self.absent[i],
            self.observed_present[i],
            self.observed_absent[i],
            self.sign_states[i],
            self.settings[i],
            self.site_scored[i],
            origin,
            sides,
            list(self.notes[i]),
        )
        self._cases[i] = encoded
        return encoded

    @classmethod
    def of(cls, compiled: CompiledKnowledge, encoded: Sequence[EncodedCase]) -> EncodedBatch:
        """Stack cases encoded one by one (engine/encode.encode_case)."""
        n, n_findings = len(encoded), len(compiled.finding_ids)
        index = compiled.finding_index
        origin = np.zeros((n, n_findings), dtype=np.int8)
        first = np.full((n, n_findings), UNMARKED, dtype=np.int32)
        sides = np.zeros((n, n_findings, 2), dtype=bool)
        for i, e in enumerate(encoded):
            for k, (fid, how) in enumerate(e.origin.items()):
                f = index[fid]
                origin[i, f] = origin_code(how)
                first[i, f] = k
            for fid, seen in e.sides.items():
                f = index[fid]
                sides[i, f, 0] = "left" in seen
                sides[i, f, 1] = "right" in seen
        batch = cls(
            _stack([e.present for e in encoded], n_findings),
            _stack([e.absent for e in encoded], n_findings),
            _stack([e.site_scored for e in encoded], n_findings),
            _stack([e.observed_present for e in encoded], len(compiled.observations)),
            _stack([e.observed_absent for e in encoded], len(compiled.observations)),
            _stack([e.sign_states for e in encoded], compiled.sign_log_factor.shape[0]),
            [e.setting for e in encoded],
            origin,
            first,
            sides,
            [e.notes for e in encoded],
            compiled.finding_ids,
        )
        batch._cases = dict(enumerate(encoded))
        return batch


def _stack(rows: Sequence[BoolArray], width: int) -> BoolArray:
    if not rows:
        return np.zeros((0, width), dtype=bool)
    return np.stack(rows).astype(bool, copy=False)


# --- the batch encoder ---------------------------------------------------------------------------
# Side codes of the flattened items: a stated side, "unstated" on a lateral region or structure,
# and none (a midline region).
LEFT, RIGHT, UNSTATED_SIDE, NO_SIDE = 0, 1, 2, 3
SIDE_CODE: dict[str | None, int] = {"left": LEFT, "right": RIGHT, None: UNSTATED_SIDE}
NO_GRADE = 99
REPORTED_STAGE = 1_000_000  # first-mark order: derived findings, then imaging, then reported
BOTH_LEGS_STAGE = 2_000_000  # then symptoms in both legs read from the reported sides


def _bilateral(finding: Finding) -> bool:
    return finding.derive is not None and finding.derive.bilateral


class BatchTables:
    """The knowledge base's lookups for the batch encoder, built once per compile."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        kb = compiled.knowledge
        self.compiled = compiled
        self.regions = list(compiled.regions)
        self.region_index = {r: i for i, r in enumerate(self.regions)}
        self.lateral = np.array([compiled.regions[r].lateral for r in self.regions])
        self.back = np.array([compiled.regions[r].group == RegionGroup.BACK for r in self.regions])
        self.kinds = list(SymptomKind)
        self.kind_index = {k: i for i, k in enumerate(self.kinds)}
        self.pain_kind = self.kind_index[SymptomKind.PAIN]
        self.movements = [m.id for m in kb.anatomy.movements]
        self.movement_index = {m: i for i, m in enumerate(self.movements)}
        self.reflexes = [r.id for r in kb.anatomy.reflexes]
        self.reflex_index = {r: i for i, r in enumerate(self.reflexes)}
        wanted = set(whole_leg_regions(kb))
        self.whole_leg = np.array([r in wanted for r in self.regions])
        # observation index by typed (modality, target, side) instead of "modality:target:side"
        typed = {(o.modality, o.target, o.side): i for i, o in enumerate(compiled.observations)}
        sides: tuple[str | None, ...] = ("left", "right", UNSTATED, None)
        n_regions = len(self.regions)

        def table(modality: str, targets: Sequence[str]) -> npt.NDArray[np.intp]:
            out = np.full((len(targets), 4), -1, dtype=np.intp)
            for t, target in enumerate(targets):
                for s, side in enumerate(sides):
                    out[t, s] = typed.get((modality, target, side), -1)
            return out

        self.obs_pain = table("pain", self.regions)
        self.obs_sensory = table("sensory", self.regions)
        self.obs_weakness = table("weakness", self.movements)
        self.obs_reflex = table("reflex", self.reflexes)
        self.obs_reflex_aged = table("reflex-aged", self.reflexes)
        self.obs_leg_normal = table(WHOLE_LEG_NORMAL, ["leg"])[0]
        self.obs_full_power = table(WHOLE_LEG_FULL_POWER, ["leg"])[0]
        self.obs_leg_weak = table(WHOLE_LEG_WEAK, ["leg"])[0]
        self.obs_umn = typed.get(("umn", "", None), -1)
        self.obs_unilateral = typed.get(("pattern", "unilateral", None), -1)
        self.obs_bilateral = typed.get(("pattern", "bilateral", None), -1)
        self.typed = typed
        aged = kb.localisation.age_related_reflex_loss
        self.aged_min = None if aged is None else aged.age_min
        # a reflex at this grade on both sides is not scored (localisation.yaml symmetric_reflex_grade)
        trace = kb.localisation.symmetric_reflex_grade
        self.trace_grade = -2 if trace is None else int(trace.value)
        self.aged_reflexes = np.array([aged is not None and r in aged.reflexes for r in self.reflexes])
        # derived findings
        self.derived = compiled.derived_findings
        self.derived_index = [compiled.finding_index[f.id] for f in self.derived]
        self.exclusive = np.array([bool(f.exclusive_group) for f in compiled.knowledge.findings])
        self.lateral_findings = np.array([bool(f.lateral) for f in compiled.knowledge.findings])
        self.region_masks: dict[int, FloatArray] = {}
        self.region_kind_masks: dict[int, FloatArray] = {}
        for d, finding in enumerate(self.derived):
            rule = finding.derive
            assert rule is not None
            if rule.pain_map is not None:
                regions = np.zeros(n_regions)
                for r in rule.pain_map:
                    if r in self.region_index:
                        regions[self.region_index[r]] = 1.0
                kinds = np.zeros(len(self.kinds))
                for k in rule.kinds:
                    kinds[self.kind_index[k]] = 1.0
                self.region_masks[d] = regions
                self.region_kind_masks[d] = np.outer(regions, kinds).ravel()
        # the pain-map rules (not bilateral) as matrices: one product each for the whole batch
        self.pain_rules = [
            d for d, f in enumerate(self.derived) if d in self.region_masks and not _bilateral(f)
        ]
        self.pain_slot = {d: j for j, d in enumerate(self.pain_rules)}
        width = n_regions * len(self.kinds)
        self.pain_kind_matrix = np.zeros((width, len(self.pain_rules)))
        self.pain_region_matrix = np.zeros((n_regions, len(self.pain_rules)))
        for j, d in enumerate(self.pain_rules):
            self.pain_kind_matrix[:, j] = self.region_kind_masks[d]
            self.pain_region_matrix[:, j] = self.region_masks[d]
        # laterality: sided observations that make up a pattern
        pattern = set(PATTERN_MODALITIES)
        observations = compiled.observations
        self.pattern_left = np.array([o.modality in pattern and o.side == "left" for o in observations])
        self.pattern_right = np.array([o.modality in pattern and o.side == "right" for o in observations])
        self.pattern_sides = np.stack([self.pattern_left, self.pattern_right], axis=1).astype(np.float64)
        # each sided pattern place (modality and target) on the left and on the right, to find a side
        # that shows only part of what the other shows (encode._encode_laterality)
        at_side = {
            (o.modality, o.target, o.side): i for i, o in enumerate(observations) if o.modality in pattern
        }
        places = sorted({(m, target) for m, target, side in at_side if side in ("left", "right")})
        places = [p for p in places if (*p, "left") in at_side and (*p, "right") in at_side]
        self.place_left = np.array([at_side[(*p, "left")] for p in places], dtype=np.intp)
        self.place_right = np.array([at_side[(*p, "right")] for p in places], dtype=np.intp)
        self.place_felt = np.array([not m.startswith("weakness") for m, _ in places], dtype=bool)
        self.place_deficit = np.array([m == DEFICIT_MODALITY for m, _ in places], dtype=bool)
        # imaging lesions: they confirm a clinical side, never add one (encode.IMAGING_MODALITY)
        self.imaging_sides = np.stack(
            [
                np.array([o.modality == IMAGING_MODALITY and o.side == side for o in observations])
                for side in ("left", "right")
            ],
            axis=1,
        ).astype(np.float64)
        laterality = getattr(kb.localisation, "laterality_findings", None) or []
        self.laterality_findings = np.array(
            [compiled.finding_index[f] for f in laterality if f in compiled.finding_index], dtype=np.intp
        )
        self.kind_findings = [
            (compiled.finding_index[k.finding], [typed.get(("kind", k.finding, s), -1) for s in sides[:3]])
            for k in kb.localisation.site_kind_findings
            if k.finding in compiled.finding_index
        ]
        # reported deficits read as a weak movement: (finding, movement, its weakness columns)
        self.reported_weakness = [
            (
                compiled.finding_index[r.finding],
                self.movement_index[r.movement],
                self.obs_weakness[self.movement_index[r.movement]],
            )
            for r in kb.localisation.reported_weakness
            if r.finding in compiled.finding_index
        ]
        # leg symptoms stated with a side and no part of the leg: (finding, 0 pain / 1 sensory,
        # the columns of that symptom somewhere in the left and the right leg)
        self.sided_leg_symptoms = [
            (
                compiled.finding_index[f],
                0 if modality == "pain" else 1,
                [typed.get((f"{modality}-vague", "leg", side), -1) for side in ("left", "right")],
            )
            for f, modality in kb.localisation.sided_leg_symptoms.items()
            if f in compiled.finding_index
        ]
        # symptoms in both legs from sided leg symptoms: (the finding, the sided findings read)
        both_legs = kb.localisation.both_legs_from_sides
        self.both_legs: tuple[int, npt.NDArray[np.intp]] | None = None
        if both_legs is not None and both_legs.finding in compiled.finding_index:
            read = [compiled.finding_index[f] for f in both_legs.sided if f in compiled.finding_index]
            self.both_legs = (compiled.finding_index[both_legs.finding], np.array(read, dtype=np.intp))
        # that a leg is a symptomatic one (encode._encode_one_leg): its column and its parts' columns
        self.one_leg = [
            (column, np.array(parts, dtype=np.intp)) for column, parts in encode_tables(compiled).one_leg
        ]
        self.extensor_plantar = compiled.finding_index.get("extensor_plantar")
        self.imaging_findings = {kind: compiled.finding_index.get(f) for kind, f in IMAGING_FINDING.items()}
        self.finding_index = compiled.finding_index
        self.numbness_kind = self.kind_index[SymptomKind.NUMBNESS]
        # derived findings: their columns, and whether each is read from the examination
        self.derived_code, self.exam_code = origin_code("derived"), origin_code(EXAM_DERIVED)
        self.derived_columns = np.array(self.derived_index, dtype=np.intp)
        self.derived_from_exam = np.array(
            [
                rule is not None
                and not finding.red_flag  # scored by the conditions too (encode._Tables)
                and rule.reads_examination
                for finding, rule in ((f, f.derive) for f in self.derived)
            ],
            dtype=bool,
        )
        self.derived_origin = np.where(self.derived_from_exam, self.exam_code, self.derived_code).astype(
            np.int8
        )


def batch_tables(compiled: CompiledKnowledge) -> BatchTables:
    """The batch encoder's tables, built once and kept on the compiled knowledge (they die with it)."""
    return held(compiled, "encode_batch_tables", BatchTables)


def encode_batch(cases: Sequence[Case], compiled: CompiledKnowledge) -> EncodedBatch:
    """A batch of cases as its evidence matrices: the same rows engine/encode.encode_case gives.

    The cases' items (pain-map marks, strength, reflexes, sensation) are read into flat integer
    arrays once; derived findings, whole-leg examinations, observations, nerve-tension sign states
    and laterality are then computed for the whole batch with array operations. Only reported
    findings (whose order decides conflicts), imaging reports and notes' partial pain maps are
    read item by item. A case the knowledge base cannot read raises CaseError, as encode_case does.
    """
    cases = [with_examined_signs(case, compiled) for case in cases]  # encode.with_examined_signs
    t = batch_tables(compiled)
    n = len(cases)
    n_findings, n_obs = len(compiled.finding_ids), len(compiled.observations)
    n_regions, n_kinds = len(t.regions), len(t.kinds)
    n_movements, n_reflexes = len(t.movements), len(t.reflexes)
    # --- flatten the items -------------------------------------------------------------------
    # each kind of item as integer columns, one list comprehension a column (few small objects);
    # unknown ids become -1 (the reference check below words them)
    region_get, kind_index = t.region_index.get, t.kind_index
    movement_get, reflex_get, finding_get = t.movement_index.get, t.reflex_index.get, t.finding_index.get
    marks, mk_case, _ = _gather([case.pain_map or () for case in cases])
    mk = _columns(
        mk_case,
        [region_get(m.region, -1) for m in marks],
        [kind_index[m.kind] for m in marks],
        [SIDE_CODE[m.side] for m in marks],
    )
    strength, st_case, _ = _gather([case.strength for case in cases])
    st = _columns(
        st_case,
        [movement_get(s.movement, -1) for s in strength],
        [SIDE_CODE[s.side] for s in strength],
        [s.grade for s in strength],
    )
    reflexes, rf_case, _ = _gather([case.reflexes for case in cases])
    rf = _columns(
        rf_case,
        [reflex_get(r.reflex, -1) for r in reflexes],
        [SIDE_CODE[r.side] for r in reflexes],
        [r.grade for r in reflexes],
    )
    tests, se_case, _ = _gather([case.sensation for case in cases])
    se = _columns(
        se_case,
        [region_get(s.region, -1) for s in tests],
        [SIDE_CODE[s.side] for s in tests],
        [_SENSATION[s.status] for s in tests],
    )
    reported, fi_case, fi_item = _gather([case.findings for case in cases])
    fi = _columns(
        fi_case,
        fi_item,
        [finding_get(r.id, -1) for r in reported],
        [_STATUS[r.status] for r in reported],
        [_REPORTED_SIDE[r.side] for r in reported],
    )
    _check_batch(t, cases, mk, st, rf, se, fi)
    age = np.array([np.nan if c.age is None else c.age for c in cases], dtype=np.float64)
    duration = np.array([np.nan if c.duration_days is None else c.duration_days for c in cases])
    sex = [c.sex for c in cases]
    onset = [c.onset for c in cases]
    has_map = np.array([c.pain_map is not None for c in cases], dtype=bool)
    complete = np.array([c.pain_map_complete for c in cases], dtype=bool)

    # --- per-case aggregates ------------------------------------------------------------------
    # pain map: (B, side: left/right/none, region, kind)
    pm = np.zeros((n, 3, n_regions, n_kinds), dtype=bool)
    if len(mk):
        pm[mk[:, 0], np.minimum(mk[:, 3], 2), mk[:, 1], mk[:, 2]] = True
    pm_any = np.zeros((n, n_regions * n_kinds))  # (B, region x kind): marked on any side
    pm_region_side = np.zeros((n, 3, n_regions))  # (B, side, region): marked with any kind
    if len(mk):
        pm_any[mk[:, 0], mk[:, 1] * n_kinds + mk[:, 2]] = 1.0
        pm_region_side[mk[:, 0], np.minimum(mk[:, 3], 2), mk[:, 1]] = 1.0
    pain = (
        pm_any @ t.pain_kind_matrix > 0,
        pm_region_side[:, 0] @ t.pain_region_matrix > 0,
        pm_region_side[:, 1] @ t.pain_region_matrix > 0,
    )
    # strength: lowest grade per movement, on any side and per side (left, right, unstated)
    g_any = np.full((n, n_movements), NO_GRADE, dtype=np.intp)
    g_side = np.full((n, 3, n_movements), NO_GRADE, dtype=np.intp)
    if len(st):
        np.minimum.at(g_any, (st[:, 0], st[:, 1]), st[:, 3])
        np.minimum.at(g_side, (st[:, 0], st[:, 2], st[:, 1]), st[:, 3])
    r_min = np.full((n, n_reflexes), NO_GRADE, dtype=np.intp)
    r_max = np.full((n, n_reflexes), -1, dtype=np.intp)
    r_side = np.full((n, 3, n_reflexes), NO_GRADE, dtype=np.intp)
    if len(rf):
        np.minimum.at(r_min, (rf[:, 0], rf[:, 1]), rf[:, 3])
        np.maximum.at(r_max, (rf[:, 0], rf[:, 1]), rf[:, 3])
        np.minimum.at(r_side, (rf[:, 0], rf[:, 2], rf[:, 1]), rf[:, 3])
    tested_region = np.zeros((n, n_regions), dtype=bool)
    lost_region = np.zeros((n, n_regions), dtype=bool)
    if len(se):
        tested_region[se[:, 0], se[:, 1]] = True
        lost = (se[:, 3] == _SENSATION["reduced"]) | (se[:, 3] == _SENSATION["absent"])
        lost_region[se[lost, 0], se[lost, 1]] = True

    # --- derived findings -----------------------------------------------------------------------
    present = np.zeros((n, n_findings), dtype=bool)
    absent = np.zeros((n, n_findings), dtype=bool)
    site_scored = np.zeros((n, n_findings), dtype=bool)
    origin = np.zeros((n, n_findings), dtype=np.int8)
    first = np.full((n, n_findings), UNMARKED, dtype=np.int32)
    sides = np.zeros((n, n_findings, 2), dtype=bool)
    exam = (g_any, g_side, r_min, r_max, r_side, tested_region, lost_region)
    n_derived = len(t.derived)
    # (D, B): one row per derived finding, written into the (B, F) matrices at once
    value, known, left, right = (np.zeros((n_derived, n), dtype=bool) for _ in range(4))
    for d, finding in enumerate(t.derived):
        rule = finding.derive
        assert rule is not None
        value[d], known[d], left[d], right[d] = _derive(
            t, d, rule, age, sex, onset, duration, has_map, complete, pm, pm_region_side, pain, exam
        )
    if n_derived:
        at = t.derived_columns
        marked = (known & (value | ~t.exclusive[at][:, None])).T  # (B, D)
        value = value.T
        present[:, at] = marked & value
        absent[:, at] = marked & ~value
        site_scored[:, at] = marked & t.derived_from_exam[None, :]
        origin[:, at] = np.where(marked, t.derived_origin[None, :], 0)
        first[:, at] = np.where(marked, np.arange(n_derived, dtype=np.int32)[None, :], UNMARKED)
        sides[:, at, 0] = marked & value & left.T
        sides[:, at, 1] = marked & value & right.T

    # --- imaging reports ---------------------------------------------------------------------------
    imaging_code, reported_code = origin_code("imaging"), origin_code("reported")
    imaged = _flat(
        [
            (b, k, column)
            for b, case in enumerate(cases)
            if case.imaging
            for k, item in enumerate(case.imaging)
            if (column := t.imaging_findings[item.kind]) is not None
        ],
        3,
    )
    if len(imaged):
        b_, f_ = imaged[:, 0], imaged[:, 2]
        present[b_, f_], absent[b_, f_], site_scored[b_, f_] = True, False, False
        origin[b_, f_] = imaging_code
        # the first report of a finding not derived before: derived marks (< D) stay first
        np.minimum.at(first, (b_, f_), (n_derived + imaged[:, 1]).astype(np.int32))

    # --- reported findings --------------------------------------------------------------------------
    notes: list[list[str]] = [[] for _ in range(n)]
    conflicts: list[tuple[int, int, str]] = []  # (case, item, note): notes in the order of the items
    fi = fi[fi[:, 3] != _STATUS[Status.UNKNOWN]]
    if len(fi):
        keys = fi[:, 0] * n_findings + fi[:, 2]
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        once = counts[inverse.reshape(-1)] == 1
        # a finding reported once in a case: its item reads the state the derived findings and
        # imaging left, so all such items are applied together
        _apply_reported(
            t, fi[once], present, absent, site_scored, origin, first, sides, conflicts, reported_code
        )
        # a finding reported more than once (per side, say): its items in order, one by one
        for b, k, f, status, side in fi[~once].tolist():
            _apply_reported(
                t,
                np.array([[b, k, f, status, side]], dtype=np.intp),
                present,
                absent,
                site_scored,
                origin,
                first,
                sides,
                conflicts,
                reported_code,
            )
        conflicts.sort(key=lambda item: item[:2])
        for b, _, note in conflicts:
            notes[b].append(note)

    # --- symptoms in both legs from sided leg symptoms (encode._derive_both_legs) ---------------------
    if t.both_legs is not None:
        target, read = t.both_legs
        on = present[:, read]
        both = (sides[:, read, 0] & on).any(axis=1) & (sides[:, read, 1] & on).any(axis=1)
        both &= ~present[:, target]
        # a report of the finding absent loses to the sided symptoms, with a note
        for b in np.flatnonzero(both & (origin[:, target] == reported_code)):
            notes[b].append(both_legs_contradiction_note(compiled.finding_ids[target]))
        if both.any():
            present[both, target], absent[both, target], site_scored[both, target] = True, False, False
            origin[both, target] = t.derived_code
            first[both, target] = np.minimum(first[both, target], BOTH_LEGS_STAGE)

    # --- localisation observations ------------------------------------------------------------------
    obs_p = np.zeros((n, n_obs), dtype=bool)
    obs_a = np.zeros((n, n_obs), dtype=bool)
    rows_p: list[npt.NDArray[np.intp]] = []
    cols_p: list[npt.NDArray[np.intp]] = []
    rows_a: list[npt.NDArray[np.intp]] = []
    cols_a: list[npt.NDArray[np.intp]] = []

    def observe(rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], values: BoolArray) -> None:
        known = cols >= 0
        rows_p.append(rows[known & values])
        cols_p.append(cols[known & values])
        rows_a.append(rows[known & ~values])
        cols_a.append(cols[known & ~values])

    partial = np.array([not c.pain_map_complete and bool(c.pain_map) for c in cases])
    if len(mk):
        # pain-map marks (partial maps of notes: read mark by mark below, for their vague parts)
        keep = ~t.back[mk[:, 1]] & ~partial[mk[:, 0]]
        mark_side = np.where(t.lateral[mk[:, 1]], mk[:, 3], NO_SIDE)
        is_pain = mk[:, 2] == t.pain_kind
        cols = np.where(is_pain, t.obs_pain[mk[:, 1], mark_side], t.obs_sensory[mk[:, 1], mark_side])
        observe(mk[keep, 0], cols[keep], np.ones(int(keep.sum()), dtype=bool))
    for b in np.flatnonzero(partial).tolist():
        columns = _partial_map_columns(t, cases[b])
        observe(np.full(len(columns), b), np.array(columns, dtype=np.intp), np.ones(len(columns), dtype=bool))
    # a whole leg's normal sensation (per side: left, right, unstated)
    normal_cover = np.zeros((n, 3, n_regions), dtype=bool)
    spoiled = np.zeros((n, 3), dtype=bool)
    if len(se):
        lateral_test = t.lateral[se[:, 1]]
        normal = se[:, 3] == _SENSATION["normal"]
        chosen = lateral_test & normal
        normal_cover[se[chosen, 0], se[chosen, 2], se[chosen, 1]] = True
        chosen = lateral_test & ~normal
        spoiled[se[chosen, 0], se[chosen, 2]] = True
    if len(mk):
        numb = mk[:, 2] != t.pain_kind
        spoiled[mk[numb, 0], np.minimum(mk[numb, 3], 2)] = True
    leg_normal = normal_cover[:, :, t.whole_leg].all(axis=2) & normal_cover.any(axis=2) & ~spoiled
    for s in range(3):
        rows = np.flatnonzero(leg_normal[:, s])
        observe(rows, np.full(len(rows), t.obs_leg_normal[s]), np.ones(len(rows), dtype=bool))
    if len(se):
        not_increased = se[:, 3] != _SENSATION["increased"]
        lateral_test = t.lateral[se[:, 1]]
        test_side = np.where(lateral_test, se[:, 2], NO_SIDE)
        in_leg = lateral_test & leg_normal[se[:, 0], np.minimum(se[:, 2], 2)]
        keep = not_increased & ~in_leg
        cols = t.obs_sensory[se[:, 1], test_side]
        observe(se[keep, 0], cols[keep], (se[:, 3] != _SENSATION["normal"])[keep])
    # a whole leg's full power
    full_cover = np.zeros((n, 3, n_movements), dtype=bool)
    weak = np.zeros((n, 3), dtype=bool)
    if len(st):
        full = st[:, 3] >= 5
        full_cover[st[full, 0], st[full, 2], st[full, 1]] = True
        weak[st[~full, 0], st[~full, 2]] = True
    full_power = full_cover.all(axis=2) & ~weak
    for s in range(3):
        rows = np.flatnonzero(full_power[:, s])
        observe(rows, np.full(len(rows), t.obs_full_power[s]), np.ones(len(rows), dtype=bool))
    # one weak grade on every movement of a leg ("both legs 3/5"): one observation
    cover = np.zeros((n, 3, n_movements), dtype=bool)
    g_low = np.full((n, 3), NO_GRADE, dtype=np.intp)
    g_high = np.full((n, 3), -1, dtype=np.intp)
    if len(st):
        cover[st[:, 0], st[:, 2], st[:, 1]] = True
        np.minimum.at(g_low, (st[:, 0], st[:, 2]), st[:, 3])
        np.maximum.at(g_high, (st[:, 0], st[:, 2]), st[:, 3])
    leg_weak = cover.all(axis=2) & (g_low == g_high) & (g_high <= 4)
    for s in range(3):
        rows = np.flatnonzero(leg_weak[:, s])
        observe(rows, np.full(len(rows), t.obs_leg_weak[s]), np.ones(len(rows), dtype=bool))
    if len(st):
        keep = ~full_power[st[:, 0], st[:, 2]] & ~leg_weak[st[:, 0], st[:, 2]]
        cols = t.obs_weakness[st[:, 1], st[:, 2]]
        observe(st[keep, 0], cols[keep], (st[:, 3] <= 4)[keep])
    # reflexes: 1+ on both sides is within normal variation; 3+ is an upper motor neuron sign
    if len(rf):
        order = np.arange(len(rf))[::-1]
        keys = (rf[:, 0] * n_reflexes + rf[:, 1]) * 3 + rf[:, 2]
        _, last = np.unique(keys[order], return_index=True)
        last_rows = order[last]
        last_grade = np.full((n, n_reflexes, 3), -1, dtype=np.intp)
        last_grade[rf[last_rows, 0], rf[last_rows, 1], rf[last_rows, 2]] = rf[last_rows, 3]
        trace = (last_grade[:, :, LEFT] == t.trace_grade) & (last_grade[:, :, RIGHT] == t.trace_grade)
        keep = ~trace[rf[:, 0], rf[:, 1]]
        brisk = rf[:, 3] >= 3
        umn_rows = rf[keep & brisk, 0]
        observe(umn_rows, np.full(len(umn_rows), t.obs_umn), np.ones(len(umn_rows), dtype=bool))
        older = np.zeros(n, dtype=bool) if t.aged_min is None else ~np.isnan(age) & (age >= t.aged_min)
        aged = older[rf[:, 0]] & t.aged_reflexes[rf[:, 1]]
        cols = np.where(aged, t.obs_reflex_aged[rf[:, 1], rf[:, 2]], t.obs_reflex[rf[:, 1], rf[:, 2]])
        keep &= ~brisk
        observe(rf[keep, 0], cols[keep], (rf[:, 3] <= 1)[keep])
    imaging_rows: list[int] = []
    imaging_columns: list[int] = []
    for b in [b for b, case in enumerate(cases) if case.imaging]:
        columns = _imaging_columns(t, cases[b])
        imaging_rows.extend([b] * len(columns))
        imaging_columns.extend(columns)
    observe(
        np.array(imaging_rows, dtype=np.intp),
        np.array(imaging_columns, dtype=np.intp),
        np.ones(len(imaging_rows), dtype=bool),
    )
    for r, c in zip(rows_p, cols_p, strict=True):
        obs_p[r, c] = True
    for r, c in zip(rows_a, cols_a, strict=True):
        obs_a[r, c] = True
    obs_a &= ~obs_p
    # nerve-tension signs: the sides they were positive on (any side when none is given), or absent
    n_states = len(SIGN_STATES)
    signs = np.zeros((n, len(compiled.sign_log_factor)), dtype=bool)
    for b in [b for b, case in enumerate(cases) if case.imaging]:
        signs[b, imaging_state_rows(compiled, cases[b].imaging)] = True
    for k, f in enumerate(compiled.sign_findings):
        base = k * n_states
        has_side = sides[:, f].any(axis=1)
        signs[:, base + SIGN_STATES.index("left")] = present[:, f] & sides[:, f, 0]
        signs[:, base + SIGN_STATES.index("right")] = present[:, f] & sides[:, f, 1]
        signs[:, base + SIGN_STATES.index("any")] = present[:, f] & ~has_side
        signs[:, base + SIGN_STATES.index("absent")] = absent[:, f] & ~present[:, f]
        site_scored[:, f] = present[:, f] | absent[:, f]
    # findings that name the kind of lesion, per side they were seen on
    for f, columns in t.kind_findings:
        seen, denied = present[:, f], absent[:, f] & ~present[:, f]
        has_side = sides[:, f].any(axis=1)
        targets = (
            (seen & sides[:, f, 0], columns[0], True),
            (seen & sides[:, f, 1], columns[1], True),
            (seen & ~has_side, columns[2], True),
            (denied, columns[2], False),
        )
        for rows_mask, column, seen_there in targets:
            if column >= 0:
                if seen_there:
                    obs_p[rows_mask, column] = True
                    obs_a[rows_mask, column] = False
                else:
                    obs_a[rows_mask & ~obs_p[:, column], column] = True
        site_scored[:, f] |= seen | denied
    # a reported foot drop: weak ankle dorsiflexion on its side unless the examination grades it there
    for f, m, columns in t.reported_weakness:
        has_side = sides[:, f].any(axis=1)
        for code, on_side in ((LEFT, sides[:, f, 0]), (RIGHT, sides[:, f, 1]), (UNSTATED_SIDE, ~has_side)):
            rows_mask = present[:, f] & on_side & (g_side[:, code, m] == NO_GRADE)
            if columns[code] >= 0:
                obs_p[rows_mask, columns[code]] = True
                obs_a[rows_mask, columns[code]] = False
    # whether the sided findings keep to one side
    if t.obs_unilateral >= 0:
        counts = obs_p.astype(np.float64) @ t.pattern_sides  # (B, 2): sided observations left, right
        lf = t.laterality_findings
        seen = present[:, lf, None] & sides[:, lf]  # (B, findings, 2)
        n_left = counts[:, 0] + seen[:, :, 0].sum(axis=1)
        n_right = counts[:, 1] + seen[:, :, 1].sum(axis=1)
        imaged = obs_p.astype(np.float64) @ t.imaging_sides  # (B, 2): imaged roots left, right
        # no side stated clinically: the scan's sides are the only ones known (encode._encode_laterality)
        unsided = (n_left + n_right) == 0
        n_left = n_left + np.where((n_left > 0) | unsided, imaged[:, 0], 0.0)
        n_right = n_right + np.where((n_right > 0) | unsided, imaged[:, 1], 0.0)
        patterned = n_left + n_right >= MIN_SIDED_FOR_PATTERN
        one_side = patterned & ((n_left == 0) | (n_right == 0))
        # a side whose symptoms are a strict part of the other's, with nothing of its own, is the
        # lesser side of a one-sided picture (encode._encode_laterality)
        on_left, on_right = obs_p[:, t.place_left], obs_p[:, t.place_right]
        felt, deficit = t.place_felt, t.place_deficit
        lesser = np.zeros(n, dtype=bool)
        for mine, theirs, my_findings, their_findings in (
            (on_left, on_right, seen[:, :, 0], seen[:, :, 1]),
            (on_right, on_left, seen[:, :, 1], seen[:, :, 0]),
        ):
            lesser |= (
                ~(mine[:, felt] & ~theirs[:, felt]).any(axis=1)
                & (theirs[:, felt] & ~mine[:, felt]).any(axis=1)
                & ~(mine & ~theirs).any(axis=1)
                & ~(my_findings & ~their_findings).any(axis=1)
                & (theirs[:, deficit] & ~mine[:, deficit]).any(axis=1)
            )
        one_side |= patterned & ~one_side & lesser
        two_sides = patterned & ~one_side
        for rows_mask, column in ((one_side, t.obs_unilateral), (two_sides, t.obs_bilateral)):
            obs_p[rows_mask, column] = True
            obs_a[rows_mask, column] = False
    # a leg symptom stated with a side and no part of the leg ("right-sided sciatica"): the symptom
    # somewhere in that leg, unless the map marks that kind on that side or is complete (after the
    # pattern, which already counts the finding's side; encode._encode_sided_leg_symptoms); a
    # complete map leaves nothing unknown
    if t.sided_leg_symptoms:
        marked = np.zeros((n, 2, 2), dtype=bool)  # (B, pain / sensory, left / right)
        if len(mk):
            in_leg = ~t.back[mk[:, 1]] & (mk[:, 3] <= RIGHT)
            symptom = np.where(mk[:, 2] == t.pain_kind, 0, 1)
            marked[mk[in_leg, 0], symptom[in_leg], mk[in_leg, 3]] = True
        for f, symptom_code, columns in t.sided_leg_symptoms:
            for code in (LEFT, RIGHT):
                if columns[code] >= 0:
                    on_side = present[:, f] & sides[:, f, code] & ~marked[:, symptom_code, code]
                    rows_mask = on_side & ~(complete & has_map)
                    obs_p[rows_mask, columns[code]] = True
                    obs_a[rows_mask, columns[code]] = False
    if t.extensor_plantar is not None and t.obs_umn >= 0:
        f, column = t.extensor_plantar, t.obs_umn
        obs_p[present[:, f], column] = True
        obs_a[present[:, f], column] = False
        obs_a[absent[:, f] & ~obs_p[:, column], column] = True
    if len(mk) and len(se):
        # numbness on the map where the examination found normal sensation (same region and side)
        numb = mk[mk[:, 2] == t.numbness_kind]
        normal = se[se[:, 3] == _SENSATION["normal"]]
        hit = np.isin(
            (normal[:, 0] * n_regions + normal[:, 1]) * 4 + normal[:, 2],
            (numb[:, 0] * n_regions + numb[:, 1]) * 4 + numb[:, 3],
        )
        for b in np.unique(normal[hit, 0]).tolist():
            notes[b].extend(_contradiction_notes(cases[b]))
    for column, parts in t.one_leg:
        obs_p[:, column] |= obs_p[:, parts].any(axis=1)
    return EncodedBatch(
        present,
        absent,
        site_scored,
        obs_p,
        obs_a,
        signs,
        [c.setting.value for c in cases],
        origin,
        first,
        sides,
        notes,
        compiled.finding_ids,
    )


_SENSATION = {"normal": 0, "reduced": 1, "absent": 2, "increased": 3}
_STATUS = {Status.ABSENT: 0, Status.PRESENT: 1, Status.UNKNOWN: 2}
# the side of a reported finding: left, right, both, none
_REPORTED_SIDE: dict[str | None, int] = {"left": 0, "right": 1, "bilateral": 2, None: 3}
IntArray = npt.NDArray[np.intp]


def _flat(items: list[tuple[int, ...]], width: int = 4) -> IntArray:
    """Flattened items as an (N, width) integer array."""
    return np.array(items, dtype=np.intp).reshape(-1, width)


def _gather(lists: Sequence[Sequence[T]]) -> tuple[list[T], IntArray, IntArray]:
    """The items of every case in one list, with each item's case and its place in the case."""
    counts = np.array([len(items) for items in lists], dtype=np.intp)
    flat = [item for items in lists for item in items]
    case = np.repeat(np.arange(len(lists), dtype=np.intp), counts)
    place = np.arange(len(flat), dtype=np.intp) - np.repeat(np.cumsum(counts) - counts, counts)
    return flat, case, place


def _columns(*columns: IntArray | list[int]) -> IntArray:
    """Integer columns of equal length as one (N, columns) array."""
    return np.stack([np.asarray(column, dtype=np.intp) for column in columns], axis=1)


def _repeated(keys: IntArray) -> BoolArray:
    """Which of the keys occur more than once."""
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    out: BoolArray = counts[inverse.reshape(-1)] > 1
    return out


def _check_batch(
    t: BatchTables,
    cases: Sequence[Case],
    mk: IntArray,
    st: IntArray,
    rf: IntArray,
    se: IntArray,
    fi: IntArray,
) -> None:
    """Raise CaseError for the first case engine/encode._check_references finds fault with.

    The flattened items show which cases could hold an issue (an unknown id, a side where there is
    none, an item given twice); only those are checked item by item, with the reference check's
    own words. A case none of these screens picks has no issue.
    """
    n_findings = len(t.compiled.finding_ids)
    suspects: list[IntArray] = []
    if len(fi):
        f, sided = fi[:, 2], fi[:, 4] != _REPORTED_SIDE[None]
        unknown = f < 0
        suspects.append(fi[unknown | (sided & ~t.lateral_findings[np.maximum(f, 0)]), 0])
        suspects.append(fi[_repeated(fi[:, 0] * n_findings + f), 0])
    for items, side in ((mk, mk[:, 3]), (se, se[:, 2])):
        if len(items):
            region = items[:, 1]
            midline_sided = ~t.lateral[np.maximum(region, 0)] & (side != UNSTATED_SIDE)
            suspects.append(items[(region < 0) | midline_sided, 0])
    for items, width in ((st, len(t.movements)), (rf, len(t.reflexes))):
        if len(items):
            suspects.append(items[items[:, 1] < 0, 0])
            suspects.append(items[_repeated((items[:, 0] * width + items[:, 1]) * 3 + items[:, 2]), 0])
    if not suspects:
        return
    for b in np.unique(np.concatenate(suspects)).tolist():
        issues = _check_references(cases[b], t.compiled)
        if issues:
            raise CaseError(issues)


def _apply_reported(
    t: BatchTables,
    items: IntArray,
    present: BoolArray,
    absent: BoolArray,
    site_scored: BoolArray,
    origin: npt.NDArray[np.int8],
    first: npt.NDArray[np.int32],
    sides: BoolArray,
    conflicts: list[tuple[int, int, str]],
    reported_code: int,
) -> None:
    """Reported findings (rows of case, item, finding, status, side), each finding at most once a
    case, over the state before them (engine/encode.encode_case's loop over ``case.findings``)."""
    b, k, f, status, side = items.T
    is_present = status == _STATUS[Status.PRESENT]
    before = present[b, f]
    derived = (origin[b, f] == t.derived_code) | (origin[b, f] == t.exam_code)
    ids = t.compiled.finding_ids
    for i in np.flatnonzero(derived & (before != is_present)).tolist():
        said = "present" if is_present[i] else "absent"
        conflicts.append(
            (
                int(b[i]),
                int(k[i]),
                f"'{ids[f[i]]}' reported {said} but the structured examination "
                f"says {'present' if before[i] else 'absent'}; the report is used",
            )
        )
    # absent on one side, present on the other: the finding is present; only the category
    # that holds of an exclusive group is scored
    skip = t.lateral_findings[f] & (side != _REPORTED_SIDE[None]) & ~is_present & before
    skip |= t.exclusive[f] & ~is_present
    if skip.any():
        keep = ~skip
        b, k, f, side, is_present = b[keep], k[keep], f[keep], side[keep], is_present[keep]
    present[b, f], absent[b, f], site_scored[b, f] = is_present, ~is_present, False
    origin[b, f] = reported_code
    first[b, f] = np.minimum(first[b, f], REPORTED_STAGE + k)
    both = side == _REPORTED_SIDE["bilateral"]
    on_left = is_present & ((side == _REPORTED_SIDE["left"]) | both)
    on_right = is_present & ((side == _REPORTED_SIDE["right"]) | both)
    sides[b[on_left], f[on_left], 0] = True
    sides[b[on_right], f[on_right], 1] = True


def _derive(
    t: BatchTables,
    d: int,
    rule: Derivation,
    age: FloatArray,
    sex: Sequence[str | None],
    onset: Sequence[str | None],
    duration: FloatArray,
    has_map: BoolArray,
    complete: BoolArray,
    pm: BoolArray,
    pm_region_side: FloatArray,
    pain: tuple[BoolArray, BoolArray, BoolArray],
    exam: tuple[IntArray, IntArray, IntArray, IntArray, IntArray, BoolArray, BoolArray],
) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray]:
    """encode._derivation and _sides_of for the whole batch: (value, known, left, right)."""
    g_any, g_side, r_min, r_max, r_side, tested_region, lost_region = exam
    n = len(age)
    no = np.zeros(n, dtype=bool)
    if rule.age_min is not None or rule.age_max is not None:
        return (*_in_range(age, rule.age_min, rule.age_max), no, no)
    if rule.sex is not None:
        known = np.array([x is not None for x in sex], dtype=bool)
        return np.array([x == rule.sex for x in sex], dtype=bool), known, no, no
    if rule.onset is not None:
        known = np.array([x is not None for x in onset], dtype=bool)
        return np.array([x == rule.onset for x in onset], dtype=bool), known, no, no
    if rule.duration_min_days is not None or rule.duration_max_days is not None:
        return (*_in_range(duration, rule.duration_min_days, rule.duration_max_days), no, no)
    if rule.pain_map is not None:
        j = t.pain_slot.get(d)
        if j is not None:  # one column of the batch's products (pain_kind_matrix, pain_region_matrix)
            found, left, right = pain[0][:, j], pain[1][:, j], pain[2][:, j]
        else:  # on both sides
            mask = t.region_kind_masks[d]
            left_found = pm[:, 0].reshape(n, -1).astype(np.float64) @ mask > 0
            right_found = pm[:, 1].reshape(n, -1).astype(np.float64) @ mask > 0
            found = left_found & right_found
            regions = t.region_masks[d]
            left = pm_region_side[:, 0] @ regions > 0
            right = pm_region_side[:, 1] @ regions > 0
        return found, has_map & (found | complete), left, right
    if rule.weak_movements is not None:
        limit = 4 if rule.max_grade is None else rule.max_grade
        movements = [t.movement_index[m] for m in rule.weak_movements if m in t.movement_index]
        grades = g_any[:, movements]
        return (
            (grades <= limit).any(axis=1),
            (grades < NO_GRADE).any(axis=1),
            (g_side[:, LEFT, movements] <= limit).any(axis=1),
            (g_side[:, RIGHT, movements] <= limit).any(axis=1),
        )
    if rule.reduced_reflexes is not None:
        reflexes = [t.reflex_index[r] for r in rule.reduced_reflexes if r in t.reflex_index]
        grades = r_min[:, reflexes]
        return (
            (grades <= 1).any(axis=1),
            (grades < NO_GRADE).any(axis=1),
            (r_side[:, LEFT, reflexes] <= 1).any(axis=1),
            (r_side[:, RIGHT, reflexes] <= 1).any(axis=1),
        )
    if rule.brisk_reflexes is not None:
        reflexes = [t.reflex_index[r] for r in rule.brisk_reflexes if r in t.reflex_index]
        return (
            (r_max[:, reflexes] >= 3).any(axis=1),
            (r_min[:, reflexes] < NO_GRADE).any(axis=1),
            no,
            no,
        )
    if rule.sensory_loss is not None:
        regions_ = [t.region_index[r] for r in rule.sensory_loss if r in t.region_index]
        return lost_region[:, regions_].any(axis=1), tested_region[:, regions_].any(axis=1), no, no
    return no, no, no, no


def _in_range(values: FloatArray, low: float | None, high: float | None) -> tuple[BoolArray, BoolArray]:
    known = ~np.isnan(values)
    value = known.copy()
    with np.errstate(invalid="ignore"):
        if low is not None:
            value &= values >= low
        if high is not None:
            value &= values < high
    return value, known


def _partial_map_columns(t: BatchTables, case: Case) -> list[int]:
    """Observation columns of a partial pain map (a note's): a part of the leg named without its
    aspect is one observation somewhere in that part (encode._vague_marks)."""
    compiled = t.compiled
    vague = _vague_marks(case, compiled)
    columns = []
    for mark in case.pain_map or []:
        modality = "pain" if mark.kind == SymptomKind.PAIN else "sensory"
        region = compiled.regions[mark.region]
        if region.group == RegionGroup.BACK:
            continue
        side = mark.side or (UNSTATED if region.lateral else None)
        group = vague.get((modality, mark.region, str(side) if side else ""))
        if group is not None:
            columns.append(t.typed.get((f"{modality}-vague", group, side), -1))
        else:
            columns.append(t.typed.get((modality, mark.region, side), -1))
    return columns


def _imaging_columns(t: BatchTables, case: Case) -> list[int]:
    """Observation columns of the roots a case's imaging shows compressed (as encode.py reads them)."""
    discs = t.compiled.knowledge.anatomy.discs
    zones = t.compiled.knowledge.localisation.imaging_zones
    columns: list[int] = []
    for item in case.imaging:
        roots, image_sides = imaged_roots_and_sides(discs, item, zones)
        columns.extend(t.typed.get(("imaging", root, side), -1) for root in roots for side in image_sides)
    return columns


def _contradiction_notes(case: Case) -> list[str]:
    numb = {(m.region, m.side) for m in case.pain_map or [] if m.kind == SymptomKind.NUMBNESS}
    return [
        f"numbness reported in {test.region} ({test.side}) but sensation there is normal on "
        "examination: both are kept (subjective numbness often precedes a measurable deficit)"
        for test in case.sensation
        if test.status == "normal" and (test.region, test.side) in numb
    ]
