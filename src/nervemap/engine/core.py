"""The headline core: a batch of encoded cases -> posteriors, localisation, triage, severity, plan.

Everything an assessment concludes, without the evidence record behind it (engine/explain.py
builds that on demand). The arithmetic runs over the whole batch at once: the posteriors, the
triage rules that fire, the probability levels each posterior calls for, the out-of-model fit
and the site order are matrix operations; only the few items a case actually holds (the rules
that fired, the plan steps of its leading conditions, the findings it used) are built per case.
The records are made with :func:`~nervemap.engine.assessment.trusted`: the engine's own output is
not validated a second time.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, overload

import numpy as np
import numpy.typing as npt

from nervemap.engine.assessment import (
    FindingUsed,
    Fit,
    ImagingConcordance,
    PlanItem,
    RedFlag,
    RootSide,
    SeverityResult,
    TriageResult,
    trusted,
    trusted_exact,
)
from nervemap.engine.case import Case
from nervemap.engine.compiled import (
    SIDES,
    WHOLE_LEG_FULL_POWER,
    WHOLE_LEG_NORMAL,
    CompiledKnowledge,
    FloatArray,
    held,
    neighbouring_roots,
)
from nervemap.engine.concordance import imaged_roots, judge, localisation_cut_points
from nervemap.engine.encode import IMAGING_FINDING, EncodedCase
from nervemap.engine.encode_batch import UNMARKED, EncodedBatch, origin_code
from nervemap.engine.fit import CONTEXT, MIN_UNEXPLAINED, RARE
from nervemap.engine.inference import (
    LOG_FLOOR,
    Posterior,
    conditions_given,
    infer,
)
from nervemap.engine.plan import plan_items, plan_steps
from nervemap.engine.records import exact_maker, maker
from nervemap.engine.severity import ORDER as SEVERITY_ORDER
from nervemap.engine.severity import assess_severity
from nervemap.engine.ties import (
    ranking_of,
    stable_order,
    tie_keys_list,
    tie_order,
    tie_order_prefix,
    tie_orders,
    tie_ranks,
)
from nervemap.engine.triage import TriageDecision, capped_call, rank, rule_findings
from nervemap.knowledge.loader import thresholds_of
from nervemap.knowledge.models import TRIAGE_ORDER, Severity, SiteKind, TriageLevel, TriageRule

TOP_CONDITIONS = 10
TOP_SITES = 6
# Entries below this probability are left out of the lists (at least MIN_LISTED are kept): they
# carry no decision and would only lengthen the record a clinician reads.
LISTED_PROBABILITY = 0.001
MIN_LISTED = 3
BATCH_CHUNK = 4096
# Beyond this many present red flags, only the subsets that leave out one flag, keep one flag or
# keep none are scored (2**n posteriors would be too many); no case in the test sets comes close.
MAX_SUBSET_FLAGS = 8
# Sets of present red flags whose subsets are kept (each set's subsets are made once).
SUBSET_MEMO = 4096
# Findings severity reads by id (engine/severity.py): only these need to be named per case.
SEVERITY_FINDINGS = ("motor_deficit", "foot_drop", "progressive_weakness", "severe_intractable_pain")

IntArray = npt.NDArray[np.intp]
# the reductions ndarray.max/sum call, without their Python wrappers (the same ufunc, the same result)
_max = np.maximum.reduce
_add = np.add.reduce
BoolArray = npt.NDArray[np.bool_]


T = TypeVar("T")


def _shown(probability: float) -> str:
    """A probability as the triage basis prints it (2 decimals). The single-case and batch paths agree
    to about 1e-12, not bit for bit, so a value on a 0.xx5 boundary could print differently on the two
    paths; rounding to 9 decimals first makes the printed text the same on both. A value further
    than 1e-8 from every boundary prints the same with or without that rounding (which moves it by
    at most 5e-10), so only values near one pay for round()'s decimal conversion."""
    value = float(probability)
    if abs(value * 100.0 % 1.0 - 0.5) > 1e-6:
        return f"{value:.2f}"
    return f"{round(value, 9):.2f}"


class _once(Generic[T]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first read): the
    value is computed on first read and kept in the instance's __dict__, which later reads find
    first. CoreCase records are read by one thread."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _once[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | _once[T]:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


class Tables:
    """What the core reads of the knowledge base, as arrays and lookups, built once per compile."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        kb = compiled.knowledge
        self.compiled = compiled
        n_findings = len(compiled.finding_ids)
        findings = compiled.findings
        index = compiled.finding_index
        self.red_flags = np.array(
            [i for i, fid in enumerate(compiled.finding_ids) if findings[fid].red_flag], dtype=np.intp
        )
        self.red_log_present = np.ascontiguousarray(compiled.log_present[:, self.red_flags])
        self.red_log_absent = np.ascontiguousarray(compiled.log_absent[:, self.red_flags])
        self.demographic = np.array(
            [findings[fid].category == "demographic" for fid in compiled.finding_ids], dtype=bool
        )
        context = np.array([findings[fid].category in CONTEXT for fid in compiled.finding_ids], dtype=bool)
        self.manifestation = ~context
        p = np.exp(compiled.log_present)
        # (C, F): a rare finding in the condition, no likelier than in leg pain (engine/fit.py)
        self.unexplained = (p < RARE) & (p <= compiled.background[None, :] * (1 + 1e-9))
        self.unexplained_f = self.unexplained.astype(np.float64)
        self.labels = [findings[fid].clinician for fid in compiled.finding_ids]
        # imaging, for the clinical view (engine/concordance.py)
        self.imaging_observations = np.array([o.modality == "imaging" for o in compiled.observations])
        self.imaging_findings = np.array(
            [index[f] for f in IMAGING_FINDING.values() if f in index], dtype=np.intp
        )
        # the imaging-kind rows of the sign states (compiled._imaging_factors: a root shown compressed
        # by a disc only, or by another kind only, on a side) are the scan too: the clinical view
        # drops them, or a scan on the left tilts an unsided clinical picture to the right
        clinical_signs = np.ones(len(compiled.sign_log_factor))
        clinical_signs[list(compiled.imaging_state_index.values())] = 0.0
        self.clinical_signs = clinical_signs
        # the side of the symptoms (left, right) from the observations
        sided = np.array([o.side in ("left", "right") for o in compiled.observations])
        symptom = np.array(
            [
                o.modality not in ("imaging", WHOLE_LEG_NORMAL, WHOLE_LEG_FULL_POWER)
                for o in compiled.observations
            ]
        )
        left = np.array([o.side == "left" for o in compiled.observations])
        self.symptom_left = (sided & symptom & left).astype(np.float64)
        self.symptom_right = (sided & symptom & ~left).astype(np.float64)
        imaging = self.imaging_observations
        self.imaged_left = (sided & imaging & left).astype(np.float64)
        self.imaged_right = (sided & imaging & ~left).astype(np.float64)
        self.side_columns = np.stack(
            [self.symptom_left, self.symptom_right, self.imaged_left, self.imaged_right], axis=1
        )
        # each sided symptom observation's region, movement or reflex without its side, to compare
        # the two sides' symptoms (predominant_side)
        self.observation_side: list[str | None] = [o.side for o in compiled.observations]
        self.symptom_key: list[str | None] = [
            f"{o.modality}:{o.target}" if is_sided and is_symptom else None
            for o, is_sided, is_symptom in zip(compiled.observations, sided, symptom, strict=True)
        ]
        self.imaging_observations_f = self.imaging_observations.astype(np.float64)
        self.manifestation_f = self.manifestation.astype(np.float64)
        # sites: kind totals and the side of each site
        hypotheses = compiled.hypotheses
        kinds = list(dict.fromkeys(h.kind for h in hypotheses))
        self.kind_of = np.array([kinds.index(h.kind) for h in hypotheses], dtype=np.intp)
        self.kind_matrix = np.zeros((len(hypotheses), len(kinds)))
        self.kind_matrix[np.arange(len(hypotheses)), self.kind_of] = 1.0
        self.kind_columns = [np.flatnonzero(self.kind_of == k) for k in range(len(kinds))]
        self.site_side = [h.side for h in hypotheses]
        self.site_is_left = np.array([h.side == "left" for h in hypotheses])
        self.site_is_right = np.array([h.side == "right" for h in hypotheses])
        # sites of both legs by definition (anatomy/sites.yaml needs_both_sides): never the lead answer
        # of a case whose sided findings keep to one side (the "pattern:unilateral:" observation)
        both_by_definition = {f"site:{s.id}" for s in kb.anatomy.sites if s.needs_both_sides}
        self.site_needs_both_sides = np.array([h.site in both_by_definition for h in hypotheses])
        self.unilateral_observation = compiled.observation_index.get("pattern:unilateral:")
        self.localised, self.close_alternative = localisation_cut_points(compiled)
        self.spinal_threshold = kb.localisation.spinal_threshold.value
        self.cut = thresholds_of(kb).severity
        self.severity_findings = [(fid, index[fid]) for fid in SEVERITY_FINDINGS if fid in index]
        # triage: the red-flag rules as matrices over the findings
        rules = kb.triage.red_flags
        self.rules = rules
        self._rule_matrices(rules, n_findings, index)
        self.rule_findings = [[index[f] for f in rule_findings(rule) if f in index] for rule in rules]
        self.rule_level_rank = [rank(rule.level) for rule in rules]
        self.rule_ids = [rule.id for rule in rules]
        self.subset_memo: dict[tuple[int, ...], tuple[list[tuple[str, IntArray]], FloatArray]] = {}
        # FindingUsed records by (origin, finding, present, sides seen) as one integer, shared (frozen)
        # (a list indexed by that integer: one slot read per finding, not a hash table's probe)
        self.finding_used_memo: list[FindingUsed | None] = []
        self.finding_used_origins: dict[str, int] = {}  # each origin's code in finding_used_memo's keys
        conditions = compiled.conditions
        self.condition_names = [c.name for c in conditions]
        self.condition_ids = [c.id for c in conditions]
        self.condition_name_by_id = {c.id: c.name for c in conditions}
        self.urgency = [c.urgency for c in conditions]
        self.suspicion = kb.triage.suspicion
        self.likely_probability = kb.triage.likely_probability.value
        self.suspect_fraction = kb.triage.suspect_fraction.value
        self.suspicion_condition = np.array(
            [compiled.condition_index[rule.condition] for rule in self.suspicion], dtype=np.intp
        )
        self.suspicion_threshold = np.array([rule.min_probability.value for rule in self.suspicion])
        self.suspicion_condition_list = self.suspicion_condition.tolist()
        self.rule_rank = np.array(self.rule_level_rank, dtype=np.intp).reshape(-1)
        self.suspicion_rank = np.array([rank(r.level) for r in self.suspicion], dtype=np.intp).reshape(-1)
        self.urgency_rank = np.array([rank(u) for u in self.urgency], dtype=np.intp)
        self.urgency_rank_list = self.urgency_rank.tolist()
        self.self_care_rank = rank(TriageLevel.SELF_CARE)
        self.routine_rank = rank(TriageLevel.ROUTINE)
        self.plan_threshold = thresholds_of(kb).plan_probability.value
        # the plan reads a duration only against its steps' cut points (engine/plan._applies):
        # durations between the same cut points choose the same steps
        self.plan_duration_cuts = np.array(
            sorted(
                {
                    days
                    for step in kb.plans
                    for days in (step.min_duration_days, step.max_duration_days)
                    if days is not None
                }
            ),
            dtype=np.float64,
        )
        # triage.yaml defining_findings (engine/triage.gated_conditions): each gate's condition and the
        # findings that open it, as a (F, G) 0/1 matrix for the batch
        condition_index = compiled.condition_index
        # one pass over the gates (a gate naming a condition the knowledge base lacks is skipped; a
        # condition given twice keeps its last gate's level and reason, as the dicts always did)
        self.gates: list[tuple[int, list[int]]] = []
        # each gate closes only when all its known_absent findings are absent (a finding the knowledge
        # base lacks can never be absent, -1: the gate stays open)
        self.gate_closers: list[list[int]] = []
        gate_levels: dict[int, TriageLevel] = {}
        self.gate_reasons: dict[int, str] = {}
        for gate in kb.triage.defining_findings:
            c = condition_index.get(gate.condition)
            if c is None:
                continue
            self.gates.append((c, [index[f] for f in gate.any_of if f in index]))
            self.gate_closers.append([index.get(f, -1) for f in gate.known_absent])
            gate_levels[c] = gate.otherwise
            self.gate_reasons[c] = gate.reason
        self.gate_conditions = np.array([c for c, _ in self.gates], dtype=np.intp)
        # per condition: the rank of the most urgent level its gate lets it call for (len(TRIAGE_ORDER):
        # no gate)
        self.gate_cap_rank = np.full(len(compiled.conditions), len(TRIAGE_ORDER), dtype=np.intp)
        for c, level in gate_levels.items():
            self.gate_cap_rank[c] = rank(level)
        self.gate_levels = gate_levels
        self.gate_matrix = np.zeros((n_findings, len(self.gates)), dtype=np.float64)
        for g, (_, opening) in enumerate(self.gates):
            self.gate_matrix[opening, g] = 1.0
        self.gate_closer_matrix = np.zeros((n_findings, len(self.gates)), dtype=np.float64)
        self.gate_closer_count = np.array([len(c) for c in self.gate_closers], dtype=np.float64)
        for g, closers in enumerate(self.gate_closers):
            for f in closers:
                if f >= 0:
                    self.gate_closer_matrix[f, g] = 1.0
        screen = kb.triage.self_care_screen
        self.screen = screen
        required = [] if screen is None else screen.requires_absent
        self.screen_required = np.array([index[f] for f in required if f in index], dtype=np.intp)
        self.screen_known = all(f in index for f in required)
        self.screen_rank = -1 if screen is None else rank(screen.otherwise)
        self.screen_findings = [] if screen is None else [(f, index.get(f)) for f in screen.requires_absent]

    def _rule_matrices(self, rules: Sequence[TriageRule], n_findings: int, index: dict[str, int]) -> None:
        n = len(rules)
        self.all_of = np.zeros((n_findings, n))
        self.all_count = np.zeros(n)
        self.any_of = np.zeros((n_findings, n))
        self.has_any = np.zeros(n, dtype=bool)
        self.of = np.zeros((n_findings, n))
        self.at_least = np.full(n, -np.inf)
        groups: list[tuple[int, list[str]]] = [
            (r, g) for r, rule in enumerate(rules) for g in rule.and_any_of
        ]
        self.groups = np.zeros((n_findings, len(groups)))
        self.group_rule = np.zeros((len(groups), n))
        # a finding unknown to the knowledge base is never present: a clause naming only such
        # findings can never hold (rule_fires reads ids)
        self.never = np.zeros(n, dtype=bool)
        for r, rule in enumerate(rules):
            for f in rule.all_of:
                if f in index:
                    self.all_of[index[f], r] = 1.0
                else:
                    self.never[r] = True
            self.all_count[r] = self.all_of[:, r].sum()
            self.has_any[r] = bool(rule.any_of)
            for f in rule.any_of:
                if f in index:
                    self.any_of[index[f], r] = 1.0
            if rule.at_least is not None:
                self.at_least[r] = rule.at_least
                for f in rule.of:
                    if f in index:
                        self.of[index[f], r] += 1.0
        for g, (r, group) in enumerate(groups):
            self.group_rule[g, r] = 1.0
            for f in group:
                if f in index:
                    self.groups[index[f], g] = 1.0
        # the rules with closers (triage.yaml unless_absent, engine/triage.rule_closed): per rule, its
        # groups as finding columns and every closer column (a finding the knowledge base lacks is never
        # absent: a group of only such findings never closes the rule)
        self.rule_closers: list[tuple[int, list[list[int]], list[int]]] = [
            (
                r,
                [[index[f] for f in group if f in index] for group in rule.unless_absent],
                [index[f] for group in rule.unless_absent for f in group if f in index],
            )
            for r, rule in enumerate(rules)
            if rule.unless_absent
        ]
        # the findings some rule reads
        self.rule_columns = np.flatnonzero(
            (self.all_of != 0).any(axis=1)
            | (self.any_of != 0).any(axis=1)
            | (self.of != 0).any(axis=1)
            | (self.groups != 0).any(axis=1)
        )

    def red_flag_loglik(self, present: FloatArray, absent: FloatArray) -> FloatArray:
        """(B, C): the red flags' part of the findings' log likelihoods (inference.condition_loglik
        over the red-flag columns; ``present`` and ``absent`` are those columns)."""
        out: FloatArray = present @ self.red_log_present.T + absent @ self.red_log_absent.T
        return out

    def fired(self, present: BoolArray, absent: BoolArray | None = None) -> BoolArray:
        """(B, R): the red-flag rules that fire (engine/triage.rule_fires, over the batch), from the
        (B, F) present findings (only the columns some rule reads are read: counts of 0/1) and, for
        the rules' closers, the absent ones (None: nothing known absent, no rule closed)."""
        read = present[:, self.rule_columns].astype(np.float64)
        fires = (read @ self.all_of[self.rule_columns]) >= self.all_count[None, :]
        fires &= ~self.has_any[None, :] | ((read @ self.any_of[self.rule_columns]) > 0)
        if self.groups.shape[1]:
            missed = (read @ self.groups[self.rule_columns]) == 0
            fires &= (missed.astype(np.float64) @ self.group_rule) == 0
        fires &= (read @ self.of[self.rule_columns]) >= self.at_least[None, :]
        fires &= ~self.never[None, :]
        if absent is not None:
            for r, groups, closers in self.rule_closers:
                closed = ~present[:, closers].any(axis=1)
                for group in groups:
                    closed &= absent[:, group].any(axis=1)
                fires[:, r] &= ~closed
        return fires


def gated_rows(t: Tables, present: BoolArray, absent: BoolArray) -> BoolArray | None:
    """(B, C): the conditions whose probability may not set a row's level (engine/triage.gated_conditions),
    from the (B, F) present and absent findings; None when no row has one."""
    if not t.gates:
        return None
    closed = (present.astype(np.float64) @ t.gate_matrix) == 0
    closed &= (absent.astype(np.float64) @ t.gate_closer_matrix) == t.gate_closer_count[None, :]
    if not closed.any():
        return None
    out = np.zeros((len(present), len(t.gate_cap_rank)), dtype=bool)
    out[:, t.gate_conditions] = closed
    return out


def tables(compiled: CompiledKnowledge) -> Tables:
    """The core's tables, built once and kept on the compiled knowledge (they die with it)."""
    return held(compiled, "core_tables", Tables)


@dataclass
class Levels:
    """What one matrix of posteriors calls for, per row (engine/triage.probability_levels).

    The levels are computed for every row at once; a row's list of reasons is built only when its
    triage record is read (:meth:`row`)."""

    posterior: FloatArray  # (N, C)
    suspicion: BoolArray  # (N, S): the suspicion rules whose threshold is reached
    top: IntArray  # (N,): the most probable condition
    likely: BoolArray  # (N, C): conditions at or above triage.yaml likely_probability, the top one left out
    ranks: IntArray  # per row: the most urgent level it calls for (triage.rank)
    # (N, C): the most urgent level (its rank) a condition may call for in a row: its gate's `otherwise`
    # when none of its defining findings is present (engine/triage.gated_conditions); None: no cap
    cap: IntArray | None = None

    @classmethod
    def of(cls, t: Tables, posterior: FloatArray, gated: BoolArray | None = None) -> Levels:
        top = np.argmax(posterior, axis=1) if posterior.size else np.zeros(len(posterior), dtype=np.intp)
        likely = posterior >= t.likely_probability
        likely[np.arange(len(posterior)), top] = False
        suspicion = posterior[:, t.suspicion_condition] >= t.suspicion_threshold[None, :]
        if gated is None:
            ranks = np.maximum(
                np.where(suspicion, t.suspicion_rank[None, :], -1).max(axis=1, initial=-1),
                np.maximum(
                    t.urgency_rank[top], np.where(likely, t.urgency_rank[None, :], -1).max(axis=1, initial=-1)
                ),
            )
            return cls(posterior, suspicion, top, likely, ranks)
        cap = np.where(gated, t.gate_cap_rank[None, :], len(TRIAGE_ORDER))
        rows = np.arange(len(posterior))
        suspicion_ranks = np.minimum(t.suspicion_rank[None, :], cap[:, t.suspicion_condition])
        ranks = np.maximum(
            np.where(suspicion, suspicion_ranks, -1).max(axis=1, initial=-1),
            np.maximum(
                np.minimum(t.urgency_rank[top], cap[rows, top]),
                np.where(likely, np.minimum(t.urgency_rank[None, :], cap), -1).max(axis=1, initial=-1),
            ),
        )
        return cls(posterior, suspicion, top, likely, ranks, cap)

    def row(
        self, t: Tables, i: int, label: str, above: int = -1
    ) -> list[tuple[TriageLevel, str, str | None]]:
        """Row ``i``'s calls; with ``above``, a call that suspects no condition is left out when its
        level ranks no higher (it could not raise a decision already at that level)."""
        if self.cap is not None and (self.cap[i] < len(TRIAGE_ORDER)).any():
            return _capped_row(t, self, i, label, above)
        out: list[tuple[TriageLevel, str, str | None]] = []
        posterior = self.posterior[i]
        urgency = t.urgency_rank_list
        for r in self.suspicion[i].nonzero()[0].tolist():  # a row is 1-D: flatnonzero's ravel is not needed
            rule = t.suspicion[r]
            c = int(t.suspicion_condition[r])
            p = float(posterior[c])
            out.append(
                (
                    rule.level,
                    f"{rule.reason} ({t.condition_names[c]} p={_shown(p)} "
                    f">= {rule.min_probability.value:g}, {label})",
                    t.condition_ids[c],
                )
            )
        top = int(self.top[i])
        if urgency[top] > above:
            p_top = float(posterior[top])
            out.append(
                (
                    t.urgency[top],
                    f"most likely condition: {t.condition_names[top]} (p={_shown(p_top)}, {label})",
                    None,
                )
            )
        for c in self.likely[i].nonzero()[0].tolist():
            if urgency[c] > above:
                p = float(posterior[c])
                out.append((t.urgency[c], f"{t.condition_names[c]} is likely (p={_shown(p)}, {label})", None))
        return out


def _capped_row(
    t: Tables, levels: Levels, i: int, label: str, above: int
) -> list[tuple[TriageLevel, str, str | None]]:
    """:meth:`Levels.row` of a row where a gated condition's calls are capped
    (engine/triage.probability_levels with ``gated``)."""
    assert levels.cap is not None
    p = levels.posterior[i].tolist()
    gated = {c: TRIAGE_ORDER[int(r)] for c, r in enumerate(levels.cap[i].tolist()) if r < len(TRIAGE_ORDER)}
    return _calls_capped(
        t,
        p,
        [int(r) for r in levels.suspicion[i].nonzero()[0].tolist()],
        int(levels.top[i]),
        [int(c) for c in levels.likely[i].nonzero()[0].tolist()],
        gated,
        label,
        above,
    )


def _calls_capped(
    t: Tables,
    p: list[float],
    suspected: list[int],
    top: int,
    likely: list[int],
    gated: dict[int, TriageLevel],
    label: str,
    above: int,
) -> list[tuple[TriageLevel, str, str | None]]:
    """The calls of one posterior row, each condition's capped at its gate's level (triage.capped_call)."""
    out: list[tuple[TriageLevel, str, str | None]] = []
    names = t.condition_names
    for r in suspected:
        rule = t.suspicion[r]
        c = int(t.suspicion_condition[r])
        why = f"{rule.reason} ({names[c]} p={_shown(p[c])} >= {rule.min_probability.value:g}, {label})"
        level, why = capped_call(rule.level, why, gated.get(c), t.gate_reasons.get(c, ""))
        out.append((level, why, t.condition_ids[c]))
    for c, why in [(top, f"most likely condition: {names[top]} (p={_shown(p[top])}, {label})")] + [
        (c, f"{names[c]} is likely (p={_shown(p[c])}, {label})") for c in likely
    ]:
        level, why = capped_call(t.urgency[c], why, gated.get(c), t.gate_reasons.get(c, ""))
        if rank(level) > above:
            out.append((level, why, None))
    return out


class _RowLevels:
    """:class:`Levels` of one posterior row, computed on the row as Python floats (the same
    comparisons on the same values)."""

    def __init__(
        self,
        t: Tables,
        one: _OneTables,
        posterior: FloatArray | list[float],
        ranked: list[int] | None = None,
        gated: list[int] | None = None,
    ) -> None:
        p = posterior if isinstance(posterior, list) else posterior.tolist()
        # the gated conditions' caps (engine/triage.gated_conditions): {condition: most urgent level}
        self.gated = {c: one.gate_caps[c] for c in gated} if gated else {}
        self.p = p
        # the first of equal maxima, as argmax (the ranking's first: a stable sort, largest first)
        top = p.index(max(p)) if ranked is None else ranked[0]
        self.top = top
        self.suspected = [r for r, (c, least) in enumerate(one.suspicion) if p[c] >= least]
        likely = t.likely_probability
        if ranked is None:
            if isinstance(posterior, list):
                self.likely = [c for c, q in enumerate(p) if q >= likely and c != top]
            else:  # one comparison over the array row (the same >=) rather than a Python pass
                self.likely = (posterior >= likely).nonzero()[0].tolist()
                if top in self.likely:
                    self.likely.remove(top)
        else:
            # with the row's ranking (ties.ranking: largest first), the conditions at or above the
            # threshold are its first few: read those, not the whole row (the same list, by index)
            self.likely = _prefix_at_least(p, ranked, likely)
            if top in self.likely:
                self.likely.remove(top)
        urgency = one.urgency_rank
        if self.gated:
            caps = {c: rank(level) for c, level in self.gated.items()}
            suspicion_condition = t.suspicion_condition_list
            self.rank = max(
                max(
                    (
                        min(one.suspicion_rank[r], caps.get(suspicion_condition[r], 99))
                        for r in self.suspected
                    ),
                    default=-1,
                ),
                min(urgency[top], caps.get(top, 99)),
                max((min(urgency[c], caps.get(c, 99)) for c in self.likely), default=-1),
            )
            return
        self.rank = max(
            max(map(one.suspicion_rank.__getitem__, self.suspected), default=-1),
            urgency[top],
            max(map(urgency.__getitem__, self.likely), default=-1),
        )

    def row(
        self, t: Tables, i: int, label: str, above: int = -1
    ) -> list[tuple[TriageLevel, str, str | None]]:
        """:meth:`Levels.row` of this row."""
        if self.gated:
            return _calls_capped(t, self.p, self.suspected, self.top, self.likely, self.gated, label, above)
        out: list[tuple[TriageLevel, str, str | None]] = []
        p = self.p
        urgency = t.urgency_rank_list
        for r in self.suspected:
            rule = t.suspicion[r]
            c = int(t.suspicion_condition[r])
            out.append(
                (
                    rule.level,
                    f"{rule.reason} ({t.condition_names[c]} p={_shown(p[c])} "
                    f">= {rule.min_probability.value:g}, {label})",
                    t.condition_ids[c],
                )
            )
        top = self.top
        if urgency[top] > above:
            out.append(
                (
                    t.urgency[top],
                    f"most likely condition: {t.condition_names[top]} (p={_shown(p[top])}, {label})",
                    None,
                )
            )
        for c in self.likely:
            if urgency[c] > above:
                out.append(
                    (t.urgency[c], f"{t.condition_names[c]} is likely (p={_shown(p[c])}, {label})", None)
                )
        return out


def _prefix_at_least(p: list[float], ranked: list[int], least: float) -> list[int]:
    """The indices whose value in ``p`` is at least ``least``, in index order, read from the start
    of ``ranked`` (``p``'s indices, largest value first), where they all are."""
    out = []
    for c in ranked:
        if not p[c] >= least:
            break
        out.append(c)
    out.sort()
    return out


# Up to this many red-flag subsets, their probability levels are read row by row in Python.
ROW_LEVELS = 3


class _RowsLevels:
    """:class:`Levels` of a few posterior rows (a case's red-flag subsets), each a :class:`_RowLevels`."""

    def __init__(
        self, t: Tables, one: _OneTables, posterior: FloatArray, gated: list[int] | None = None
    ) -> None:
        self.rows = [_RowLevels(t, one, row, None, gated) for row in posterior]
        self.rank = max((row.rank for row in self.rows), default=-1)

    def row(
        self, t: Tables, i: int, label: str, above: int = -1
    ) -> list[tuple[TriageLevel, str, str | None]]:
        return self.rows[i].row(t, i, label, above)


def _decide(
    t: Tables,
    fired: list[int],
    present: BoolArray,
    absent: BoolArray,
    likely: FloatArray,
    screening: list[tuple[TriageLevel, str, str | None]],
    full: list[tuple[TriageLevel, str, str | None]],
    subsets: list[tuple[Levels | _RowsLevels, int, str]],
    fit_adequate: bool,
) -> TriageResult:
    """engine/triage.decide with the probability levels computed for the whole batch. ``full`` is
    the full posterior's calls; ``subsets`` the (levels, row, label) of each red-flag subset's
    posterior, whose calls are read in turn, each without the calls that could not raise the level
    reached before it (TriageDecision.full: those change nothing)."""
    flags = []
    for r in fired:
        rule = t.rules[r]
        flags.append(
            (
                -t.rule_level_rank[r],
                _red_flag(  # all six fields, in declared order
                    {
                        "id": rule.id,
                        "name": rule.name,
                        "level": rule.level,
                        "findings": [t.compiled.finding_ids[f] for f in t.rule_findings[r] if present[f]],
                        "reason": rule.reason,
                        "sources": list(rule.sources),
                    },
                ),
                rule,
            )
        )
    flags.sort(key=lambda item: item[0])
    decision = TriageDecision(t.condition_name_by_id)
    for _, flag, rule in flags:
        decision.red_flag(
            flag,
            rule.patient_advice,
            _likely_suspects(rule.suspects, t.compiled.condition_index, likely, t.suspect_fraction),
        )
    decision.screening(screening)
    decision.full([full])
    for levels, row, label in subsets:
        decision.full_more(levels.row(t, row, label, rank(decision.level)))
    decision.floors(
        t.screen, lambda: [f for f, at in t.screen_findings if at is None or not absent[at]], fit_adequate
    )
    return _triage_result(  # all six fields, in declared order
        {
            "level": decision.level,
            "red_flags": [flag for _, flag, _ in flags],
            "reason": decision.reason,
            "patient_advice": decision.advice,
            "basis": decision.basis,
            "suspected": decision.suspected(),
        },
    )


_red_flag = exact_maker(RedFlag)
_triage_result = exact_maker(TriageResult)
_fit_record = exact_maker(Fit)
_fit_given = maker(Fit, ["adequate", "reason"])  # "unexplained" left at its default, as trusted() records it


def _likely_suspects(
    named: Sequence[str], index: dict[str, int], likely: FloatArray, fraction: float
) -> list[str]:
    if len(named) < 2:
        return list(named)
    p = [float(likely[index[c]]) if c in index else 0.0 for c in named]
    best = max(p)
    return [c for c, q in zip(named, p, strict=True) if q >= fraction * best]


def _fit(t: Tables, present: IntArray | list[int], best: int, fewest: int) -> Fit:
    """engine/fit.assess_fit, from the batch's counts of unexplained findings (``present``: the
    present manifestations, an array in a batch, a list for a case alone)."""
    compiled = t.compiled
    if len(present) < MIN_UNEXPLAINED:
        return _fit_given(
            {"adequate": True, "unexplained": [], "reason": "too few findings to judge the fit"}
        )
    name = compiled.conditions[best].name
    if isinstance(present, list):  # the same findings, in the same order, read from plain lists
        unexplained = _one_tables(t).unexplained_rows[best]
        ids = [compiled.finding_ids[f] for f in present if unexplained[f]]
    else:
        ids = [compiled.finding_ids[f] for f in present[t.unexplained[best, present]]]
    if fewest < MIN_UNEXPLAINED:
        return _fit_record(  # all three fields, in declared order
            {
                "adequate": True,
                "unexplained": ids,
                "reason": f"the findings fit {name}"
                + (f" except {', '.join(ids)}" if ids else "")
                + f" (at most {MIN_UNEXPLAINED - 1} rare finding left unexplained)",
            },
        )
    labels = ", ".join(compiled.findings[i].clinician.lower() for i in ids)
    return _fit_record(  # all three fields, in declared order
        {
            "adequate": False,
            "unexplained": ids,
            "reason": f"these findings are not explained by any condition nervemap models ({labels}); "
            f"even the best fit, {name}, leaves {fewest} rare findings unexplained: consider a "
            "condition outside the model (or two problems at once) and assess clinically",
        },
    )


@dataclass
class _Later:
    """What a batch's lazy parts read per row: the clinical view of the cases with imaging of a
    root (its site posterior and tie order), the number of conditions the plan is chosen for, the
    plan's duration class, and the plans made so far by key (shared by the chunk's cases)."""

    clinical_sites: dict[int, FloatArray]
    clinical_orders: dict[int, list[int]]
    n_above: list[int]
    duration_class: list[int]
    plans: dict[tuple[Any, ...], tuple[list[str], list[str]]] = field(default_factory=dict)


@dataclass
class _Chunk:
    """What the cases of one chunk share: the batch and the per-row results the lazy parts read."""

    t: Tables
    batch: EncodedBatch | None  # None for a case computed alone (``single``)
    site_loglik: FloatArray
    full_levels: Levels | _RowLevels
    screen_levels: Levels | _RowLevels
    subset_levels: Levels | _RowsLevels | None
    subsets: dict[int, list[tuple[str, IntArray]]]
    first_subset: dict[int, int]
    fired: list[list[int]]
    manifest: FloatArray | None  # (B, F): the present manifestations (not context); None with manifest_rows
    best_fit: list[int]
    fewest: list[int]
    # per row, the present manifestations (one case: a list of finding indices)
    manifest_rows: list[IntArray] | list[list[int]] | None = None
    single: EncodedCase | None = None  # the case computed alone (headline_one): no batch is made
    later: _Later | None = None  # a batch's: what its concordance and plans are made from

    def encoded(self, i: int) -> EncodedCase:
        if self.single is not None:
            return self.single
        assert self.batch is not None
        return self.batch.case(i)

    def present(self, i: int) -> BoolArray:
        if self.single is not None:
            return self.single.present
        assert self.batch is not None
        row: BoolArray = self.batch.present[i]
        return row

    def absent(self, i: int) -> BoolArray:
        if self.single is not None:
            return self.single.absent
        assert self.batch is not None
        row: BoolArray = self.batch.absent[i]
        return row

    def notes(self, i: int) -> list[str]:
        if self.single is not None:
            return self.single.notes
        assert self.batch is not None
        return self.batch.notes[i]


class CoreCase:
    """One case's headline: its posteriors and conclusions; the records are built on first use.

    Computed for the whole batch: the posteriors, the order of conditions and sites, the source
    verdict, the triage level and the red flags that fired, the severity grade, the plan step ids
    and the imaging concordance. Built when read: the triage, severity and fit records with their
    reasons, the listed entries, the findings used and the notes.
    """

    # a case computed alone (headline_one): the finding columns it scores (present f as f, absent
    # as F + f, the site-scored left out) and its observation columns (observed o as o, not
    # observed as O + o), which the evidence record reads (engine/explain.py); None in a batch
    finding_rows: list[int] | None = None
    observation_rows: list[int] | None = None
    # a case computed alone: its condition row as floats and their ranking, from which its whole
    # order is made when read (headline_one reads only the first places); None in a batch
    order_source: tuple[list[float], list[int]] | None = None
    # a case computed alone: its site row as floats; None in a batch
    site_row: list[float] | None = None

    def __init__(
        self,
        chunk: _Chunk,
        row: int,
        case: Case,
        conditions: FloatArray,
        sites: FloatArray,
        order: IntArray | None,
        site_order: IntArray,
        symptom_side: str | None,
        p_spinal: float,
        verdict: str,
        level: TriageLevel,
        red_flag_ids: list[str],
        severity_grade: Severity,
        plan: tuple[list[str], list[str]] | None,
        concordance: dict[str, Any] | None,
        enough: bool,
    ) -> None:
        self._chunk = chunk
        self.compiled = chunk.t.compiled
        self.row = row
        self.case = case
        self.conditions = conditions  # (C,) posterior
        self.sites = sites  # (H,) posterior
        if order is not None:  # else made when read (a case computed alone)
            self.order = order  # conditions, most probable first
        self.site_order = site_order  # sites in the order localisation lists them
        self.symptom_side = symptom_side
        self.p_spinal = p_spinal
        self.verdict = verdict
        self.level = level
        self.red_flag_ids = red_flag_ids  # most urgent first
        self.severity_grade = severity_grade
        if plan is not None:  # else made when read (_plan)
            self._plan = plan
        if concordance is not None:  # else made when read
            self.concordance = concordance
        self.enough = enough

    @_once
    def order(self) -> IntArray:
        """The conditions, most probable first, of a case computed alone (a batch's are given)."""
        assert self.order_source is not None
        p, ranked = self.order_source
        return np.array(tie_order(p, ranked=ranked), dtype=np.intp)

    @_once
    def concordance(self) -> dict[str, Any]:
        """The imaging concordance record (engine/concordance.judge) of a batch's case."""
        chunk, i = self._chunk, self.row
        later = chunk.later
        assert later is not None
        clinical_p = later.clinical_sites.get(i)
        if clinical_p is None:  # judge's record for a case without imaging of a root
            return {"status": "no imaging", "clinical": [], "imaging": [], "note": None}
        compiled = self.compiled
        return judge(
            compiled, imaged_roots(compiled, self.batch.arrays(i)), clinical_p, later.clinical_orders[i]
        )

    @_once
    def _plan(self) -> tuple[list[str], list[str]]:
        """A batch's case's plan step ids and the conditions they were chosen for, made once per
        (leading conditions, grade, duration class, level, concordance) in its chunk."""
        later = self._chunk.later
        assert later is not None
        i, grade, level, status = self.row, self.severity_grade, self.level, self.concordance["status"]
        key = (tuple(self.order[: later.n_above[i]].tolist()), grade, later.duration_class[i], level, status)
        plan = later.plans.get(key)
        if plan is None:
            plan = later.plans[key] = plan_steps(
                self.compiled,
                self.order,
                self.conditions,
                self._chunk.t.condition_ids,
                grade,
                self.case.duration_days,
                level,
                status,
            )
        return plan

    @_once
    def plan_ids(self) -> list[str]:
        return list(self._plan[0])

    @_once
    def plan_conditions(self) -> list[str]:
        """The conditions the plan was chosen for."""
        return list(self._plan[1])

    @property
    def batch(self) -> EncodedBatch:
        chunk = self._chunk
        if chunk.batch is None:
            assert chunk.single is not None
            chunk.batch = _one_batch(self.compiled, chunk.single)
        return chunk.batch

    @property
    def encoded(self) -> EncodedCase:
        return self._chunk.encoded(self.row)

    @property
    def site_loglik(self) -> FloatArray:
        row: FloatArray = self._chunk.site_loglik[self.row]
        return row

    @_once
    def listed_conditions(self) -> list[int]:
        return _listed(self.order.tolist(), self.conditions.tolist(), TOP_CONDITIONS)

    @_once
    def listed_sites(self) -> list[int]:
        return _listed(
            self.site_order.tolist(), tie_keys_list(self.sites.tolist()), TOP_SITES, by_probability=True
        )

    @_once
    def possibly(self) -> list[str] | None:
        """Close alternative roots of a leading root; None when the leading site is not a root."""
        return _close_alternatives(self._chunk.t, self.site_order, self.sites)

    @_once
    def fit(self) -> Fit:
        chunk, i = self._chunk, self.row
        rows = chunk.manifest_rows
        present: IntArray | list[int]
        if rows is None:
            assert chunk.manifest is not None
            present = np.flatnonzero(chunk.manifest[i] > 0)
        else:
            present = rows[i]
        return _fit(chunk.t, present, chunk.best_fit[i], chunk.fewest[i])

    @_once
    def triage(self) -> TriageResult:
        chunk, i, t = self._chunk, self.row, self._chunk.t
        subsets: list[tuple[Levels | _RowsLevels, int, str]] = []
        levels = chunk.subset_levels
        if levels is not None and i in chunk.subsets:
            first = chunk.first_subset[i]
            subsets = [(levels, first + j, label) for j, (label, _) in enumerate(chunk.subsets[i])]
        return _decide(
            t,
            chunk.fired[i],
            chunk.present(i),
            chunk.absent(i),
            self.conditions,
            chunk.screen_levels.row(t, i, "red flags aside"),
            chunk.full_levels.row(t, i, "all findings"),
            subsets,
            self.fit.adequate,
        )

    @_once
    def severity(self) -> SeverityResult:
        t = self._chunk.t
        present = self._chunk.present(self.row)
        named = {fid for fid, f in t.severity_findings if present[f]}
        return assess_severity(self.case, named, self.triage, t.cut)

    @_once
    def notes(self) -> list[str]:
        notes = list(self._chunk.notes(self.row))
        if self.concordance["status"] == "discordant" and self.concordance.get("note"):
            notes.append(f"imaging discordant with the clinical level: {self.concordance['note']}")
        if not self.enough:
            notes.append("no clinical finding was given: the differential shows only the base rates")
        return notes

    def plan(self) -> list[PlanItem]:
        return plan_items(self.compiled, self.plan_ids, self.plan_conditions)

    def findings_used(self) -> list[FindingUsed]:
        chunk = self._chunk
        if chunk.single is not None:
            return _findings_used_of(chunk.t, chunk.single)
        assert chunk.batch is not None
        return _findings_used(chunk.t, chunk.batch, self.row)

    def imaging_concordance(self) -> ImagingConcordance:
        return _concordance(self.concordance)


def predominant_side(
    t: Tables, observed: Sequence[int], findings_left: Sequence[int], findings_right: Sequence[int]
) -> str:
    """The side of the symptoms when they are on both sides: 'bilateral', or the predominant side.

    Without a nerve lesion the side reported is where the symptoms are. When everything on one
    side (regions, movements, reflexes, sided findings) is also on the other, which has more,
    the other is the side of the problem: groin pain on both sides with buttock and leg pain on
    the left only is a left-sided problem, as a clinician would write it; symptoms that differ on
    each side, or the same on both, stay bilateral. Left/right symmetric by construction.
    """
    keys = t.symptom_key
    left: set[str] = {f"finding:{f}" for f in findings_left}
    right: set[str] = {f"finding:{f}" for f in findings_right}
    for o in observed:
        key = keys[o]
        if key is not None:
            (left if t.observation_side[o] == "left" else right).add(key)
    if right < left:
        return "left"
    if left < right:
        return "right"
    return "bilateral"


def _eligible(order: list[int], p: list[float], listable: int) -> int:
    """How many entries :func:`_listed` finds eligible (the first MIN_LISTED of ``order`` and those
    down to LISTED_PROBABILITY, of which there are ``listable``), so that it can stop at the last
    of them rather than read the whole order."""
    count = listable
    for i in order[:MIN_LISTED]:
        if not p[i] >= LISTED_PROBABILITY:
            count += 1
    return count


def _listed(
    order: list[int], p: list[float], most: int, by_probability: bool = False, eligible: int | None = None
) -> list[int]:
    """The entries listed, in ``order``: those down to LISTED_PROBABILITY (``p`` per entry), at least
    MIN_LISTED, at most ``most``.

    The conditions (in order of probability) are the first ``most`` of these. The sites
    (``by_probability``, ``p`` their tie keys) are the leading site and the most probable of the
    others, shown in the site order: the site order puts a kind's total first (the leading site is
    a root when the roots together outweigh every nerve), and a list cut in that order could hide
    the second most probable structure (a saphenous nerve at 0.24 behind five roots of 0.30 to
    0.02). The tie keys make a batch and a single case choose alike.
    """
    # ``eligible``, when given: how many entries are eligible (:func:`_eligible`), to stop at the last
    enough = most if by_probability or eligible is None else min(most, eligible)
    found: list[int] = []
    for k, i in enumerate(order):
        if k < MIN_LISTED or p[i] >= LISTED_PROBABILITY:
            found.append(k)
            if len(found) == enough and not by_probability:
                break
    if len(found) <= most:
        return [order[k] for k in found]
    # the leading site always; the rest by probability, equal keys by their place in the order
    others = sorted(found[1:], key=lambda k: (-p[order[k]], k))[: most - 1]
    return [order[k] for k in sorted([found[0], *others])]


def _listed_ranked(order: list[int], keys: list[float], ranked: list[int], most: int) -> list[int]:
    """``_listed(order, keys, most, by_probability=True)`` read from ``ranked`` (the entries by
    value, largest first, of which ``keys`` are the tie keys: a key never rises down the ranking), so
    the entries at or above LISTED_PROBABILITY are its first few and the rest is not read."""
    chosen = set(order[:MIN_LISTED])
    for i in ranked:
        if not keys[i] >= LISTED_PROBABILITY:
            break
        chosen.add(i)
    position = order.index
    if len(chosen) <= most:
        return sorted(chosen, key=position)
    # the leading entry always; the rest by probability, equal keys by their place in the order
    lead = order[0]
    chosen.discard(lead)
    others = sorted(chosen, key=lambda i: (-keys[i], position(i)))[: most - 1]
    return [lead, *sorted(others, key=position)]


def _row_lists(mask: BoolArray) -> list[list[int]]:
    """The column indices set in each row of a boolean matrix, as lists."""
    rows, columns = np.nonzero(mask)
    out: list[list[int]] = [[] for _ in range(mask.shape[0])]
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        out[row].append(column)
    return out


def _subsets(t: Tables, present: BoolArray) -> list[tuple[str, IntArray]]:
    """Each proper subset of the case's present red flags: (label, the flags left unknown).

    The same red flags give the same subsets: they are made once per set of flags (kept on the
    tables; the lists are shared, never changed)."""
    return _subset_set(t, present)[0]


def _subset_set(t: Tables, present: BoolArray) -> tuple[list[tuple[str, IntArray]], FloatArray]:
    """:func:`_subsets` and, per subset, 1.0 for each red flag (t.red_flags) it keeps, else 0.0."""
    flags = t.red_flags[present[t.red_flags]]
    key = tuple(flags.tolist())
    known = t.subset_memo.get(key)
    if known is None:
        variants = _make_subsets(t, flags)
        keep = np.ones((len(variants), len(t.red_flags)))
        column = {int(f): j for j, f in enumerate(t.red_flags.tolist())}
        for v, (_, dropped) in enumerate(variants):
            keep[v, [column[int(f)] for f in dropped]] = 0.0
        known = (variants, keep)
        if len(t.subset_memo) < SUBSET_MEMO:
            t.subset_memo[key] = known
    return known


def _make_subsets(t: Tables, flags: IntArray) -> list[tuple[str, IntArray]]:
    n = len(flags)
    if n == 0:
        return []
    ids = t.compiled.finding_ids
    if n <= MAX_SUBSET_FLAGS:
        kept_sets = [[int(flags[j]) for j in range(n) if mask >> j & 1] for mask in range((1 << n) - 1)]
    else:
        kept_sets = [[], *([int(f)] for f in flags), *([int(g) for g in flags if g != f] for f in flags)]
    out = []
    for kept in kept_sets:
        dropped = np.array([f for f in flags if int(f) not in kept], dtype=np.intp)
        names = ", ".join(ids[f] for f in kept) or "none"
        out.append((f"red flags counted: {names}", dropped))
    return out


def headline(compiled: CompiledKnowledge, cases: Sequence[Case], batch: EncodedBatch) -> list[CoreCase]:
    """The headline of every case of an encoded batch (at most BATCH_CHUNK cases at a time)."""
    out: list[CoreCase] = []
    for start in range(0, len(cases), BATCH_CHUNK):
        stop = min(start + BATCH_CHUNK, len(cases))
        out.extend(_headline_chunk(compiled, cases[start:stop], batch.rows(start, stop)))
    return out


def _headline_chunk(
    compiled: CompiledKnowledge, cases: Sequence[Case], batch: EncodedBatch
) -> list[CoreCase]:
    t = tables(compiled)
    prior = batch.log_prior(compiled)
    present, absent, site_scored = batch.present, batch.absent, batch.site_scored
    observed, unobserved, signs = batch.observed_present, batch.observed_absent, batch.sign_states
    # 0/1 float matrices, made once and shared by every posterior of the chunk
    scored = ~site_scored
    present_f = (present & scored).astype(np.float64)
    absent_f = (absent & scored).astype(np.float64)
    observed_f = observed.astype(np.float64)
    unobserved_f = unobserved.astype(np.float64)
    signs_f = signs.astype(np.float64)
    posterior = infer(compiled, present_f, absent_f, observed_f, unobserved_f, prior, signs_f)
    site_term = posterior.site_term
    assert site_term is not None
    # the clinical view (imaging made unknown) of the cases with imaging of a root
    imaged_rows = np.flatnonzero(observed_f @ t.imaging_observations_f > 0)
    clinical_sites: dict[int, FloatArray] = {}
    clinical_orders: dict[int, list[int]] = {}
    if imaged_rows.size:
        view_present, view_absent = present_f[imaged_rows], absent_f[imaged_rows]
        view_present[:, t.imaging_findings] = 0.0
        view_absent[:, t.imaging_findings] = 0.0
        keep = ~t.imaging_observations[None, :]
        clinical = infer(
            compiled,
            view_present,
            view_absent,
            observed_f[imaged_rows] * keep,
            unobserved_f[imaged_rows] * keep,
            prior[imaged_rows],
            signs_f[imaged_rows] * t.clinical_signs,
        ).sites
        clinical_sites = {int(i): clinical[k] for k, i in enumerate(imaged_rows.tolist())}
        # each clinical view's sites in tie order, sorted together (concordance._clinical_roots)
        clinical_orders = dict(zip(clinical_sites, tie_orders(clinical).tolist(), strict=True))
    # screening: every red flag unknown (the same posterior when no case of the chunk gives one);
    # the lesion observations and signs are the full posterior's, so their term is reused
    # (the findings' log likelihoods less the red flags' own terms)
    cond_ll = posterior.condition_loglik
    red_present, red_absent = present_f[:, t.red_flags], absent_f[:, t.red_flags]
    if red_present.any() or red_absent.any():
        screening = conditions_given(prior, cond_ll - t.red_flag_loglik(red_present, red_absent), site_term)
    else:
        screening = posterior.conditions
    # the posteriors with each proper subset of the present red flags
    flagged = (
        np.flatnonzero(present[:, t.red_flags].any(axis=1)) if t.red_flags.size else np.zeros(0, np.intp)
    )
    subset_sets = {i: _subset_set(t, present[i]) for i in flagged.tolist()}
    subsets: dict[int, list[tuple[str, IntArray]]] = {i: known[0] for i, known in subset_sets.items()}
    first_subset: dict[int, int] = {}
    owners: list[int] = []
    for i, variants in subsets.items():
        first_subset[i] = len(owners)
        owners.extend([i] * len(variants))
    subset_levels: Levels | None = None
    owner_rows = np.array(owners, dtype=np.intp)
    if owners:
        # each subset row: its case's log likelihoods less the terms of the red flags it drops
        drop = 1.0 - np.concatenate([known[1] for known in subset_sets.values()])
        dropped = t.red_flag_loglik(red_present[owner_rows] * drop, red_absent[owner_rows] * drop)
        subset_p = conditions_given(prior[owner_rows], cond_ll[owner_rows] - dropped, site_term[owner_rows])
    gated = gated_rows(t, present, absent)
    if owners:
        subset_levels = Levels.of(t, subset_p, None if gated is None else gated[owner_rows])
    full_levels = Levels.of(t, posterior.conditions, gated)
    screen_levels = full_levels if screening is posterior.conditions else Levels.of(t, screening, gated)

    conditions = posterior.conditions
    # ties by engine/ties.py, as the sites: a batch's matrix products may differ from one row's in
    # the last bits, and two conditions that tie must not swap with the size of the batch
    order = tie_orders(conditions)  # np.argsort(-tie_keys(conditions), axis=1, kind="stable")
    fired_matrix = t.fired(present, absent)
    fired = _row_lists(fired_matrix)
    p_spinal = conditions[:, compiled.spinal].sum(axis=1)
    # out-of-model fit: unexplained manifestations per condition
    manifest = present_f * t.manifestation_f
    counts = manifest @ t.unexplained_f.T  # (B, C)
    fewest = counts.min(axis=1)
    best_fit = np.where(counts == fewest[:, None], conditions, -np.inf).argmax(axis=1)
    # the side of the symptoms
    sides_seen = observed_f @ t.side_columns > 0  # (B, 4): symptoms left, right; imaging left, right
    left = sides_seen[:, 0] | batch.sides[:, :, 0].any(axis=1)
    right = sides_seen[:, 1] | batch.sides[:, :, 1].any(axis=1)
    imaged_left, imaged_right = sides_seen[:, 2], sides_seen[:, 3]
    only_imaged = ~left & ~right & (imaged_left != imaged_right)
    left |= only_imaged & imaged_left
    right |= only_imaged & imaged_right
    # sites: kind total first, then own probability, then the symptoms' side
    sites = posterior.sites
    # each kind's total, added in site order as engine/assess did (the same float sums)
    # (a running sum is sequential: the last column of each kind's cumsum is that sum)
    totals = np.empty((len(sites), len(t.kind_columns)))
    for kind, columns in enumerate(t.kind_columns):
        totals[:, kind] = np.cumsum(sites[:, columns], axis=1)[:, -1]
    symptom_left = left & ~right
    symptom_right = right & ~left
    other_side = (t.site_is_left[None, :] & ~symptom_left[:, None]) | (
        t.site_is_right[None, :] & ~symptom_right[:, None]
    )
    # np.lexsort((other_side, -tie_keys(sites), -tie_keys(totals)[:, t.kind_of])) as one stable
    # sort of integers: the tie keys' ranks (a larger key, a smaller rank; equal keys, equal ranks)
    # combined with the side, in the same precedence
    n_sites = sites.shape[1]
    combined = tie_ranks(totals)[:, t.kind_of] * n_sites + tie_ranks(sites)
    combined *= 2
    combined += other_side
    site_order = stable_order(combined)
    if t.unilateral_observation is not None and t.site_needs_both_sides.any():
        for i in np.flatnonzero(observed[:, t.unilateral_observation]).tolist():
            site_order[i] = _lead_with_both_sides(site_order[i], t.site_needs_both_sides)
    # informative findings
    marked = present | absent
    informative = marked.sum(axis=1) - (marked & t.demographic[None, :]).sum(axis=1)
    enough_all = (informative >= 1) | observed.any(axis=1)
    threshold = t.spinal_threshold

    # triage level: the most urgent of the fired rules and of what every posterior calls for
    ranks = np.maximum(
        np.where(fired_matrix, t.rule_rank[None, :], -1).max(axis=1, initial=-1),
        np.maximum(full_levels.ranks, screen_levels.ranks),
    )
    if subset_levels is not None:
        np.maximum.at(ranks, owner_rows, subset_levels.ranks)
    self_care = ranks <= t.self_care_rank
    if t.screen is not None:
        screened = absent[:, t.screen_required].all(axis=1) & t.screen_known
        ranks = np.where(self_care & ~screened, np.maximum(ranks, t.screen_rank), ranks)
    n_manifest = manifest.sum(axis=1)
    fit_adequate = (n_manifest < MIN_UNEXPLAINED) | (fewest < MIN_UNEXPLAINED)
    ranks = np.where((ranks <= t.self_care_rank) & ~fit_adequate, np.maximum(ranks, t.routine_rank), ranks)
    verdicts = np.where(
        p_spinal >= threshold, "spinal", np.where(p_spinal <= 1 - threshold, "non-spinal", "uncertain")
    ).tolist()
    chunk = _Chunk(
        t,
        batch,
        posterior.site_loglik,
        full_levels,
        screen_levels,
        subset_levels,
        subsets,
        first_subset,
        fired,
        manifest,
        best_fit.tolist(),
        fewest.astype(np.intp).tolist(),
    )
    # severity: the grade of every case at once (its record with reasons is built when read)
    emergency_flag = (ranks == rank(TriageLevel.EMERGENCY)) & fired_matrix.any(axis=1)
    grades = _severity_grades(t, cases, present, emergency_flag)
    # the plan: the conditions at or above the plan threshold (the first always), in order
    ranked_p = np.take_along_axis(conditions, order, axis=1)
    n_above = np.maximum((ranked_p >= t.plan_threshold).sum(axis=1), 1).tolist()
    durations = np.array([np.nan if c.duration_days is None else c.duration_days for c in cases])
    duration_class = np.where(
        np.isnan(durations), -1, np.searchsorted(t.plan_duration_cuts, durations, side="right")
    ).tolist()
    side_names = np.where(
        left & right, "bilateral", np.where(left, "left", np.where(right, "right", ""))
    ).tolist()
    for i in np.flatnonzero(left & right).tolist():
        side_names[i] = predominant_side(
            t,
            np.flatnonzero(observed[i]).tolist(),
            np.flatnonzero(batch.sides[i, :, 0]).tolist(),
            np.flatnonzero(batch.sides[i, :, 1]).tolist(),
        )
    levels = [TRIAGE_ORDER[r] for r in ranks.tolist()]
    p_spinal_list = p_spinal.tolist()
    enough_list = enough_all.tolist()
    out: list[CoreCase] = []
    # the rows as views, made in one pass each
    condition_rows, site_rows, order_rows, site_order_rows = (
        list(conditions),
        list(sites),
        list(order),
        list(site_order),
    )
    # the imaging concordance and the plan are made when read (CoreCase.concordance, _plan): a
    # flat output row and the evaluation show neither
    chunk.later = _Later(clinical_sites, clinical_orders, n_above, duration_class)
    for i, case in enumerate(cases):
        flags = fired[i]
        if len(flags) > 1:
            flags = sorted(flags, key=lambda r: -t.rule_level_rank[r])
        out.append(
            CoreCase(
                chunk,
                i,
                case,
                condition_rows[i],
                site_rows[i],
                order_rows[i],
                site_order_rows[i],
                side_names[i] or None,
                p_spinal_list[i],
                verdicts[i],
                levels[i],
                [t.rule_ids[r] for r in flags],
                grades[i],
                None,
                None,
                enough_list[i],
            )
        )
    return out


def _severity_grades(
    t: Tables, cases: Sequence[Case], present: BoolArray, emergency_flag: BoolArray
) -> list[Severity]:
    """engine/severity.assess_severity's grade alone, for every case at once."""
    cut = t.cut
    n = len(cases)
    no = np.zeros(n, dtype=bool)
    has = {fid: present[:, f] for fid, f in t.severity_findings}
    motor, foot_drop = has.get("motor_deficit", no), has.get("foot_drop", no)
    progressive, intractable = has.get("progressive_weakness", no), has.get("severe_intractable_pain", no)
    worst = np.array([min([s.grade for s in c.strength]) if c.strength else 5 for c in cases], dtype=np.intp)
    pain = np.array([np.nan if c.scores.pain_nrs is None else c.scores.pain_nrs for c in cases])
    odi = np.array([np.nan if c.scores.odi is None else c.scores.odi for c in cases])
    mild, moderate, severe = 0, 1, 2
    mrc = np.where(
        worst <= cut.mrc_severe_max.value,
        severe,
        np.where(worst <= cut.mrc_moderate_max.value, moderate, mild),
    )
    grade = np.where(worst < 5, mrc, np.where(motor | foot_drop, moderate, mild))
    grade = np.maximum(grade, np.where(foot_drop | progressive, severe, mild))
    with np.errstate(invalid="ignore"):
        pain_grade = np.where(
            pain >= cut.pain_severe_min.value,
            severe,
            np.where(pain >= cut.pain_moderate_min.value, moderate, mild),
        )
        odi_grade = np.where(
            odi > cut.odi_severe_above.value,
            severe,
            np.where(odi > cut.odi_moderate_above.value, moderate, mild),
        )
    grade = np.maximum(grade, np.where(np.isnan(pain), np.where(intractable, severe, mild), pain_grade))
    grade = np.maximum(grade, np.where(np.isnan(odi), mild, odi_grade))
    grade = np.maximum(grade, np.where(emergency_flag, severe, mild))
    return [SEVERITY_ORDER[g] for g in grade.tolist()]


def _lead_with_both_sides(site_order: IntArray, needs_both_sides: npt.NDArray[np.bool_]) -> IntArray:
    """The site order of a case whose sided findings keep to one side: a site of both legs by
    definition (anatomy/sites.yaml ``needs_both_sides``) that would lead goes right after the first
    site that is not one; the rest keep their places (issue 14: one-sided findings never make a
    both-sided site the top answer). Probabilities are untouched, so it stays listed as an alternative."""
    if not needs_both_sides[site_order[0]]:
        return site_order
    gated = needs_both_sides[site_order]
    first = int(np.argmin(gated))  # the first site not gated (argmin: the first False)
    if gated[first]:
        return site_order  # every site gated: nothing to lead instead
    return np.concatenate([site_order[first : first + 1], site_order[:first], site_order[first + 1 :]])


def _close_alternatives(t: Tables, site_order: IntArray, site_p: FloatArray) -> list[str] | None:
    compiled = t.compiled
    lead = compiled.hypotheses[int(site_order[0])]
    if lead.kind != SiteKind.ROOT:
        return None
    neighbours = neighbouring_roots(str(lead.root))
    lead_p = float(site_p[site_order[0]])
    floor = t.close_alternative * lead_p
    # The roots follow the leading root in order of probability (one kind, listed together), so the
    # scan stops at the first site that is not a root or falls below the fraction. Not a fixed
    # window: on a case with no side, the lead's twin and two other levels on both sides can rank
    # above a neighbour that still holds a quarter of the lead (L4, L5 and S1 before L3).
    close = []
    for k in site_order[1:].tolist():
        h, p = compiled.hypotheses[k], float(site_p[k])
        if h.kind != SiteKind.ROOT or p < floor:
            break
        if h.side == lead.side and h.root in neighbours:
            close.append(str(h.root))
    return close


_imaging_concordance = exact_maker(ImagingConcordance)


def _concordance(record: dict[str, Any]) -> ImagingConcordance:
    return _imaging_concordance(  # all four fields, in declared order
        {
            "status": record["status"],
            "clinical": [trusted(RootSide, dict(item)) for item in record["clinical"]],
            "imaging": [trusted(RootSide, dict(item)) for item in record["imaging"]],
            "note": record["note"],
        },
    )


def _side_list(left: bool, right: bool) -> list[str]:
    """The sides a finding was seen on, as FindingUsed lists them (sorted: left before right)."""
    if left:
        return [SIDES[0], SIDES[1]] if right else [SIDES[0]]
    return [SIDES[1]] if right else []


_finding_used = exact_maker(FindingUsed)


def _findings_used(t: Tables, batch: EncodedBatch, i: int) -> list[FindingUsed]:
    encoded = batch._cases.get(i)
    if encoded is not None:  # encoded alone: its origins in the order they were known
        return _findings_used_of(t, encoded)
    ids = t.compiled.finding_ids
    known = batch.origins(i)
    if not known:
        return []
    rows = [f for f, _ in known]
    present = batch.present[i, rows].tolist()
    sides = batch.sides[i, rows].tolist()
    return [
        # all five FindingUsed fields, in declared order
        trusted_exact(
            FindingUsed,
            {
                "id": ids[f],
                "label": t.labels[f],
                "status": "present" if is_present else "absent",
                "origin": origin,
                "sides": _side_list(on[0], on[1]),
            },
        )
        for (f, origin), is_present, on in zip(known, present, sides, strict=True)
    ]


# --- one case ------------------------------------------------------------------------------------
# A batch of one pays every array operation of :func:`_headline_chunk` for a single row. The same
# conclusions for one case: the posteriors come from the same calls on the same (1, n) matrices
# (the same floats), the rest is read off the row in plain Python where that is cheaper (the rules
# that fire, the severity grade, the sites' kind totals, the triage rank) and the plan's steps are
# kept per key across calls. tests/engine/test_single_case.py: the same Assessment on every golden,
# development and root-level case as the batch path given that case alone.
PLAN_MEMO = 4096


class _OneTables:
    """What one case reads besides :class:`Tables`, built once per compile."""

    def __init__(self, t: Tables) -> None:
        index = t.compiled.finding_index
        self.clauses: list[tuple[list[int], list[int], list[list[int]], list[int], float, bool]] = []
        for r, rule in enumerate(t.rules):
            groups = [[index[f] for f in group if f in index] for group in rule.and_any_of]
            of = [index[f] for f in rule.of if f in index] if rule.at_least is not None else []
            self.clauses.append(
                (
                    [index[f] for f in rule.all_of if f in index],
                    [index[f] for f in rule.any_of if f in index] if rule.any_of else [],
                    groups,
                    of,
                    float(t.at_least[r]),
                    bool(t.never[r]) or not rule_has_any(rule, index),
                )
            )
        # each rule's closers (Tables.rule_closers) as sets: its groups and every closer
        self.closers: dict[int, tuple[list[frozenset[int]], frozenset[int]]] = {
            r: ([frozenset(group) for group in groups], frozenset(every))
            for r, groups, every in t.rule_closers
        }
        # the clauses as sets ("of" stays a list: a finding named twice counts twice)
        self.gates = [
            (c, frozenset(opening), closers)
            for (c, opening), closers in zip(t.gates, t.gate_closers, strict=True)
        ]
        self.gate_caps = t.gate_levels
        self.clause_sets = [
            (frozenset(all_of), frozenset(any_of), [frozenset(g) for g in groups], of, at_least, never)
            for all_of, any_of, groups, of, at_least, never in self.clauses
        ]
        # the rules that can fire when a finding is present: each rule under findings one of
        # which it needs (the first of its "all of", else each of its "any of", else each of its
        # first group, else each finding it counts), so that a case looks at the few rules its
        # findings could make fire, not at every rule that reads one of them; and those that need
        # no finding at all
        self.needing: dict[int, set[int]] = {}
        self.unconditional: set[int] = set()
        for r, (all_of, any_of, groups, of, at_least, never) in enumerate(self.clauses):
            if never:
                continue  # never fires
            if all_of:
                needed = all_of[:1]
            elif any_of:
                needed = any_of
            elif groups:
                needed = groups[0]
            elif at_least > 0:
                needed = of  # none: a count of nothing never reaches at_least
            else:
                self.unconditional.add(r)
                continue
            for f in needed:
                self.needing.setdefault(f, set()).add(r)
        self.suspicion = list(
            zip(t.suspicion_condition.tolist(), t.suspicion_threshold.tolist(), strict=True)
        )
        self.suspicion_rank = t.suspicion_rank.tolist()
        self.urgency_rank = t.urgency_rank.tolist()
        self.kind_columns = [columns.tolist() for columns in t.kind_columns]
        self.duration_cuts = t.plan_duration_cuts.tolist()
        self.plan_memo: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}
        self.links: dict[tuple[int, ...], FloatArray] = {}
        # each setting's log prior as a (1, C) row (a view of compiled.log_prior's)
        self.prior_rows: dict[str, FloatArray] = {}
        self.red_flags = set(t.red_flags.tolist())
        self.imaging_observations = t.imaging_observations
        self.manifestation = t.manifestation.tolist()
        self.demographic = t.demographic.tolist()
        self.screen_required = t.screen_required.tolist()
        self.imaging_observation_list = t.imaging_observations.tolist()
        self.imaging_observation_set = frozenset(np.flatnonzero(t.imaging_observations).tolist())
        self.clinical_finding_set = frozenset(
            f for f, is_demographic in enumerate(self.demographic) if not is_demographic
        )
        # each side column's observations, as sets: "any observed in the column" is one C-level
        # isdisjoint call
        self.side_column_sets = [
            frozenset(np.flatnonzero(column).tolist()) for column in (t.side_columns > 0).T
        ]
        self.kind_of = t.kind_of.tolist()
        self.kind_of_array = np.ascontiguousarray(t.kind_of, dtype=np.intp)
        self.site_needs_both_sides = t.site_needs_both_sides
        self.unilateral_observation = t.unilateral_observation if t.site_needs_both_sides.any() else None
        self.spinal = np.flatnonzero(t.compiled.spinal)
        # (F, C): t.unexplained by finding, so that a case's findings are rows read in one gather
        self.unexplained_by_finding = np.ascontiguousarray(t.unexplained.T)
        self.unexplained_rows: list[list[bool]] = t.unexplained.tolist()  # (C, F), as lists
        # per finding, the conditions that leave it unexplained as one integer, a field of
        # ``count_code``'s width per condition (field c is 1 when condition c leaves it unexplained):
        # a sum of a case's findings' integers holds in field c how many condition c leaves
        # unexplained (at most one per finding; a field holds the number of findings: no carry)
        n_findings, self.n_conditions = len(t.compiled.finding_ids), len(t.condition_ids)
        # (struct codes of the native unsigned sizes, as numpy writes them)
        fields: tuple[type[np.unsignedinteger[Any]], Literal["B", "H", "I"]] = (
            (np.uint8, "B")
            if n_findings < 1 << 8
            else (np.uint16, "H")
            if n_findings < 1 << 16
            else (np.uint32, "I")
        )
        width, self.count_code = fields
        self.count_bytes = self.n_conditions * np.dtype(width).itemsize
        self.unexplained_packed = [
            int.from_bytes(row.astype(width).tobytes(), sys.byteorder) for row in self.unexplained_by_finding
        ]
        # the sites on the other side than the symptoms, per (symptoms left only, right only)
        self.other_side = {
            (symptom_left, symptom_right): (t.site_is_left & (not symptom_left))
            | (t.site_is_right & (not symptom_right))
            for symptom_left in (False, True)
            for symptom_right in (False, True)
        }
        self.emergency_rank = rank(TriageLevel.EMERGENCY)
        # inference.condition_loglik and site_loglik as sums of the rows a case observes: a (2F, C)
        # table, the findings' log P(present | c) then log P(absent | c), and a (2O, H) one, the
        # observations' log P(observed | h) then the absence weight times log P(unobserved | h)
        compiled = t.compiled
        self.n_findings = len(compiled.finding_ids)
        self.n_observations = compiled.loc_log_present.shape[1]
        self.condition_rows = np.ascontiguousarray(np.vstack([compiled.log_present.T, compiled.log_absent.T]))
        weight = compiled.knowledge.localisation.absence_weight.value
        self.site_rows = np.ascontiguousarray(
            np.vstack([compiled.loc_log_present.T, weight * compiled.loc_log_absent.T])
        )
        self.imaging_finding_set = set(t.imaging_findings.tolist())
        self.clinical_signs = t.clinical_signs


def rule_has_any(rule: TriageRule, index: dict[str, int]) -> bool:
    """False when the rule asks for any of findings none of which the knowledge base knows."""
    return not rule.any_of or any(f in index for f in rule.any_of)


def _one_tables(t: Tables) -> _OneTables:
    """The one-case tables of ``t``, kept on it (made on first use)."""
    known: _OneTables | None = t.__dict__.get("_one")
    if known is None:
        known = t.__dict__["_one"] = _OneTables(t)
    return known


def _fired_one(one: _OneTables, present: set[int], absent: set[int] | None = None) -> list[int]:
    """Tables.fired for one case, from the sets of its present and absent findings (rule order). Only
    the rules that need a present finding (_OneTables.needing), or need none, can fire."""
    # the rules each present finding is needed by, gathered by C-level map and union
    candidates = one.unconditional.union(*filter(None, map(one.needing.get, present)))
    out = []
    sets = one.clause_sets
    contains = present.__contains__
    for r in sorted(candidates):
        all_of, any_of, groups, of, at_least, never = sets[r]
        if never or not all_of <= present:
            continue
        if any_of and any_of.isdisjoint(present):
            continue
        if groups and any(map(present.isdisjoint, groups)):  # a group none of whose findings is present
            continue
        if of and sum(map(contains, of)) < at_least:
            continue
        if not of and at_least > 0:
            continue
        closers = one.closers.get(r)
        if closers is not None and absent and _closed_one(closers, present, absent):
            continue
        out.append(r)
    return out


def _closed_one(
    closers: tuple[list[frozenset[int]], frozenset[int]], present: set[int], absent: set[int]
) -> bool:
    """engine/triage.rule_closed for one case: each group has a finding absent, none present."""
    groups, every = closers
    return every.isdisjoint(present) and all(not group.isdisjoint(absent) for group in groups)


def _severity_grade_one(t: Tables, case: Case, present: set[int], emergency_flag: bool) -> Severity:
    """:func:`_severity_grades` for one case."""
    cut = t.cut
    has = {fid: f in present for fid, f in t.severity_findings}
    motor, foot_drop = has.get("motor_deficit", False), has.get("foot_drop", False)
    progressive, intractable = (
        has.get("progressive_weakness", False),
        has.get("severe_intractable_pain", False),
    )
    mild, moderate, severe = 0, 1, 2
    worst = min([s.grade for s in case.strength]) if case.strength else 5
    if worst < 5:
        grade = (
            severe
            if worst <= cut.mrc_severe_max.value
            else moderate
            if worst <= cut.mrc_moderate_max.value
            else mild
        )
    else:
        grade = moderate if motor or foot_drop else mild
    if foot_drop or progressive:
        grade = severe
    pain = case.scores.pain_nrs
    if pain is None:
        grade = max(grade, severe if intractable else mild)
    else:
        pain_grade = (
            severe
            if pain >= cut.pain_severe_min.value
            else moderate
            if pain >= cut.pain_moderate_min.value
            else mild
        )
        grade = max(grade, pain_grade)
    odi = case.scores.odi
    if odi is not None:
        odi_grade = (
            severe
            if odi > cut.odi_severe_above.value
            else moderate
            if odi > cut.odi_moderate_above.value
            else mild
        )
        grade = max(grade, odi_grade)
    if emergency_flag:
        grade = severe
    return SEVERITY_ORDER[grade]


LINK_MEMO = 1024


def _infer_one(
    compiled: CompiledKnowledge,
    one: _OneTables,
    findings: list[int],
    observations: list[int],
    log_prior: FloatArray,
    sign_states: FloatArray | BoolArray,
) -> Posterior:
    """inference.infer for one row (``sign_states``: the case's sign state row, 1-D), with the
    condition-site link of the case's nerve-tension sign pattern kept per pattern across calls.
    ``findings`` are the rows of ``one.condition_rows`` the
    case scores (a present finding f is row f, an absent one row F + f), ``observations`` those of
    ``one.site_rows``: the log likelihoods are sums over the ~10-30 rows a case has in place of the
    (1, F) and (1, O) matrix products (the same terms added in another order: equal to the batch's
    to ~1e-14, not to the last bit; tests/engine/test_single_case.py)."""
    add = np.add.reduce
    cond_ll = add(one.condition_rows.take(findings, axis=0), axis=0, keepdims=True)
    site_ll = add(one.site_rows.take(observations, axis=0), axis=0, keepdims=True)
    # the same elementwise operations as inference.infer, written into the arrays they make
    # (out=, in place) rather than into a new array per step
    cond_weight = log_prior + cond_ll
    cond_weight -= _max(cond_weight, axis=1, keepdims=True)
    np.maximum(cond_weight, LOG_FLOOR, out=cond_weight)
    np.exp(cond_weight, out=cond_weight)
    site_weight = site_ll - _max(site_ll, axis=1, keepdims=True)
    np.maximum(site_weight, LOG_FLOOR, out=site_weight)
    np.exp(site_weight, out=site_weight)
    case_link = _case_link(compiled, one, sign_states)
    site_term = site_weight @ case_link.T
    sites = cond_weight @ case_link
    sites *= site_weight  # site_weight * (cond_weight @ case_link): a product is the same either way
    conditions = cond_weight * site_term
    conditions /= _add(conditions, axis=1, keepdims=True)
    sites /= _add(sites, axis=1, keepdims=True)
    return Posterior(conditions, sites, cond_ll, site_ll, site_term)


def _case_link(compiled: CompiledKnowledge, one: _OneTables, states: FloatArray | BoolArray) -> FloatArray:
    """P(h | c) adjusted by a pattern of nerve-tension sign states (as inference.infer makes it);
    ``states``: the case's sign state row (0/1, as floats or booleans)."""
    link = compiled.site_given_condition
    rows = states.nonzero()[0].tolist()  # (np.count_nonzero first cost a Python wrapper more)
    if not rows:
        return link
    key = tuple(rows)
    known = one.links.get(key)
    if known is None:
        n_conditions, n_sites = link.shape
        pattern = states.astype(np.float64)  # as inference.infer's 0/1 float rows
        log_signs = (pattern @ compiled.sign_log_factor).reshape(n_conditions, n_sites)
        known = link * np.exp(log_signs - log_signs.max())
        known.flags.writeable = False  # shared by every case with this pattern
        if len(one.links) < LINK_MEMO:
            one.links[key] = known
    return known


def _one_batch(compiled: CompiledKnowledge, encoded: EncodedCase) -> EncodedBatch:
    """EncodedBatch.of([encoded]) with the case's vectors as (1, n) views (no copies)."""
    if encoded.site_scored.shape != encoded.present.shape:
        return EncodedBatch.of(compiled, [encoded])
    n_findings = len(compiled.finding_ids)
    index = compiled.finding_index
    origin = np.zeros((1, n_findings), dtype=np.int8)
    first = np.full((1, n_findings), UNMARKED, dtype=np.int32)
    sides = np.zeros((1, n_findings, 2), dtype=bool)
    if encoded.origin:
        known = [index[fid] for fid in encoded.origin]
        origin[0, known] = [origin_code(how) for how in encoded.origin.values()]
        first[0, known] = range(len(known))
    if encoded.sides:
        sided = [index[fid] for fid in encoded.sides]
        sides[0, sided] = [("left" in seen, "right" in seen) for seen in encoded.sides.values()]
    batch = EncodedBatch(
        encoded.present[None, :],
        encoded.absent[None, :],
        encoded.site_scored[None, :],
        encoded.observed_present[None, :],
        encoded.observed_absent[None, :],
        encoded.sign_states[None, :],
        [encoded.setting],
        origin,
        first,
        sides,
        [encoded.notes],
        compiled.finding_ids,
    )
    batch._cases = {0: encoded}
    return batch


def headline_one(compiled: CompiledKnowledge, case: Case, encoded: EncodedCase) -> CoreCase:
    """The headline of one case encoded by engine/encode.encode_case: :func:`headline` of a batch
    of one, computed for a single row."""
    if encoded.site_scored.shape != encoded.present.shape:  # not encode_case's: the batch of one
        return headline(compiled, [case], _one_batch(compiled, encoded))[0]
    t = tables(compiled)
    one = _one_tables(t)
    # the batch of one's (1, n) rows, as views of the case's vectors where no copy is needed
    prior = one.prior_rows.get(encoded.setting)
    if prior is None:
        prior = one.prior_rows[encoded.setting] = compiled.log_prior[encoded.setting][None, :]
    # the case's findings and observations as index lists (plain Python reads them faster than
    # numpy masks a row)
    present_list = encoded.present.nonzero()[0].tolist()
    present_set = set(present_list)
    absent_list = encoded.absent.nonzero()[0].tolist()
    absent_set = set(absent_list)
    site_scored = set(encoded.site_scored.nonzero()[0].tolist())
    n_findings = one.n_findings
    scored_present = [f for f in present_list if f not in site_scored]
    scored_absent = [f for f in absent_list if f not in site_scored]
    finding_rows = scored_present + [n_findings + f for f in scored_absent]
    observed_list = encoded.observed_present.nonzero()[0].tolist()
    unobserved_list = encoded.observed_absent.nonzero()[0].tolist()
    n_observations = one.n_observations
    observation_rows = observed_list + [n_observations + o for o in unobserved_list]
    signs = encoded.sign_states
    posterior = _infer_one(compiled, one, finding_rows, observation_rows, prior, signs)
    site_term = posterior.site_term
    assert site_term is not None
    clinical_p: FloatArray | None = None
    imaging_observations = one.imaging_observation_list
    if not one.imaging_observation_set.isdisjoint(observed_list):
        imaging = one.imaging_finding_set
        clinical_p = _infer_one(
            compiled,
            one,
            [f for f in finding_rows if f % n_findings not in imaging],
            [o for o in observation_rows if not imaging_observations[o % n_observations]],
            prior,
            signs * one.clinical_signs,
        ).sites[0]
    cond_ll = posterior.condition_loglik
    red_marked = one.red_flags & (present_set | absent_set)
    if red_marked and not red_marked <= site_scored:  # a red flag scored present or absent
        red_flags = one.red_flags
        red_ll = one.condition_rows.take([f for f in finding_rows if f % n_findings in red_flags], axis=0)
        screening = conditions_given(prior, cond_ll - np.add.reduce(red_ll, axis=0, keepdims=True), site_term)
    else:
        screening = posterior.conditions
    subsets: dict[int, list[tuple[str, IntArray]]] = {}
    first_subset: dict[int, int] = {}
    subset_levels: Levels | _RowsLevels | None = None
    subset_rank = -1
    # the conditions whose probability may not set the level (engine/triage.gated_conditions)
    gated = [
        c
        for c, opening, closers in one.gates
        if opening.isdisjoint(present_set) and all(f in absent_set for f in closers)
    ]
    if not one.red_flags.isdisjoint(present_set):
        variants, keep_flags = _subset_set(t, encoded.present)
        subsets[0] = variants
        first_subset[0] = 0
        if variants:
            # the batch's rows of this case, one per subset, by broadcasting the case's one row
            # (the same elementwise operations on the same values)
            drop = 1.0 - keep_flags
            scored = ~encoded.site_scored[t.red_flags]
            red_present = (encoded.present[t.red_flags] & scored).astype(np.float64)[None, :]
            red_absent = (encoded.absent[t.red_flags] & scored).astype(np.float64)[None, :]
            dropped = t.red_flag_loglik(red_present * drop, red_absent * drop)
            subset_p = conditions_given(prior, cond_ll - dropped, site_term)
            if len(variants) <= ROW_LEVELS:
                subset_levels = _RowsLevels(t, one, subset_p, gated)
                subset_rank = subset_levels.rank
            else:
                gated_matrix = None
                if gated:
                    gated_matrix = np.zeros(subset_p.shape, dtype=bool)
                    gated_matrix[:, gated] = True
                subset_levels = Levels.of(t, subset_p, gated_matrix)
                subset_rank = int(subset_levels.ranks.max())
    conditions = posterior.conditions
    p_row = conditions[0].tolist()
    # the row's ranking (largest first), made once: the tie order, the likely conditions, the best
    # fit and the plan's count read it (a threshold's conditions are its first few)
    ranked = ranking_of(conditions[0])
    full_levels = _RowLevels(t, one, p_row, ranked, gated)
    screen_levels = (
        full_levels if screening is posterior.conditions else _RowLevels(t, one, screening[0], None, gated)
    )
    plan_threshold = t.plan_threshold
    n_above = 0  # the q >= plan_threshold: the first few of the ranking
    for c in ranked:
        if not plan_threshold <= p_row[c]:
            break
        n_above += 1
    n_above = max(n_above, 1)
    n_listable = 0  # the q >= LISTED_PROBABILITY, likewise
    for c in ranked:
        if not p_row[c] >= LISTED_PROBABILITY:
            break
        n_listable += 1
    # ties by engine/ties.py, as the sites: a batch's matrix products may differ from one row's in
    # the last bits, and two conditions that tie must not swap with the size of the batch. Only the
    # first places are read here (the listed conditions, the plan's leading ones): the whole order
    # is made when read (CoreCase.order)
    order_list = tie_order_prefix(p_row, ranked, max(n_above, n_listable, MIN_LISTED))
    fired = _fired_one(one, present_set, absent_set)
    p_spinal = float(_add(conditions[0, one.spinal]))  # the batch's row sum over the same columns
    # the present manifestations, the rare ones each condition leaves unexplained (counts), and
    # the most probable of the conditions that leave the fewest (the first of equals, as argmax)
    manifestation = one.manifestation
    manifest_list = [f for f in present_list if manifestation[f] and f not in site_scored]
    # the counts as the fields of one sum of integers (one.unexplained_packed): exact, and one
    # C-level sum instead of a gather and a reduce of a (k, C) boolean block
    total = sum(map(one.unexplained_packed.__getitem__, manifest_list))
    counts = memoryview(total.to_bytes(one.count_bytes, sys.byteorder)).cast(one.count_code)
    fewest_0 = min(counts)
    # the most probable of those (the first in the ranking: equal probabilities by index, as max)
    best_fit = 0
    for c in ranked:
        if counts[c] == fewest_0:
            best_fit = c
            break
    # symptoms left, right; imaging left, right (observed_f @ t.side_columns > 0)
    sides_seen = [not column.isdisjoint(observed_list) for column in one.side_column_sets]
    seen_left = seen_right = False
    for seen in encoded.sides.values():
        seen_left = seen_left or "left" in seen
        seen_right = seen_right or "right" in seen
    left = sides_seen[0] or seen_left
    right = sides_seen[1] or seen_right
    if not left and not right and sides_seen[2] != sides_seen[3]:
        left, right = sides_seen[2], sides_seen[3]
    sites = posterior.sites
    row = sites[0].tolist()
    # each kind's total, its sites added in column order (sum() adds a list of floats one by one)
    totals = [sum(map(row.__getitem__, columns)) for columns in one.kind_columns]
    kind_keys = tie_keys_list(totals)
    keys = np.negative(kind_keys).take(one.kind_of_array)  # each site's kind's key, negated
    site_ranked = ranking_of(sites[0])
    site_keys = tie_keys_list(row, ranked=site_ranked)
    own = np.negative(site_keys)
    other_side = one.other_side[(left and not right, right and not left)]
    site_order = np.lexsort((other_side, own, keys))  # kind total, own probability, side
    if one.unilateral_observation is not None and one.unilateral_observation in observed_list:
        site_order = _lead_with_both_sides(site_order, one.site_needs_both_sides)
    clinical = one.clinical_finding_set  # the findings that are not demographic
    enough = bool(observed_list) or not (clinical.isdisjoint(present_set) and clinical.isdisjoint(absent_set))

    level_rank = max(map(t.rule_level_rank.__getitem__, fired), default=-1)
    level_rank = max(level_rank, full_levels.rank, screen_levels.rank)
    level_rank = max(level_rank, subset_rank)
    self_care = level_rank <= t.self_care_rank
    if t.screen is not None:
        screened = absent_set.issuperset(one.screen_required) and t.screen_known
        if self_care and not screened:
            level_rank = max(level_rank, t.screen_rank)
    fit_adequate = len(manifest_list) < MIN_UNEXPLAINED or fewest_0 < MIN_UNEXPLAINED
    if level_rank <= t.self_care_rank and not fit_adequate:
        level_rank = max(level_rank, t.routine_rank)
    threshold = t.spinal_threshold
    verdict = (
        "spinal" if p_spinal >= threshold else "non-spinal" if p_spinal <= 1 - threshold else "uncertain"
    )
    chunk = _Chunk(
        t,
        None,
        posterior.site_loglik,
        full_levels,
        screen_levels,
        subset_levels,
        subsets,
        first_subset,
        [fired],
        None,
        [best_fit],
        [fewest_0],
        [manifest_list],
        encoded,
    )
    emergency_flag = level_rank == one.emergency_rank and bool(fired)
    grade = _severity_grade_one(t, case, present_set, emergency_flag)
    p = conditions[0]
    duration_class = (
        -1 if case.duration_days is None else bisect.bisect_right(one.duration_cuts, case.duration_days)
    )
    side_name = "bilateral" if left and right else "left" if left else "right" if right else None
    if left and right:
        index = t.compiled.finding_index
        side_name = predominant_side(
            t,
            observed_list,
            [index[f] for f, seen in encoded.sides.items() if "left" in seen],
            [index[f] for f, seen in encoded.sides.items() if "right" in seen],
        )
    level = TRIAGE_ORDER[level_rank]
    fired_sorted = sorted(fired, key=lambda r: -t.rule_level_rank[r])  # stable: rule order in a level
    concordance: dict[str, Any]
    if clinical_p is None:
        concordance = {"status": "no imaging", "clinical": [], "imaging": [], "note": None}
    else:
        concordance = judge(compiled, imaged_roots(compiled, encoded), clinical_p)
    key = (tuple(order_list[:n_above]), grade, duration_class, level, concordance["status"])
    plan = one.plan_memo.get(key)
    if plan is None:
        whole_order = np.array(tie_order(p_row, ranked=ranked), dtype=np.intp)
        plan = plan_steps(
            compiled, whole_order, p, t.condition_ids, grade, case.duration_days, level, concordance["status"]
        )
        if len(one.plan_memo) < PLAN_MEMO:
            one.plan_memo[key] = plan
    core = CoreCase(
        chunk,
        0,
        case,
        p,
        sites[0],
        None,
        site_order,
        side_name,
        p_spinal,
        verdict,
        level,
        [t.rule_ids[r] for r in fired_sorted],
        grade,
        plan,
        concordance,
        enough,
    )
    # the listed entries from the row's lists (CoreCase.listed_conditions and listed_sites read
    # the arrays: the same entries)
    core.listed_conditions = _listed(
        order_list, p_row, TOP_CONDITIONS, eligible=_eligible(order_list, p_row, n_listable)
    )
    core.order_source = (p_row, ranked)
    core.listed_sites = _listed_ranked(site_order.tolist(), site_keys, site_ranked, TOP_SITES)
    core.site_row = row
    core.finding_rows = finding_rows
    core.observation_rows = observation_rows
    return core


def _findings_used_of(t: Tables, encoded: EncodedCase) -> list[FindingUsed]:
    """:func:`_findings_used` from a case encoded alone (engine/encode.encode_case). The records are
    shared by every assessment that shows the same (finding, status, origin, sides): FindingUsed is
    frozen."""
    index, labels, sides = t.compiled.finding_index, t.labels, encoded.sides
    # encode_case's vector is a numpy view of a bytearray: read through the buffer's memoryview, an
    # int per item, not a numpy scalar (a batch's case is read as an array)
    buffer = encoded.present.base
    present = buffer if isinstance(buffer, memoryview) else encoded.present
    made, codes, n_findings = t.finding_used_memo, t.finding_used_origins, len(labels)
    out = []
    for fid, origin in encoded.origin.items():
        f = index[fid]
        code = codes.get(origin)
        if code is None:  # an origin not seen before: its code, and room for its records
            code = codes[origin] = len(codes)
            made.extend([None] * (len(codes) * n_findings * 8 - len(made)))
        seen = sides.get(fid)
        # one integer per (origin, finding, present, sides seen), the record's place in the list
        key = ((code * n_findings + f) * 2 + (present[f] == 1)) * 4 + (
            ("left" in seen) + 2 * ("right" in seen) if seen else 0
        )
        known = made[key]
        if known is None:
            known = made[key] = _finding_used_made(key, fid, labels[f], origin)
        out.append(known)
    return out


def _finding_used_made(key: int, fid: str, label: str, origin: str) -> FindingUsed:
    """The FindingUsed record of ``key`` (_findings_used_of's: its low bit left, the next right, the
    next whether present)."""
    # all five FindingUsed fields, in declared order
    return _finding_used(
        {
            "id": fid,
            "label": label,
            "status": "present" if key & 4 else "absent",
            "origin": origin,
            "sides": _side_list(bool(key & 1), bool(key & 2)),
        }
    )
