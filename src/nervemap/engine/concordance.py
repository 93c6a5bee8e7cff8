"""Imaging concordance: does the compressed root on the scan match the clinical picture?

NICE NG59 (1.3.1) and NASS ask for decompression only when imaging findings are consistent with
the clinical signs, and asymptomatic compression is common (Brinjikji 2015). So the clinical level
is judged without the scan — the localisation posterior with every imaging observation and imaging
finding made unknown — and then compared with the roots the scan shows compressed:

- ``concordant``: a clinically likely root (the leading one, or its close alternative on the same
  side) is among the imaged roots on that side;
- ``discordant``: the clinical picture localises to a root or roots the scan does not show;
- ``indeterminate``: the clinical picture does not localise to a root on its own;
- ``no imaging``: the case has no imaging of the lumbar roots.

Discordance is a visible warning; the site posterior that uses the scan is never silently merged
with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from nervemap.engine.compiled import (
    SIDES,
    UNSTATED,
    CompiledKnowledge,
    FloatArray,
    held,
    neighbouring_roots,
)
from nervemap.engine.encode import IMAGING_FINDING, EncodedCase
from nervemap.engine.ties import TOLERANCE, tie_order
from nervemap.knowledge.loader import thresholds_of
from nervemap.knowledge.models import SiteKind

Status = Literal["concordant", "discordant", "indeterminate", "no imaging"]
# a one-sided clinical picture whose left and right tie: nothing in the case gives the side
EITHER_SIDE = "either"


def localisation_cut_points(compiled: CompiledKnowledge) -> tuple[float, float]:
    """(localised probability, close-alternative fraction) from the knowledge base's thresholds.

    A clinical root is "localised" when it holds at least the first share of the site posterior,
    and a close alternative counts when it reaches the second fraction of the leading root's
    probability (also the fraction at which the localisation names it: "L5, possibly S1").
    thresholds.yaml gives both with their reasons (policy thresholds, not clinical figures).
    """
    cut = thresholds_of(compiled.knowledge).localisation
    return cut.localised_probability.value, cut.close_alternative.value


def imaged_roots(compiled: CompiledKnowledge, encoded: EncodedCase) -> list[tuple[str, str]]:
    """(root, side) pairs the scan shows compressed, in the knowledge base's root order."""
    seen = [
        compiled.observations[o]
        for o in np.flatnonzero(encoded.observed_present)
        if compiled.observations[o].modality == "imaging"
    ]
    # a root imaged without its side may be compressed on either side
    return [(o.target, side) for o in seen for side in (SIDES if o.side == UNSTATED else (str(o.side),))]


def clinical_view(compiled: CompiledKnowledge, encoded: EncodedCase) -> EncodedCase:
    """The case with its imaging made unknown: what the history and examination say alone."""
    imaging_observations = np.array([o.modality == "imaging" for o in compiled.observations], dtype=bool)
    imaging_findings = np.array(
        [compiled.finding_index[f] for f in IMAGING_FINDING.values() if f in compiled.finding_index],
        dtype=np.intp,
    )
    view = encoded.without(imaging_findings)
    view.observed_present = encoded.observed_present & ~imaging_observations
    view.observed_absent = encoded.observed_absent & ~imaging_observations
    # the imaging-kind rows of the sign states are the scan too (engine/core.py Tables.clinical_signs)
    signs = encoded.sign_states.copy()
    signs[list(compiled.imaging_state_index.values())] = False
    view.sign_states = signs
    return view


class _SiteKinds:
    """What :func:`_clinical_roots` reads of the knowledge base on every call, read once per compile."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        self.localised, self.close_alternative = localisation_cut_points(compiled)
        kinds = [h.kind for h in compiled.hypotheses]
        self.is_root = [kind == SiteKind.ROOT for kind in kinds]
        self.is_several = [kind == SiteKind.MULTI_ROOT for kind in kinds]
        # each site's twin on the other side (-1: none)
        index = {(h.site, h.side): i for i, h in enumerate(compiled.hypotheses)}
        other = {"left": "right", "right": "left"}
        self.mirror = [
            index.get((h.site, other[str(h.side)]), -1) if h.side in other else -1
            for h in compiled.hypotheses
        ]


def _site_kinds(compiled: CompiledKnowledge) -> _SiteKinds:
    """What the clinical level is judged with: cut points, root and several-root sites, twins."""
    known: _SiteKinds = held(compiled, "concordance_site_kinds", _SiteKinds)
    return known


def _clinical_roots(
    compiled: CompiledKnowledge, site_p: FloatArray, order: list[int] | None = None
) -> tuple[list[tuple[str, str, float]], str | None]:
    """Clinically likely (root, side, p): the leading root and its close alternatives.

    The picture localises to a root when the leading root holds the localised probability or
    root lesions together are more likely than not (a root lesion split between two levels).
    ``order``: the sites in the order below when the caller has it (a batch sorts all its rows at
    once with engine/ties.tie_orders).
    """
    kinds = _site_kinds(compiled)
    localised, close_alternative, is_root, is_several = (
        kinds.localised,
        kinds.close_alternative,
        kinds.is_root,
        kinds.is_several,
    )
    # ordered by the one tie rule the localisation uses, so that a left/right tie does not follow the
    # batch size (tie_order: the order of np.argsort(-tie_keys(site_p), kind="stable"))
    if order is None:
        order = tie_order(site_p.tolist())
    hypotheses = compiled.hypotheses
    several = [h for h in order if is_several[h]]
    roots = [h for h in order if is_root[h]]
    root_total = float(site_p[roots].sum()) if roots else 0.0
    several_total = float(site_p[several].sum()) if several else 0.0
    if several and several_total > max(root_total, 0.5 * localised):
        lead_several = hypotheses[several[0]]
        if lead_several.side in SIDES and several_total >= localised:
            twin = kinds.mirror[several[0]]
            if twin >= 0 and abs(float(site_p[twin]) - float(site_p[several[0]])) <= TOLERANCE:
                return [], EITHER_SIDE  # several roots, the side not stated: an imaged root on either fits
            return [], str(lead_several.side)  # several roots on one side: any imaged root there fits
    if not roots:
        return [], None
    lead = roots[0]
    lead_p = float(site_p[lead])
    if lead_p < localised and root_total < 0.5:
        return [], None
    side = hypotheses[lead].side
    twin = kinds.mirror[lead]
    # Left and right tied: the history and examination state no side (a tie broken by index would
    # call a scan on the other side discordant), so each likely root is likely on either side.
    sides = SIDES if twin >= 0 and abs(float(site_p[twin]) - lead_p) <= TOLERANCE else (side,)
    likely = [
        (str(hypotheses[h].root), str(hypotheses[h].side), float(site_p[h]))
        for h in roots[:12]
        if hypotheses[h].side in sides and float(site_p[h]) >= close_alternative * lead_p
    ]
    return likely, None


def judge(
    compiled: CompiledKnowledge,
    imaged: Sequence[tuple[str, str]],
    clinical_site_p: FloatArray | None,
    clinical_order: list[int] | None = None,
) -> dict[str, Any]:
    """The concordance record of the output contract (``Assessment.imaging_concordance``);
    ``clinical_order``: the clinical sites' tie order when the caller has it (see _clinical_roots)."""
    if not imaged or clinical_site_p is None:
        return {"status": "no imaging", "clinical": [], "imaging": [], "note": None}
    imaging = [{"root": root, "side": side} for root, side in imaged]
    roots, several_side = _clinical_roots(compiled, clinical_site_p, clinical_order)
    clinical = [{"root": r, "side": s, "probability": round(p, 4)} for r, s, p in roots]
    shown = ", ".join(f"{root} ({side})" for root, side in imaged)
    if several_side is not None:
        match = several_side == EITHER_SIDE or any(side == several_side for _, side in imaged)
        status: Status = "concordant" if match else "discordant"
        where = "(side not stated)" if several_side == EITHER_SIDE else f"on the {several_side}"
        note = f"the clinical picture involves several roots {where}; imaging shows compression of {shown}"
        return {"status": status, "clinical": clinical, "imaging": imaging, "note": note}
    if not roots:
        return {
            "status": "indeterminate",
            "clinical": [],
            "imaging": imaging,
            "note": f"imaging shows compression of {shown}, but the history and examination do not "
            "point to a root on their own: correlate clinically before acting on the scan",
        }
    lead_root, lead_side, _ = roots[0]
    # an unsided clinical picture lists its roots on both sides (see _clinical_roots)
    clinical_sides = {s for r, s, _ in roots if r == lead_root}
    unsided = len(clinical_sides) > 1
    matched = [(r, s) for r, s, _ in roots if (r, s) in set(imaged)]
    if matched:
        root, side = matched[0]
        close = "" if root == lead_root else f" (the close alternative to {lead_root})"
        unstated = " (the history and examination do not say which side)" if unsided else ""
        return {
            "status": "concordant",
            "clinical": clinical,
            "imaging": imaging,
            "note": f"imaging shows compression of {root} ({side}){close}, matching the clinical picture"
            f"{unstated}",
        }
    neighbour = [
        (root, side)
        for root, side in imaged
        if side in clinical_sides and root in neighbouring_roots(lead_root)
    ]
    if neighbour:
        root, side = neighbour[0]
        return {
            "status": "concordant",
            "clinical": clinical,
            "imaging": imaging,
            "note": f"imaging shows compression of {root} ({side}), the neighbour of the clinical level "
            f"{lead_root}: neighbouring roots' signs overlap and the clinical level is imprecise "
            "(Iversen 2013), so this is taken as consistent; check the dermatome and myotome against "
            "the scan before any surgery",
        }
    return {
        "status": "discordant",
        "clinical": clinical,
        "imaging": imaging,
        "note": f"the clinical picture points to {lead_root} ({'side not stated' if unsided else lead_side})"
        f" but imaging shows compression "
        f"of {shown}: imaging findings are common without symptoms; consider decompression only when "
        "imaging is consistent with the clinical signs (NICE NG59) — re-examine, and consider "
        "electrodiagnosis or a selective nerve root block before any surgery",
    }
