"""(knowledge, case) -> Assessment: the engine's one public operation, single or batched."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from nervemap import __version__
from nervemap.engine.assessment import (
    Assessment,
    SourceVerdict,
)
from nervemap.engine.case import Case
from nervemap.engine.compiled import (
    SIGN_STATES,
    WHOLE_LEG_FULL_POWER,
    WHOLE_LEG_NORMAL,
    CompiledKnowledge,
    FloatArray,
    default_compiled,
    neighbouring_roots,
)
from nervemap.engine.concordance import clinical_view, imaged_roots, judge, localisation_cut_points
from nervemap.engine.encode import EncodedCase, encode_case
from nervemap.engine.fit import assess_fit
from nervemap.engine.inference import Posterior, infer
from nervemap.engine.plan import build_plan
from nervemap.engine.severity import assess_severity
from nervemap.engine.triage import decide
from nervemap.knowledge.loader import thresholds_of
from nervemap.knowledge.models import EXPERT_ESTIMATE, Number, SiteKind

TOP_CONDITIONS = 10
TOP_SITES = 6
# Entries below this probability are left out of the lists (at least MIN_LISTED are kept): they
# carry no decision and would only lengthen the record a clinician reads.
LISTED_PROBABILITY = 0.001
MIN_LISTED = 3
MIN_WEIGHT = 0.01
BATCH_CHUNK = 4096
Record = dict[str, Any]


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


def _cite(number: Number) -> tuple[str, str | None]:
    if number.source == EXPERT_ESTIMATE:
        return EXPERT_ESTIMATE, number.reason
    return number.source, number.detail


def _split(items: list[Record]) -> Record:
    # Plain records, validated once with the whole Assessment (far cheaper than one model each).
    ranked = sorted(items, key=lambda e: -abs(e["weight"]))
    return {
        "for": [e for e in ranked if e["weight"] > 0],
        "against": [e for e in ranked if e["weight"] < 0],
    }


def _condition_evidence(
    compiled: CompiledKnowledge, c: int, encoded: EncodedCase, site_ll: FloatArray
) -> Record:
    findings = compiled.findings
    scored = np.flatnonzero(encoded.scored_present | encoded.scored_absent)
    chosen = scored[compiled.listed[c, scored]]
    present = encoded.present[chosen]
    weights = np.where(present, compiled.weight_present[c, chosen], compiled.weight_absent[c, chosen])
    items: list[Record] = []
    for f, is_present, weight, p, b in zip(
        chosen.tolist(),
        present.tolist(),
        weights.tolist(),
        compiled.p_present[c, chosen].tolist(),
        compiled.p_reference[c, chosen].tolist(),
        strict=True,
    ):
        if abs(weight) < MIN_WEIGHT:
            continue
        fid = compiled.finding_ids[f]
        source, detail = _cite(compiled.likelihood_numbers[(c, f)])
        items.append(
            dict(
                finding=fid,
                label=findings[fid].clinician,
                status="present" if is_present else "absent",
                weight=round(weight, 4),
                p_if_true=round(p, 4),
                p_reference=round(b, 4),
                source=source,
                detail=detail,
                origin=encoded.origin.get(fid),
            )
        )
    items.extend(_sign_evidence(compiled, c, encoded, site_ll))
    if encoded.observed_present.any() or encoded.observed_absent.any():
        link = compiled.site_given_condition[c]
        none = compiled.none_hypothesis
        fit = float(np.log(np.exp(site_ll - site_ll.max()) @ link) + site_ll.max() - site_ll[none])
        if abs(fit) >= MIN_WEIGHT:
            best = compiled.hypotheses[int(np.argmax(np.log(link + 1e-300) + site_ll))]
            items.append(
                dict(
                    finding="lesion-pattern",
                    label=f"neurological pattern fits this condition's lesion sites (best: {best.name}"
                    f"{', ' + best.side if best.side else ''})",
                    status="present",
                    weight=round(fit, 4),
                    p_if_true=1.0,
                    p_reference=1.0,
                    source="nervemap-localisation",
                    detail="log-likelihood of the exam and pain-map pattern under the condition's "
                    "P(site | condition), relative to no neurological lesion",
                    origin="localisation",
                )
            )
    return _split(items)


def _sign_evidence(
    compiled: CompiledKnowledge, c: int, encoded: EncodedCase, site_ll: FloatArray
) -> list[Record]:
    """Nerve-tension signs, weighed at the condition's most likely lesion site for this case."""
    if not encoded.sign_states.any():
        return []
    n_sites = len(compiled.hypotheses)
    link = compiled.site_given_condition[c]
    best = int(np.argmax(np.log(link + 1e-300) + site_ll))
    items: list[Record] = []
    for row in np.flatnonzero(encoded.sign_states):
        k, state = divmod(int(row), len(SIGN_STATES))
        f = compiled.sign_findings[k]
        fid = compiled.finding_ids[f]
        # the factor is a ratio to the figure's comparator, on the background's scale
        background = compiled.background[f]
        on_scale = np.log1p(-background) if SIGN_STATES[state] == "absent" else np.log(background)
        weight = float(compiled.sign_log_factor[row, c * n_sites + best] - on_scale)
        comparator = compiled.p_reference[c, f]
        reference = 1 - comparator if SIGN_STATES[state] == "absent" else comparator
        log_p = weight + np.log(reference)
        if abs(weight) < MIN_WEIGHT:
            continue
        number = compiled.likelihood_numbers.get(
            (c, f), compiled.knowledge.localisation.tension_sign_outside_territory
        )
        source, detail = _cite(number)
        side = "" if SIGN_STATES[state] in ("any", "absent") else f" ({SIGN_STATES[state]})"
        items.append(
            dict(
                finding=fid,
                label=f"{compiled.findings[fid].clinician}{side}",
                status="absent" if SIGN_STATES[state] == "absent" else "present",
                weight=round(weight, 4),
                p_if_true=round(float(np.exp(log_p)), 4),
                p_reference=round(float(reference), 4),
                source=source,
                detail=f"at {compiled.hypotheses[best].name}"
                + (f" {compiled.hypotheses[best].side}" if compiled.hypotheses[best].side else "")
                + (f"; {detail}" if detail else ""),
                origin=encoded.origin.get(fid),
            )
        )
    return items


def _observation_label(compiled: CompiledKnowledge, key: str) -> str:
    modality, target, side = key.split(":")
    names = {
        "sensory": "sensory change",
        "pain": "pain",
        "weakness": "weakness",
        "reflex": "reduced reflex",
        "reflex-aged": "reduced reflex (age over 60)",
        "imaging": "imaging: compression of root",
        "tension": "positive",
        "umn": "upper motor neuron sign",
        "pattern": "findings",
        "pain-vague": "pain somewhere in the",
        "sensory-vague": "sensory change somewhere in the",
        "sensory-normal": "normal sensation over the whole",
        "weakness-normal": "full power over the whole",
        "kind": "",
    }
    where = f" ({side})" if side not in ("", "None") else ""
    if modality == "kind":  # a finding of its own: its clinician label
        finding = compiled.findings.get(target)
        return f"{finding.clinician if finding else target.replace('_', ' ')}{where}"
    return f"{names[modality]} {target.replace('_', ' ')}{where}".strip()


def _territory_origin(grade_key: str, inside: bool) -> str:
    grade = grade_key.rsplit(":", 1)[-1]
    if grade == "adjacent":
        return "neighbouring root's territory or minor supply"
    if grade == "multi":
        return "in the several-root territory"
    if grade_key.startswith("kind:"):
        return "points to this kind of lesion" if inside else "points to another kind of lesion"
    if grade not in ("in", "out", "none"):
        return "in territory (level-specific figure)"
    return "in territory" if inside else "outside territory"


def _site_evidence(compiled: CompiledKnowledge, h: int, encoded: EncodedCase) -> Record:
    none = compiled.none_hypothesis
    absence = compiled.knowledge.localisation.absence_weight.value
    seen = np.flatnonzero(encoded.observed_present | encoded.observed_absent)
    present = encoded.observed_present[seen]
    log_here, log_none = compiled.loc_log_present[h, seen], compiled.loc_log_present[none, seen]
    weights = np.where(
        present,
        log_here - log_none,
        absence * (compiled.loc_log_absent[h, seen] - compiled.loc_log_absent[none, seen]),
    )
    items: list[Record] = []
    for o, is_present, weight, p_here, p_none, inside, grade in zip(
        seen.tolist(),
        present.tolist(),
        weights.tolist(),
        np.exp(log_here).tolist(),
        np.exp(log_none).tolist(),
        compiled.loc_in_territory[h, seen].tolist(),
        compiled.loc_grade[h, seen].tolist(),
        strict=True,
    ):
        if abs(weight) < MIN_WEIGHT:
            continue
        observation = compiled.observations[o]
        if observation.modality == "pattern":
            source, detail = _cite(compiled.pattern_numbers[h])
        else:
            source, detail = _cite(compiled.loc_numbers[compiled.loc_grade_keys[grade]])
        items.append(
            dict(
                finding=observation.key,
                label=_observation_label(compiled, observation.key),
                status="present" if is_present else "absent",
                weight=round(weight, 4),
                p_if_true=round(p_here, 4),
                p_reference=round(p_none, 4),
                source=source,
                detail=detail,
                origin=_territory_origin(compiled.loc_grade_keys[grade], inside),
            )
        )
    return _split(items)


def _symptom_side(compiled: CompiledKnowledge, encoded: EncodedCase) -> str | None:
    """left, right or bilateral from the sided observations and findings; None when unstated.

    An image is not a symptom: a disc reported without a side marks both sides' roots as
    compressed, which says nothing about the side of the leg that hurts. Imaging gives the side
    only when nothing else does and it points to one side (a left-sided disc is imaged for a
    left-sided complaint).
    """
    seen_sides = [
        (o.modality, o.side)
        for o, seen in zip(compiled.observations, encoded.observed_present, strict=True)
        if seen and o.side in ("left", "right")
    ]
    # a normal examination of a leg is not a symptom there
    sides = {
        side
        for modality, side in seen_sides
        if modality not in ("imaging", WHOLE_LEG_NORMAL, WHOLE_LEG_FULL_POWER)
    }
    for finding_sides in encoded.sides.values():
        sides.update(finding_sides)
    imaged = {side for modality, side in seen_sides if modality == "imaging"}
    if not sides and len(imaged) == 1:
        sides = imaged
    if sides == {"left", "right"}:
        return "bilateral"
    return next(iter(sides)) if len(sides) == 1 else None


def _listed(order: np.ndarray[Any, np.dtype[np.intp]], p: FloatArray, most: int) -> list[int]:
    """The most probable entries, down to LISTED_PROBABILITY, keeping at least MIN_LISTED."""
    chosen = [int(i) for i in order[:most]]
    return [i for rank, i in enumerate(chosen) if rank < MIN_LISTED or p[i] >= LISTED_PROBABILITY]


def _site_order(
    compiled: CompiledKnowledge, site_p: FloatArray, symptom_side: str | None
) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Sites by kind first, then by probability within the kind, then the symptoms' side.

    The question is "is there a root lesion, and at which level?": when a root lesion is likely
    overall but split between two levels (L4 or L5), each level can hold less than "no nerve
    lesion" alone. So the kind with the largest total probability (root, nerve, several roots,
    plexus, polyneuropathy, none...) leads, and its most probable site comes first. When only
    sided findings (not sided regions or examination) were given, left and right sites are equally
    probable: the side of the symptoms then comes first.
    """
    kinds = [h.kind for h in compiled.hypotheses]
    totals: dict[SiteKind, float] = {}
    for kind, p in zip(kinds, site_p.tolist(), strict=True):
        totals[kind] = totals.get(kind, 0.0) + p
    keys = np.round(np.array([totals[kind] for kind in kinds]), 12)
    own = np.round(site_p, 12)
    other_side = np.array(
        [h.side in ("left", "right") and h.side != symptom_side for h in compiled.hypotheses]
    )
    # lexsort sorts by the last key first: kind total, then the site's own probability, then side
    order: np.ndarray[Any, np.dtype[np.intp]] = np.lexsort((other_side, -own, -keys)).astype(np.intp)
    return order


def _name_close_alternatives(
    compiled: CompiledKnowledge,
    localization: list[Record],
    site_order: np.ndarray[Any, np.dtype[np.intp]],
    site_p: FloatArray,
) -> None:
    if not localization or localization[0]["site"] != SiteKind.ROOT:
        return
    lead = compiled.hypotheses[int(site_order[0])]
    neighbours = neighbouring_roots(str(lead.root))
    lead_p = float(site_p[site_order[0]])
    _, close_alternative = localisation_cut_points(compiled)
    localization[0]["possibly"] = [
        str(h.root)
        for h in (compiled.hypotheses[int(i)] for i in site_order[1:6])
        if h.kind == SiteKind.ROOT
        and h.side == lead.side
        and h.root in neighbours
        and float(site_p[compiled.hypothesis_index[h.key]]) >= close_alternative * lead_p
    ]


def _build(
    compiled: CompiledKnowledge,
    case: Case,
    encoded: EncodedCase,
    condition_p: FloatArray,
    site_p: FloatArray,
    site_ll: FloatArray,
    screening_p: FloatArray,
    full_channel: Sequence[tuple[str, FloatArray]] = (),
    concordance: dict[str, Any] | None = None,
) -> Assessment:
    kb = compiled.knowledge
    conditions = compiled.conditions
    findings = compiled.findings
    present_ids = {compiled.finding_ids[f] for f in np.flatnonzero(encoded.present)}

    order = np.argsort(-condition_p, kind="stable")
    differential = [
        dict(
            id=conditions[c].id,
            name=conditions[c].name,
            patient_name=conditions[c].patient_name,
            category=conditions[c].category,
            icd10=list(conditions[c].icd10),
            snomed=list(conditions[c].snomed),
            probability=round(float(condition_p[c]), 6),
            evidence=_condition_evidence(compiled, int(c), encoded, site_ll),
        )
        for c in _listed(order, condition_p, TOP_CONDITIONS)
    ]
    symptom_side = _symptom_side(compiled, encoded)
    site_order = _site_order(compiled, site_p, symptom_side)
    localization: list[Record] = []
    for h in _listed(site_order, site_p, TOP_SITES):
        hypothesis = compiled.hypotheses[h]
        localization.append(
            dict(
                site=hypothesis.kind,
                site_id=hypothesis.site,
                root=hypothesis.root,
                nerve=hypothesis.nerve,
                # without a nerve lesion the side is where the symptoms are (a left knee, say)
                side=symptom_side if hypothesis.kind == SiteKind.NONE else hypothesis.side,
                name=hypothesis.name,
                probability=round(float(site_p[h]), 6),
                evidence=_site_evidence(compiled, int(h), encoded),
            )
        )
    _name_close_alternatives(compiled, localization, site_order, site_p)
    p_spinal = float(condition_p[compiled.spinal].sum())
    threshold = kb.localisation.spinal_threshold.value
    verdict = (
        "spinal" if p_spinal >= threshold else "non-spinal" if p_spinal <= 1 - threshold else "uncertain"
    )

    absent_ids = frozenset(compiled.finding_ids[f] for f in np.flatnonzero(encoded.absent))
    fit = assess_fit(compiled, encoded, condition_p)
    full = [("all findings", [float(x) for x in condition_p])]
    full += [(label, [float(x) for x in p]) for label, p in full_channel]
    triage = decide(
        kb.triage,
        conditions,
        present_ids,
        [float(x) for x in screening_p],
        absent_ids,
        full_posteriors=full,
        fit_adequate=fit.adequate,
    )
    severity = assess_severity(case, present_ids, triage, thresholds_of(kb).severity)
    ranked = [(conditions[c].id, float(condition_p[c])) for c in order]
    concordance = concordance or {"status": "no imaging"}
    plan = build_plan(kb, ranked, severity.grade, case.duration_days, triage.level, concordance["status"])

    used = [
        dict(
            id=fid,
            label=findings[fid].clinician,
            status="present" if encoded.present[compiled.finding_index[fid]] else "absent",
            origin=origin,
            sides=sorted(encoded.sides.get(fid, set())),
        )
        for fid, origin in encoded.origin.items()
    ]
    scored = int(encoded.present.sum() + encoded.absent.sum())
    informative = scored - sum(1 for fid in encoded.origin if findings[fid].category == "demographic")
    enough = informative >= 1 or bool(encoded.observed_present.any())
    notes = list(encoded.notes)
    if concordance["status"] == "discordant" and concordance.get("note"):
        notes.append(f"imaging discordant with the clinical level: {concordance['note']}")
    if not enough:
        notes.append("no clinical finding was given: the differential shows only the base rates")
    return Assessment(
        case_id=case.id,
        source=SourceVerdict(verdict=verdict, p_spinal=round(p_spinal, 6)),
        localization=localization,
        differential=differential,
        triage=triage,
        severity=severity,
        plan=plan,
        findings_used=used,
        fit=fit,
        imaging_concordance=concordance,
        notes=notes,
        enough_information=enough,
        knowledge_version=kb.version,
        nervemap_version=__version__,
    )


def _red_flag_indices(compiled: CompiledKnowledge) -> np.ndarray[Any, np.dtype[np.intp]]:
    return np.array(
        [i for i, fid in enumerate(compiled.finding_ids) if compiled.findings[fid].red_flag],
        dtype=np.intp,
    )


def assess_many(
    cases: Iterable[Case | dict[str, Any]], compiled: CompiledKnowledge | None = None
) -> list[Assessment]:
    """Assess a batch of cases with one pass of matrix products per chunk."""
    compiled = compiled or default_compiled()
    parsed = [c if isinstance(c, Case) else Case.model_validate(c) for c in cases]
    results: list[Assessment] = []
    red_flags = _red_flag_indices(compiled)
    with _collector_paused():
        for start in range(0, len(parsed), BATCH_CHUNK):
            results.extend(_assess_chunk(compiled, parsed[start : start + BATCH_CHUNK], red_flags))
    return results


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A batch allocates many small, acyclic records: cyclic GC passes over them are pure cost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Beyond this many present red flags, only the subsets that leave out one flag, keep one flag or
# keep none are scored (2**n posteriors would be too many); no case in the test sets comes close.
MAX_SUBSET_FLAGS = 8


def _red_flag_subsets(
    compiled: CompiledKnowledge, encoded: EncodedCase, red_flags: np.ndarray[Any, np.dtype[np.intp]]
) -> list[tuple[str, EncodedCase]]:
    """The case with each proper subset of its present red flags (the others unknown).

    Triage takes the most urgent level over these and the full posterior, so that adding a red
    flag can never lower it (engine/triage.py).
    """
    flags = red_flags[encoded.present[red_flags]]
    n = len(flags)
    if n == 0:
        return []
    if n <= MAX_SUBSET_FLAGS:
        kept_sets = [[int(flags[j]) for j in range(n) if mask >> j & 1] for mask in range((1 << n) - 1)]
    else:
        kept_sets = [[], *([int(f)] for f in flags), *([int(g) for g in flags if g != f] for f in flags)]
    out = []
    for kept in kept_sets:
        dropped = np.array([f for f in flags if int(f) not in kept], dtype=np.intp)
        names = ", ".join(compiled.finding_ids[f] for f in kept) or "none"
        out.append((f"red flags counted: {names}", encoded.without(dropped)))
    return out


def _assess_chunk(
    compiled: CompiledKnowledge, chunk: list[Case], red_flags: np.ndarray[Any, np.dtype[np.intp]]
) -> list[Assessment]:
    encoded = [encode_case(case, compiled) for case in chunk]
    posterior = infer_encoded(compiled, encoded)
    imaged = [imaged_roots(compiled, e) for e in encoded]
    with_imaging = [i for i, roots in enumerate(imaged) if roots]
    clinical_sites: dict[int, FloatArray] = {}
    if with_imaging:
        views = [clinical_view(compiled, encoded[i]) for i in with_imaging]
        clinical = infer_encoded(compiled, views).sites
        clinical_sites = {i: clinical[k] for k, i in enumerate(with_imaging)}
    screening = infer_encoded(compiled, [e.without(red_flags) for e in encoded])
    subsets = [_red_flag_subsets(compiled, e, red_flags) for e in encoded]
    flat = [variant for variants in subsets for _, variant in variants]
    subset_p = infer_encoded(compiled, flat).conditions if flat else np.zeros((0, 0))
    channels: list[list[tuple[str, FloatArray]]] = []
    row = 0
    for variants in subsets:
        channels.append([(label, subset_p[row + j]) for j, (label, _) in enumerate(variants)])
        row += len(variants)
    return [
        _build(
            compiled,
            case,
            encoded[i],
            posterior.conditions[i],
            posterior.sites[i],
            posterior.site_loglik[i],
            screening.conditions[i],
            channels[i],
            judge(compiled, imaged[i], clinical_sites.get(i)),
        )
        for i, case in enumerate(chunk)
    ]


def assess(case: Case | dict[str, Any], compiled: CompiledKnowledge | None = None) -> Assessment:
    """Assess one case: source, localisation, differential, triage, severity, plan, evidence."""
    return assess_many([case], compiled)[0]
