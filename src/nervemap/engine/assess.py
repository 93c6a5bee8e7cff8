"""(knowledge, case) -> Assessment: the engine's one public operation, single or batched.

Two levels of detail, one answer: ``headline`` is the core's conclusions (engine/core.py) as an
Assessment whose differential and localisation entries carry no evidence; ``full`` adds the
evidence record (engine/explain.py). Ranks, probabilities, triage, severity, plan and
localisation are the same object in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np

from nervemap import __version__
from nervemap.engine.assessment import (
    Assessment,
    DifferentialEntry,
    EvidenceSet,
    Localisation,
    SourceVerdict,
)
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, FloatArray, default_compiled, held
from nervemap.engine.core import BATCH_CHUNK, CoreCase, headline, headline_one
from nervemap.engine.encode import EncodedCase, encode_case
from nervemap.engine.encode_batch import EncodedBatch, encode_batch
from nervemap.engine.explain import explainer
from nervemap.engine.inference import Posterior, infer
from nervemap.engine.records import exact_maker, maker
from nervemap.knowledge.models import SiteKind

Detail = Literal["headline", "full"]
# Below this many cases, encoding them one by one (engine/encode.py) is faster than the batch
# encoder's array set-up; both give the same matrices (tests/engine/test_encode_batch.py).
BATCH_ENCODING = 8
DETAILS: tuple[str, ...] = ("headline", "full")
# A one-sided site and its counterpart on the other side closer than this are tied (a case that
# states no side scores them equal in exact arithmetic; engine/ties.py TOLERANCE).
SIDE_TIE = 1e-12
SIDE_NOT_STATED = (
    "side not stated: nothing in the case says which side the lesion is on, so the leading site is "
    "given without a side (left and right equally likely)"
)
# anatomy/sites.yaml needs_both_sides: such a site does not lead a one-sided picture (engine/core.py),
# so a site it outranks in probability leads; the order then needs saying
BOTH_SIDES_LISTED_AFTER = (
    "findings on one side only: {site} is a lesion of both legs by definition, so it is listed after "
    "{lead} though more probable here ({p:.2f}); findings in the other leg would make it the answer"
)


def stack_encoded(compiled: CompiledKnowledge, encoded: Sequence[EncodedCase]) -> tuple[FloatArray, ...]:
    present = np.array([e.scored_present for e in encoded], dtype=np.float64)
    absent = np.array([e.scored_absent for e in encoded], dtype=np.float64)
    observed = np.array([e.observed_present for e in encoded], dtype=np.float64)
    unobserved = np.array([e.observed_absent for e in encoded], dtype=np.float64)
    prior = np.array([compiled.log_prior[e.setting] for e in encoded])
    signs = np.array([e.sign_states for e in encoded], dtype=np.float64)
    return present, absent, observed, unobserved, prior, signs


def infer_encoded(compiled: CompiledKnowledge, encoded: Sequence[EncodedCase]) -> Posterior:
    return infer(compiled, *stack_encoded(compiled, encoded))


_differential_entry = exact_maker(DifferentialEntry)
_localisation = maker(Localisation, [name for name in Localisation.model_fields if name != "possibly"])
_localisation_possibly = maker(Localisation, Localisation.model_fields)
_evidence_set = exact_maker(EvidenceSet)
_source_verdict = exact_maker(SourceVerdict)
_assessment = maker(Assessment, [name for name in Assessment.model_fields if name != "disclaimer"])
DISCLAIMER: str = Assessment.model_fields["disclaimer"].default


class _Fields:
    """The output fields of each condition and site that do not depend on the case, read once from
    the knowledge models (their attributes cost a pydantic attribute look-up each)."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        self.conditions = [
            (c.id, c.name, c.patient_name, c.category, tuple(c.icd10), tuple(c.snomed))
            for c in compiled.conditions
        ]
        none_kind = SiteKind.NONE
        self.sites = [
            (h.kind, h.site, h.root, h.nerve, h.side, h.name, h.kind == none_kind)
            for h in compiled.hypotheses
        ]
        # each one-sided site's counterpart on the other side (-1: none, or not one-sided)
        index = {(h.site, h.side): i for i, h in enumerate(compiled.hypotheses)}
        other = {"left": "right", "right": "left"}
        self.mirror = [
            index.get((h.site, other[h.side]), -1) if h.side in other else -1 for h in compiled.hypotheses
        ]
        both = {f"site:{s.id}" for s in compiled.knowledge.anatomy.sites if s.needs_both_sides}
        self.needs_both_sides = [h.site in both for h in compiled.hypotheses]


def unsided_twin(compiled: CompiledKnowledge, core: CoreCase, h: int) -> int:
    """The index of site ``h``'s counterpart on the other side when the two tie (the case states no
    side, so left and right score alike), else -1. Every output that shows a leading site (the
    assessment record and the batch's flat rows) merges such twins into one entry without a side."""
    m = held(compiled, "assess_fields", _Fields).mirror[h]
    if m >= 0 and abs(float(core.sites[m]) - float(core.sites[h])) <= SIDE_TIE:
        return m
    return -1


def _no_evidence() -> EvidenceSet:
    return _evidence_set({"for_": [], "against": []})


def to_assessment(compiled: CompiledKnowledge, core: CoreCase, detail: Detail = "full") -> Assessment:
    """One case's headline as the output record, with its evidence when ``detail`` is "full"."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be 'headline' or 'full', not {detail!r}")
    if detail == "full":
        explain = explainer(compiled)
        observations = core.observation_rows
        condition_evidence = explain.conditions(
            core.listed_conditions, core.encoded, core.site_loglik, core.finding_rows, observations
        )
        site_evidence = explain.sites(core.listed_sites, core.encoded, observations)
    else:
        condition_evidence = [_no_evidence() for _ in core.listed_conditions]
        site_evidence = [_no_evidence() for _ in core.listed_sites]
    fields = held(compiled, "assess_fields", _Fields)
    # a case computed alone has its rows as Python floats already (the same values)
    source = core.order_source
    if source is None:
        p = core.conditions[core.listed_conditions].tolist()
    else:
        p_row = source[0]
        p = [p_row[c] for c in core.listed_conditions]
    differential = []
    condition_fields = fields.conditions
    for c, probability, evidence in zip(core.listed_conditions, p, condition_evidence, strict=True):
        condition_id, name, patient_name, category, icd10, snomed = condition_fields[c]
        differential.append(
            # all eight fields, in declared order
            _differential_entry(
                {
                    "id": condition_id,
                    "name": name,
                    "patient_name": patient_name,
                    "category": category,
                    "icd10": list(icd10),
                    "snomed": list(snomed),
                    "probability": round(probability, 6),
                    "evidence": evidence,
                }
            )
        )
    localization: list[Localisation] = []
    site_fields = fields.sites
    all_p = core.sites
    site_row = core.site_row
    site_p = (
        all_p[core.listed_sites].tolist() if site_row is None else [site_row[h] for h in core.listed_sites]
    )
    mirror = fields.mirror
    merged: set[int] = set()
    notes = core.notes
    for h, probability, evidence in zip(core.listed_sites, site_p, site_evidence, strict=True):
        if h in merged:
            continue
        kind, site_id, root, nerve, side, name, no_lesion = site_fields[h]
        if site_row is None:
            m = unsided_twin(compiled, core, h)
        else:  # unsided_twin on the row's floats
            m = mirror[h]
            if m >= 0 and not abs(site_row[m] - site_row[h]) <= SIDE_TIE:
                m = -1
        if m >= 0:
            # The left and the right site are equally likely: nothing in the case gives a side, and
            # a tie broken to the left would report a side nobody stated. One entry, side not
            # stated (None), with the probability of the site on either side.
            merged.add(m)
            probability += float(all_p[m]) if site_row is None else site_row[m]
            side = None
            if not localization:
                notes = [*notes, SIDE_NOT_STATED]
        if localization and fields.needs_both_sides[h] and probability > localization[0].probability:
            lead = localization[0]
            where = f"{lead.name} ({lead.side})" if lead.side else lead.name
            note = BOTH_SIDES_LISTED_AFTER.format(site=name, lead=where, p=probability)
            if not any(n.startswith("findings on one side only:") for n in notes):
                notes = [*notes, note]
        possibly = core.possibly if not localization else None
        # all nine fields, in declared order ("possibly" set only when given, as trusted() records it)
        localization.append(
            (_localisation if possibly is None else _localisation_possibly)(
                {
                    "site": kind,
                    "site_id": site_id,
                    "root": root,
                    "nerve": nerve,
                    # without a nerve lesion the side is where the symptoms are (a left knee, say)
                    "side": core.symptom_side if no_lesion else side,
                    "name": name,
                    "probability": round(probability, 6),
                    "possibly": [] if possibly is None else possibly,
                    "evidence": evidence,
                }
            )
        )
    kb = compiled.knowledge
    # all fifteen fields, in declared order (the disclaimer at its default, not counted as set)
    return _assessment(
        {
            "case_id": core.case.id,
            "source": _source_verdict({"verdict": core.verdict, "p_spinal": round(core.p_spinal, 6)}),
            "localization": localization,
            "differential": differential,
            "triage": core.triage,
            "severity": core.severity,
            "plan": core.plan(),
            "findings_used": core.findings_used(),
            "fit": core.fit,
            "imaging_concordance": core.imaging_concordance(),
            "notes": notes,
            "enough_information": core.enough,
            "knowledge_version": kb.version,
            "nervemap_version": __version__,
            "disclaimer": DISCLAIMER,
        },
    )


def headlines(
    cases: Iterable[Case | dict[str, Any]], compiled: CompiledKnowledge | None = None
) -> list[CoreCase]:
    """The core's conclusions for a batch (posterior arrays, localisation, triage, severity, plan)."""
    compiled = compiled or default_compiled()
    parsed = [c if isinstance(c, Case) else Case.model_validate(c) for c in cases]
    out: list[CoreCase] = []
    for start in range(0, len(parsed), BATCH_CHUNK):
        chunk = parsed[start : start + BATCH_CHUNK]
        if len(chunk) < BATCH_ENCODING:
            batch = EncodedBatch.of(compiled, [encode_case(case, compiled) for case in chunk])
        else:
            batch = encode_batch(chunk, compiled)
        out.extend(headline(compiled, chunk, batch))
    return out


def assess_many(
    cases: Iterable[Case | dict[str, Any]],
    compiled: CompiledKnowledge | None = None,
    detail: Detail = "full",
) -> list[Assessment]:
    """Assess a batch of cases with one pass of matrix products per chunk."""
    compiled = compiled or default_compiled()
    return [to_assessment(compiled, core, detail) for core in headlines(cases, compiled)]


def assess(
    case: Case | dict[str, Any], compiled: CompiledKnowledge | None = None, detail: Detail = "full"
) -> Assessment:
    """Assess one case: source, localisation, differential, triage, severity, plan, evidence.

    The same Assessment as :func:`assess_many` of that case alone, computed for a single row
    (engine/core.headline_one; tests/engine/test_single_case.py)."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be 'headline' or 'full', not {detail!r}")
    compiled = compiled or default_compiled()
    parsed = case if isinstance(case, Case) else Case.model_validate(case)
    return to_assessment(compiled, headline_one(compiled, parsed, encode_case(parsed, compiled)), detail)
