"""The knowledge base compiled once into arrays, so cases are scored as matrix products.

Conditions: ``weight_present[c, f]`` and ``weight_absent[c, f]`` are the log likelihood ratios the
engine applies for a present and an absent finding, equal to the published ratios (the comparator
of each (condition, finding) pair is the one its source measured against; see
``knowledge.validator.applied_likelihood``). A finding a condition does not list has ratio 1.
Lesion sites: every root and nerve on each side, plus the special sites; observations are
(region, side) sensory and pain marks, (movement, side) weakness, (reflex, side) loss,
imaging compression of (root, side) and upper-motor-neuron signs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from nervemap.knowledge import vocabulary
from nervemap.knowledge.loader import LoadedKnowledge, default_knowledge
from nervemap.knowledge.models import (
    EXPERT_ESTIMATE,
    LOCALISABLE_ROOTS,
    Condition,
    Finding,
    KnowledgeBase,
    LocalisationModel,
    Number,
    Region,
    RegionGroup,
    Root,
    SiteKind,
    TensionSign,
)
from nervemap.knowledge.validator import AppliedLikelihood, applied_likelihood

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")
SIDES: tuple[str, str] = vocabulary.SIDES
# Notes often say "weak dorsiflexion" or "numb foot" without a side: such an observation still
# points to a lesion's territory, on whichever side the lesion is.
UNSTATED = "unstated"
OBSERVED_SIDES: tuple[str, ...] = (*SIDES, UNSTATED)
# How a nerve-tension sign was observed: positive on the left, on the right, positive with no side
# given, or negative.
SIGN_STATES: tuple[str, ...] = ("left", "right", "any", "absent")
# How an imaged root was shown compressed (engine/encode imaging_state_rows): by a disc only, or only by
# another kind (stenosis, listhesis, cauda equina compression). A root a disc and a stenosis both press
# is neither: each condition finds its own kind there.
IMAGING_DISC = "disc-herniation"
IMAGING_STATE_KINDS: tuple[str, ...] = ("disc-only", "other-only")
# The rows of sign_log_factor are summed into one code per case (2 ** row) to group cases that share
# a link matrix (engine/inference): a float64 holds such a code exactly up to 53 rows.
MAX_LINK_STATES = 53
# "Sensation is normal" and "power is full" over a whole leg (engine.encode): one observation
# per side each.
WHOLE_LEG_NORMAL = "sensory-normal"
WHOLE_LEG_FULL_POWER = "weakness-normal"
WHOLE_LEG_WEAK = "weakness-vague"  # every key movement of a leg given one weak grade: one observation
# A leg named with its side as the place of a symptom or of weakness (a "-vague" observation on that
# side): one observation per side that this leg is a symptomatic one, so that the no-lesion site's
# chance of one given leg being the painful one counts once, not once per part of the leg named.
ONE_LEG = "one-leg"


def whole_leg_regions(kb: KnowledgeBase) -> list[str]:
    """The one-sided regions a whole-leg sensory examination covers (not the back or saddle)."""
    return [
        r.id
        for r in kb.anatomy.regions
        if r.lateral and r.group not in (RegionGroup.BACK, RegionGroup.PERINEUM)
    ]


@dataclass(frozen=True)
class Hypothesis:
    """A lesion site on a side (or both): the unit of localisation."""

    key: str  # e.g. "root:L5:left", "nerve:common_fibular:right", "site:cauda_equina"
    kind: SiteKind
    name: str
    root: str | None
    nerve: str | None
    side: str | None  # left, right, bilateral or None (no lesion)
    site: str  # the knowledge-base site id without side, e.g. "root:L5"


@dataclass(frozen=True)
class Observation:
    """One thing that can be seen about a lesion: a region, movement, reflex or image."""

    key: str
    modality: str  # sensory, pain, weakness, reflex, imaging, umn
    target: str  # region, movement, reflex or root id
    side: str | None


@dataclass
class CompiledKnowledge:
    knowledge: KnowledgeBase
    finding_ids: list[str]
    finding_index: dict[str, int]
    condition_ids: list[str]
    condition_index: dict[str, int]
    background: FloatArray  # (F,)
    p_present: FloatArray  # (C, F) P(f | c)
    p_reference: FloatArray  # (C, F) P(f | comparator of the (c, f) figure); background if unlisted
    weight_present: FloatArray  # (C, F) log P(f | c) / P(f | comparator): the applied log LR+
    weight_absent: FloatArray  # (C, F) the applied log LR- (explicit floors only)
    log_present: FloatArray  # (C, F) weight_present + log background: ratios on one common scale
    log_absent: FloatArray  # (C, F) weight_absent + log(1 - background)
    likelihood_numbers: dict[tuple[int, int], Number]  # (c, f) -> the cited number
    applied: dict[tuple[int, int], AppliedLikelihood]  # (c, f) -> how the cited numbers are applied
    log_prior: dict[str, FloatArray]  # setting -> (C,)
    spinal: npt.NDArray[np.bool_]  # (C,)
    hypotheses: list[Hypothesis]
    hypothesis_index: dict[str, int]
    observations: list[Observation]
    observation_index: dict[str, int]
    site_given_condition: FloatArray  # (C, H)
    loc_log_present: FloatArray  # (H, O)
    loc_log_absent: FloatArray  # (H, O)
    loc_numbers: dict[str, Number]  # modality/in|out -> number
    loc_in_territory: npt.NDArray[np.bool_]  # (H, O)
    loc_grade: npt.NDArray[np.int16]  # (H, O) index into loc_grade_keys: which number applies
    loc_grade_keys: list[str]  # keys of loc_numbers, e.g. "weakness:in", "pain:adjacent"
    pattern_numbers: list[Number]  # (H,) the cited P(one-sided pattern | site)
    none_hypothesis: int
    sign_findings: list[int]  # finding index of each nerve-tension sign (SLR, femoral stretch...)
    sign_log_factor: FloatArray  # (K * len(SIGN_STATES), C * H) log P(sign state | c, h)
    exclusive_groups: dict[str, list[int]] = field(default_factory=dict)
    # (kind of imaging state, root, side) -> its row in sign_log_factor and in each case's sign_states,
    # after the nerve-tension sign rows
    imaging_state_index: dict[tuple[str, str, str], int] = field(default_factory=dict)
    # setting -> prior mass of causes the knowledge base does not model (reported, not scored)
    not_modelled: dict[str, float] = field(default_factory=dict)

    @functools.cached_property
    def findings(self) -> dict[str, Finding]:
        return {f.id: f for f in self.knowledge.findings}

    @functools.cached_property
    def conditions(self) -> list[Condition]:
        return list(self.knowledge.conditions)

    @functools.cached_property
    def listed(self) -> npt.NDArray[np.bool_]:
        """(C, F): the condition's file gives this finding a likelihood of its own."""
        mask = np.zeros(self.p_present.shape, dtype=bool)
        for c, f in self.likelihood_numbers:
            mask[c, f] = True
        return mask

    @functools.cached_property
    def regions(self) -> dict[str, Region]:
        return {r.id: r for r in self.knowledge.anatomy.regions}

    @functools.cached_property
    def movement_ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.knowledge.anatomy.movements)

    @functools.cached_property
    def reflex_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.knowledge.anatomy.reflexes)

    @functools.cached_property
    def derived_findings(self) -> list[Finding]:
        return [f for f in self.knowledge.findings if f.derive is not None]


def held(compiled: CompiledKnowledge, name: str, build: Callable[[CompiledKnowledge], T]) -> T:
    """A value derived from the compiled knowledge by another part (the plan's step index, the FHIR
    code index, the interview's tables), built once and kept on that object (in its ``__dict__``,
    where ``functools.cached_property`` keeps the tables above), so it lives and dies with the
    knowledge base it was built from: no process-wide table keyed by ``id()``. Kept as ``_<name>``:
    each part prefixes its names (``plan_``, ``interop_``, ``interview_``)."""
    store = compiled.__dict__
    key = _HELD_KEYS.get(name)
    if key is None:
        key = _HELD_KEYS[name] = f"_{name}"
    value = store.get(key, _NOT_HELD)
    if value is _NOT_HELD:
        value = store[key] = build(compiled)
    return value  # type: ignore[no-any-return]  # (typing.cast is a Python call: ~10 an assessment)


# each held name's key, made once (held is called about ten times an assessment)
_HELD_KEYS: dict[str, str] = {}
_NOT_HELD = object()


def _hypotheses(kb: KnowledgeBase) -> list[Hypothesis]:
    hypotheses: list[Hypothesis] = []
    roots = {r.id for r in kb.anatomy.roots}
    for root in LOCALISABLE_ROOTS:
        if root not in roots:
            continue
        for side in SIDES:
            hypotheses.append(
                Hypothesis(
                    f"root:{root}:{side}",
                    SiteKind.ROOT,
                    f"{root} root",
                    root,
                    None,
                    side,
                    f"root:{root}",
                )
            )
    for nerve in kb.anatomy.nerves:
        for side in SIDES:
            hypotheses.append(
                Hypothesis(
                    f"nerve:{nerve.id}:{side}",
                    SiteKind.PERIPHERAL_NERVE,
                    nerve.name,
                    None,
                    nerve.id,
                    side,
                    f"nerve:{nerve.id}",
                )
            )
    for site in kb.anatomy.sites:
        if site.bilateral:
            both: str | None = None if site.kind == SiteKind.NONE else "bilateral"
            hypotheses.append(
                Hypothesis(f"site:{site.id}", site.kind, site.name, None, None, both, f"site:{site.id}")
            )
        # a one-sided site, or a both-sided one that often presents on one side only (its
        # one-sided variants keep their findings to that side)
        if not site.bilateral or site.one_sided_share is not None:
            hypotheses.extend(
                Hypothesis(
                    f"site:{site.id}:{side}", site.kind, site.name, None, None, side, f"site:{site.id}"
                )
                for side in SIDES
            )
    return hypotheses


def _observations(kb: KnowledgeBase) -> list[Observation]:
    observations: list[Observation] = []
    for modality in ("sensory", "pain"):
        for region in kb.anatomy.regions:
            sides: tuple[str | None, ...] = OBSERVED_SIDES if region.lateral else (None,)
            for side in sides:
                observations.append(Observation(f"{modality}:{region.id}:{side}", modality, region.id, side))
        # a part of the leg named without its aspect ("pain in the thigh"), or two neighbouring
        # aspects named together: somewhere in the set
        for group in kb.localisation.symptom_groups:
            for side in OBSERVED_SIDES:
                observations.append(
                    Observation(f"{modality}-vague:{group}:{side}", f"{modality}-vague", group, side)
                )
    # a normal sensory examination of a whole leg: one observation, not one absence per region
    for side in OBSERVED_SIDES:
        observations.append(Observation(f"{WHOLE_LEG_NORMAL}:leg:{side}", WHOLE_LEG_NORMAL, "leg", side))
        observations.append(
            Observation(f"{WHOLE_LEG_FULL_POWER}:leg:{side}", WHOLE_LEG_FULL_POWER, "leg", side)
        )
        observations.append(Observation(f"{WHOLE_LEG_WEAK}:leg:{side}", WHOLE_LEG_WEAK, "leg", side))
    for movement in kb.anatomy.movements:
        for side in OBSERVED_SIDES:
            observations.append(Observation(f"weakness:{movement.id}:{side}", "weakness", movement.id, side))
    # a finding that names the kind of lesion (a root) but not its level: per side it was seen on
    for item in kb.localisation.site_kind_findings:
        for side in OBSERVED_SIDES:
            observations.append(Observation(f"kind:{item.finding}:{side}", "kind", item.finding, side))
    aged = kb.localisation.age_related_reflex_loss
    for reflex in kb.anatomy.reflexes:
        for side in OBSERVED_SIDES:
            observations.append(Observation(f"reflex:{reflex.id}:{side}", "reflex", reflex.id, side))
            if aged is not None and reflex.id in aged.reflexes:
                # the same reflex in an older person: a separate column with an age-related rate
                observations.append(
                    Observation(f"reflex-aged:{reflex.id}:{side}", "reflex-aged", reflex.id, side)
                )
    for root in LOCALISABLE_ROOTS:
        # a compressed root reported without its side is one observation, not one per side
        for side in OBSERVED_SIDES:
            observations.append(Observation(f"imaging:{root}:{side}", "imaging", root, side))
    observations.append(Observation("umn::", "umn", "", None))
    # that a given leg is a symptomatic one: once per side, however many parts of it are named
    for side in SIDES:
        observations.append(Observation(f"{ONE_LEG}:leg:{side}", ONE_LEG, "leg", side))
    if kb.localisation.unilateral_pattern_with_one_sided_lesion is not None:
        # whether the sided findings keep to one side: one-sided lesions say yes, symmetric ones no
        observations.append(Observation("pattern:unilateral:", "pattern", "unilateral", None))
        observations.append(Observation("pattern:bilateral:", "pattern", "bilateral", None))
    return observations


def _territories(kb: KnowledgeBase, hypothesis: Hypothesis) -> dict[str, set[str]]:
    """Regions / movements / reflexes / roots a hypothesis explains, by modality (side-free)."""
    modalities = (
        "sensory",
        "pain",
        "weakness",
        "reflex",
        "reflex-aged",
        "imaging",
        "umn",
        "tension",
        "pattern",
    )
    empty: dict[str, set[str]] = {m: set() for m in modalities}
    for sign in kb.localisation.tension_signs:
        if (
            (hypothesis.root and hypothesis.root in sign.roots)
            or (hypothesis.nerve and hypothesis.nerve in sign.nerves)
            or hypothesis.site in {f"site:{s}" for s in sign.sites}
        ):
            empty["tension"].add(sign.finding)
    if hypothesis.root:
        root = next(r for r in kb.anatomy.roots if r.id == hypothesis.root)
        empty["sensory"] = set(root.dermatome)
        empty["pain"] = set(root.pain) | set(root.dermatome)
        # the key myotome from the root's own list and every movement it supplies as a main root
        empty["weakness"] = set(root.movements) | {m.id for m in kb.anatomy.movements if root.id in m.roots}
        empty["reflex"] = empty["reflex-aged"] = set(root.reflexes) | {
            r.id for r in kb.anatomy.reflexes if root.id in r.roots
        }
        empty["imaging"] = {root.id}
    elif hypothesis.nerve:
        nerve = next(n for n in kb.anatomy.nerves if n.id == hypothesis.nerve)
        empty["sensory"] = set(nerve.cutaneous)
        empty["pain"] = set(nerve.pain) | set(nerve.cutaneous)
        empty["weakness"] = set(nerve.movements)
        empty["reflex"] = empty["reflex-aged"] = set(nerve.reflexes)
    else:
        site = next(s for s in kb.anatomy.sites if hypothesis.site == f"site:{s.id}")
        empty["sensory"] = set(site.sensory) | set(site.midline_sensory)
        empty["pain"] = set(site.pain) | set(site.sensory)
        empty["weakness"] = set(site.movements)
        empty["reflex"] = empty["reflex-aged"] = set(site.reflexes)
        if site.imaging_roots:  # anatomy/sites.yaml: the roots an image of this site compresses
            empty["imaging"] = set(site.imaging_roots)
        if site.upper_motor_neuron:
            empty["umn"] = {""}
    return empty


def _aged_reflex_rates(model: LocalisationModel) -> tuple[Number, Number]:
    """Loss rates for a reflex in an older person: the lesion's effect or age, whichever acts."""
    aged = model.age_related_reflex_loss
    if aged is None:
        return model.reflex_loss_in_territory, model.reflex_loss_outside_territory
    outside = 1 - (1 - model.reflex_loss_outside_territory.value) * (1 - aged.rate.value)
    derived = f"combined with age-related loss {aged.rate.value:g} ({aged.rate.source})"
    # outside the territory age is the cause, so the age figure is the source
    return (
        _with_age(model.reflex_loss_in_territory, aged.rate),
        Number(value=outside, source=aged.rate.source, detail=derived),
    )


def _pattern_numbers(kb: KnowledgeBase, hypotheses: list[Hypothesis]) -> list[Number]:
    """P(every sided finding on one side | site): a site's own figure, else the one-sided rate."""
    one_sided = kb.localisation.unilateral_pattern_with_one_sided_lesion
    if one_sided is None:
        return []
    own = {f"site:{s.id}": s.unilateral_pattern for s in kb.anatomy.sites if s.unilateral_pattern}
    return [one_sided if h.side in SIDES else (own.get(h.site) or one_sided) for h in hypotheses]


def _variant_shares(kb: KnowledgeBase, hypotheses: list[Hypothesis]) -> list[float]:
    """How a site's P(site | condition) splits over its variants (sides, both-sided)."""
    one_sided = {f"site:{s.id}": s.one_sided_share.value for s in kb.anatomy.sites if s.one_sided_share}
    counts: dict[str, int] = {}
    for h in hypotheses:
        counts[h.site] = counts.get(h.site, 0) + 1
    shares: list[float] = []
    for h in hypotheses:
        share = one_sided.get(h.site)
        if share is None:
            shares.append(1.0 / counts[h.site])
        else:
            shares.append(share / 2 if h.side in SIDES else 1.0 - share)
    return shares


def _applies_to_side(hypothesis: Hypothesis, side: str | None) -> bool:
    if side is None:  # midline regions and global signs
        return True
    if side == UNSTATED:
        return hypothesis.side is not None
    return hypothesis.side in (side, "bilateral")


def _sign_factors(
    kb: KnowledgeBase,
    hypotheses: list[Hypothesis],
    territories: list[dict[str, set[str]]],
    p_present: FloatArray,
    p_reference: FloatArray,
    background: FloatArray,
    signs: list[TensionSign],
    sign_findings: list[int],
    outside_rate: float,
) -> FloatArray:
    """log P(sign state | condition, site) / P(sign state | comparator) for every tension sign.

    A straight-leg raise tests the L4-S2 roots and the sciatic nerve, a femoral stretch L2-L4: a
    condition's published rate for a sign holds when its lesion sits in the sign's territory on
    that side, and falls to the outside rate elsewhere (an L3 disc rarely gives a positive SLR).
    Without a nerve lesion the condition's own rate applies. Each rate is read against the
    comparator of the condition's figure (so the published ratio is the one applied in
    territory) and put on the background's scale, like ``log_present``.
    """
    n_conditions, n_sites = p_present.shape[0], len(hypotheses)
    factors = np.zeros((len(sign_findings) * len(SIGN_STATES), n_conditions, n_sites))
    for k, (sign, f) in enumerate(zip(signs, sign_findings, strict=True)):
        rate = p_present[:, f]
        # a sign on the side of a lesion elsewhere is no likelier than in the comparison group of
        # the condition's figure (crossed SLR: comparator 0.12 is below the pooled outside rate 0.2)
        outside = np.minimum(np.minimum(rate, outside_rate), p_reference[:, f])
        # the sign's own level-specific rate, where given, for a lesion in its territory
        in_rate = rate if sign.in_territory is None else np.full_like(rate, sign.in_territory.value)
        ref, bg = p_reference[:, f], background[f]
        for h, hypothesis in enumerate(hypotheses):
            inside = sign.finding in territories[h]["tension"]
            if hypothesis.kind == SiteKind.NONE:
                by_state = {"left": rate, "right": rate, "any": rate}
            else:
                by_state = {
                    side: in_rate if inside and hypothesis.side in (side, "bilateral") else outside
                    for side in SIDES
                }
                by_state["any"] = in_rate if inside else outside
            for s, state in enumerate(SIGN_STATES):
                if state == "absent":
                    value = np.log((1.0 - by_state["any"]) / (1.0 - ref)) + np.log1p(-bg)
                else:
                    value = np.log(by_state[state] / ref) + np.log(bg)
                factors[k * len(SIGN_STATES) + s, :, h] = value
    return factors.reshape(len(sign_findings) * len(SIGN_STATES), n_conditions * n_sites)


def _imaging_factors(
    kb: KnowledgeBase,
    conditions: list[Condition],
    hypotheses: list[Hypothesis],
    territories: list[dict[str, set[str]]],
    numbers: dict[str, Number],
    budget: int,
) -> tuple[list[tuple[str, str, str]], FloatArray]:
    """log P(image | condition, site) / P(image | site) for a root shown compressed by one kind only.

    The site model scores an imaged root at the compression rate for a lesion there and at the
    incidental rate elsewhere, whatever the condition. A report names the kind of lesion, though: a
    disc shown pressing the L2 root is what a disc herniation at L2 looks like, not a foraminal
    stenosis there, under which the disc is an incidental finding at that root. So, for a condition
    whose lesion is reported as other kinds (localisation.yaml imaging_kinds_shown), a site that
    covers the imaged root takes the incidental rate instead of the compression rate; conditions
    not listed keep the site's rate. At most ``budget`` rows (MAX_LINK_STATES less the sign rows):
    a knowledge base whose listed conditions press more roots than fit is refused at compile time,
    never silently scored with some roots left out.
    """
    model = kb.localisation
    shown = model.imaging_kinds_shown
    # the roots a listed condition can press (its sites): elsewhere the image is incidental anyway
    listed = {
        f"root:{r}" for c in conditions if c.id in shown for w in c.sites for r in [w.site.split(":")[-1]]
    }
    roots = [r for r in LOCALISABLE_ROOTS if f"root:{r}" in listed and any(h.root == r for h in hypotheses)]
    per_root = len(IMAGING_STATE_KINDS) * len(OBSERVED_SIDES)
    if len(roots) * per_root > budget:
        raise ValueError(
            f"localisation.yaml imaging_kinds_shown: the listed conditions press {len(roots)} roots "
            f"({', '.join(roots)}), {len(roots) * per_root} link rows, but only {max(budget, 0)} fit one "
            f"exact link code per case (MAX_LINK_STATES {MAX_LINK_STATES} less the tension-sign rows)"
        )
    states = [(kind, root, side) for kind in IMAGING_STATE_KINDS for root in roots for side in OBSERVED_SIDES]
    factors = np.zeros((len(states), len(conditions), len(hypotheses)))
    compression = model.imaging_compression_of_root.value
    for row, (kind, root, side) in enumerate(states):
        incidental = numbers.get(f"imaging:out:{root}", model.imaging_compression_elsewhere).value
        for c, condition in enumerate(conditions):
            kinds = shown.get(condition.id)
            if kinds is None:
                continue
            other = [k for k in kinds if k != IMAGING_DISC]
            if (IMAGING_DISC in kinds) if kind == "disc-only" else bool(other):
                continue  # the image shows this condition's own kind of lesion
            for h, hypothesis in enumerate(hypotheses):
                if root in territories[h]["imaging"] and _applies_to_side(hypothesis, side):
                    factors[row, c, h] = np.log(incidental / compression)
    return states, factors.reshape(len(states), len(conditions) * len(hypotheses))


@dataclass
class _SiteTable:
    """The (site, observation) tables being filled: which number applies, its value, territory.

    ``grade`` indexes ``keys``, and ``numbers`` holds the number of each key: ``add`` keeps the
    two in step.
    """

    probability: FloatArray  # (H, O) P(observation | site)
    in_territory: npt.NDArray[np.bool_]  # (H, O)
    grade: npt.NDArray[np.int16]  # (H, O) index into keys
    keys: list[str]
    numbers: dict[str, Number]

    def add(self, key: str, number: Number) -> int:
        """Register a number under a new key; its index for ``grade``."""
        self.numbers[key] = number
        self.keys.append(key)
        return len(self.keys) - 1


def _vague_observations(
    kb: KnowledgeBase,
    observations: list[Observation],
    observation_index: dict[str, int],
    table: _SiteTable,
) -> None:
    """P(symptom somewhere in a set of regions | site) = 1 - Π (1 - P(region | site))."""
    model = kb.localisation
    movements = [m.id for m in kb.anatomy.movements]
    for base, number in (
        ("pain", model.pain_in_territory),
        ("sensory", model.sensory_in_territory),
        ("weakness", model.weakness_in_territory),
    ):
        combined = (
            Number(
                value=number.value,
                source=number.source,
                detail="somewhere in a part of the leg named without its aspect (for weakness: every key "
                "movement of the leg given one grade): 1 - Π(1 - p) over its regions' or movements' own "
                "rates for the site",
            )
            if number.source != EXPERT_ESTIMATE
            else Number(
                value=number.value,
                source=EXPERT_ESTIMATE,
                reason=f"{number.reason}; combined over the regions of a part named without its aspect",
            )
        )
        index = table.add(f"{base}:vague", combined)
        for o, observation in enumerate(observations):
            if observation.modality != f"{base}-vague":
                continue
            targets = movements if base == "weakness" else model.symptom_groups[observation.target]
            members = [observation_index[f"{base}:{target}:{observation.side}"] for target in targets]
            table.probability[:, o] = 1.0 - np.prod(1.0 - table.probability[:, members], axis=1)
            table.in_territory[:, o] = table.in_territory[:, members].any(axis=1)
            table.grade[:, o] = index


# A symptom somewhere in a part of the other leg (a part named without its aspect: "the leg", "the thigh").
_OPPOSITE_LEG_MODALITIES = frozenset({"pain-vague", "sensory-vague", "weakness-vague"})
# the observations that name a leg as the place of a symptom or weakness (ONE_LEG; engine/encode)
ONE_LEG_PARTS = tuple(sorted(_OPPOSITE_LEG_MODALITIES))


def _opposite_leg_observations(
    kb: KnowledgeBase,
    hypotheses: list[Hypothesis],
    observations: list[Observation],
    table: _SiteTable,
) -> None:
    """P(a symptom somewhere in a part of the other leg | one-sided lesion): at most the rate of any
    finding on the other side.

    1 - unilateral_pattern_with_one_sided_lesion is how often a one-sided lesion shows anything on the
    other side, so "pain somewhere in the left leg" cannot be likelier with a right-sided lesion. The
    outside-territory rates are per region (referred and overlapping pain, examiner error): combined
    over the 22 regions of "the leg" as if independent they made that observation 0.94 likely with a
    right-sided root lesion, against about 1 for a left one, so the side of a whole-leg pain was lost.
    A single region keeps its own outside rate.
    """
    one_sided = kb.localisation.unilateral_pattern_with_one_sided_lesion
    if one_sided is None:
        return
    cap = 1.0 - one_sided.value
    how = f"a finding in the other leg of a one-sided lesion: 1 - {one_sided.value:g} (one-sided pattern)"
    index = table.add("opposite-leg", _derived_number(cap, one_sided, how))
    for o, observation in enumerate(observations):
        if observation.modality not in _OPPOSITE_LEG_MODALITIES or observation.side not in SIDES:
            continue
        for h, hypothesis in enumerate(hypotheses):
            other_leg = hypothesis.side in SIDES and hypothesis.side != observation.side
            if other_leg and table.probability[h, o] > cap:
                table.probability[h, o] = cap
                table.grade[h, o] = index


def _derived_number(value: float, base: Number, how: str) -> Number:
    """A number computed from ``base`` by ``how``: cited from base's source with how as its detail, or,
    when base is an estimate, an estimate whose reason adds how to base's reason."""
    if base.source != EXPERT_ESTIMATE:
        return Number(value=value, source=base.source, detail=how)
    return Number(value=value, source=EXPERT_ESTIMATE, reason=f"{base.reason}; {how}")


def _no_lesion_one_leg_observations(
    kb: KnowledgeBase,
    hypotheses: list[Hypothesis],
    observations: list[Observation],
    table: _SiteTable,
) -> None:
    """P(one given leg is a symptomatic one | site), once per side (the ONE_LEG observation).

    The no-lesion site is one both-sided hypothesis, so a part of the leg named with a side ("pain
    in the right leg") combined its regions' rates (pain_without_lesion) to about 1 on either side,
    while a one-sided lesion on the other side takes the opposite-leg rate: stating a side halved
    the lesions' share and left the no-lesion site whole. Non-neural leg pain is one-sided in the
    share the no-lesion site's one-sided pattern gives (u), so one given leg is painful in
    u / 2 + (1 - u) = 1 - u / 2. That is a fact about the leg, not about each part of it named: it
    was a cap on every such observation, so "pain in the right leg" with "numbness in the right
    thigh" counted it twice (0.6 x 0.6). It is now the ONE_LEG observation of that side (present
    when any part of that leg is named, engine/encode), 1 - u / 2 for the no-lesion site; a lesion
    site's own observations already say where its findings are, so the leg's being symptomatic
    adds nothing for it (about 1: never observed absent)."""
    site = next((s for s in kb.anatomy.sites if s.kind == SiteKind.NONE), None)
    one_leg = [o for o, observation in enumerate(observations) if observation.modality == ONE_LEG]
    neutral = table.add(
        f"{ONE_LEG}:lesion",
        Number(
            value=_NEUTRAL,
            source=EXPERT_ESTIMATE,
            reason="a lesion site's own observations of that leg already give where its findings are; "
            "that the leg is a symptomatic one adds nothing (a likelihood of about 1, never observed absent)",
        ),
    )
    for o in one_leg:
        table.probability[:, o] = _NEUTRAL
        table.grade[:, o] = neutral
    if site is None or site.unilateral_pattern is None:
        return
    pattern = site.unilateral_pattern
    cap = 1.0 - pattern.value / 2
    how = f"one given leg painful without a nerve lesion: 1 - {pattern.value:g} / 2 (one-sided pattern)"
    index = table.add("one-leg:none", _derived_number(cap, pattern, how))
    parts = [
        o
        for o, observation in enumerate(observations)
        if observation.modality in _OPPOSITE_LEG_MODALITIES and observation.side in SIDES
    ]
    for h, hypothesis in enumerate(hypotheses):
        if hypothesis.kind != SiteKind.NONE:
            continue
        for o in one_leg:
            table.probability[h, o] = cap
            table.grade[h, o] = index
        # each part of that leg named: its rate given that the leg is a symptomatic one. Naming the
        # part implies the leg, so P(part | leg) = P(part) / P(leg), with P(part) at most P(leg):
        # one part named scores min(P(part), cap) as the per-part cap did; more parts of the same
        # leg no longer take the cap again each
        for o in parts:
            combined = float(table.probability[h, o])
            given = min(min(combined, cap) / cap, _NEUTRAL)
            base = table.numbers[table.keys[int(table.grade[h, o])]]
            how = f"given that leg is a symptomatic one: min({combined:.4g}, {cap:g}) / {cap:g}"
            table.probability[h, o] = given
            table.grade[h, o] = table.add(
                f"one-leg:none:{observations[o].key}", _derived_number(given, base, how)
            )


# Not 1: the log of P(absent) must stay finite for the matrix products (the observation is never
# observed absent, so its value there never counts).
_NEUTRAL = 1.0 - 1e-9


def _site_kind_observations(
    kb: KnowledgeBase,
    hypotheses: list[Hypothesis],
    observations: list[Observation],
    table: _SiteTable,
) -> None:
    """P(a finding naming a kind of lesion | site): its own rate for those kinds on its side."""
    items = {item.finding: item for item in kb.localisation.site_kind_findings}
    index: dict[str, int] = {}
    for finding, item in items.items():
        for which, number in (("in", item.in_kind), ("out", item.otherwise)):
            key = f"kind:{finding}:{which}"
            index[key] = table.add(key, number)
    for o, observation in enumerate(observations):
        if observation.modality != "kind":
            continue
        item = items[observation.target]
        for h, hypothesis in enumerate(hypotheses):
            inside = hypothesis.kind in item.kinds and _applies_to_side(hypothesis, observation.side)
            which = "in" if inside else "out"
            table.in_territory[h, o] = inside
            table.grade[h, o] = index[f"kind:{observation.target}:{which}"]
            table.probability[h, o] = (item.in_kind if inside else item.otherwise).value


def _complement(number: Number, what: str, how: str) -> Number:
    """1 - a cited (or estimated) rate, keeping its source and saying how it was derived."""
    detail = f"{what} over the whole leg: 1 - {number.value:g}; {how}"
    if number.source == EXPERT_ESTIMATE:
        return Number(value=1 - number.value, source=EXPERT_ESTIMATE, reason=f"{number.reason}; {detail}")
    cited = f"{number.detail}; {detail}" if number.detail else detail
    return Number(value=1 - number.value, source=number.source, detail=cited)


def _whole_leg_normal_observations(
    kb: KnowledgeBase,
    observations: list[Observation],
    observation_index: dict[str, int],
    table: _SiteTable,
) -> None:
    """P(normal sensation, or full power, over a whole leg | site) = 1 - the site's highest rate.

    A lesion's deficit is one event over its territory, and the published figures are the
    sensitivities of the sensory and motor examinations (Tawa 2017: 0.61; 0.13-0.61), not of one
    region or muscle. Counted region by region, a normal examination would be charged once per
    region of a territory, so a nerve or plexus with a wide territory (femoral: seven regions)
    would pay several times what a root pays, and every lesion far more than the published
    1 - sensitivity against no lesion. The same holds for full power over a root's several muscles.
    """
    model = kb.localisation
    parts = (
        (
            WHOLE_LEG_NORMAL,
            "sensory",
            whole_leg_regions(kb),
            model.sensory_in_territory,
            model.sensory_outside_territory,
            "normal sensation",
        ),
        (
            WHOLE_LEG_FULL_POWER,
            "weakness",
            [m.id for m in kb.anatomy.movements],
            model.weakness_in_territory,
            model.weakness_outside_territory,
            "full power",
        ),
    )
    how = "one observation: 1 - the site's highest rate there (level-specific where published)"
    for modality, base, targets, inside, outside, what in parts:
        index_in = table.add(f"{modality}:in", _complement(inside, what, how))
        index_out = table.add(f"{modality}:out", _complement(outside, what, "outside the site's territory"))
        for o, observation in enumerate(observations):
            if observation.modality != modality:
                continue
            members = [observation_index[f"{base}:{target}:{observation.side}"] for target in targets]
            table.probability[:, o] = 1.0 - table.probability[:, members].max(axis=1)
            table.in_territory[:, o] = table.in_territory[:, members].any(axis=1)
            table.grade[:, o] = np.where(table.in_territory[:, o], index_in, index_out)


def _whole_leg_nerve_power(
    kb: KnowledgeBase,
    hypotheses: list[Hypothesis],
    observations: list[Observation],
    table: _SiteTable,
) -> None:
    """P(full power over a whole leg | a nerve) = 1 - the nerve's any-weakness rate, where a series
    reports one (anatomy/nerves.yaml ``any_weakness``) and it exceeds the nerve's highest movement
    rate. The movement rates are single-muscle figures (and lower bounds where mild grades were not
    reported); a nerve lesion that shows weakness anywhere is the event a normal whole-leg motor
    examination denies, as for :func:`_whole_leg_normal_observations`."""
    nerves = {n.id: n for n in kb.anatomy.nerves if n.any_weakness is not None}
    if not nerves:
        return
    keys = {
        nerve_id: table.add(
            f"{WHOLE_LEG_FULL_POWER}:nerve:{nerve_id}",
            _complement(nerve.any_weakness, "full power", "the nerve's any-weakness rate"),
        )
        for nerve_id, nerve in nerves.items()
        if nerve.any_weakness is not None
    }
    for o, observation in enumerate(observations):
        if observation.modality != WHOLE_LEG_FULL_POWER:
            continue
        for h, hypothesis in enumerate(hypotheses):
            nerve = nerves.get(hypothesis.nerve or "")
            if (
                nerve is None
                or nerve.any_weakness is None
                or not _applies_to_side(hypothesis, observation.side)
            ):
                continue
            full_power = 1.0 - nerve.any_weakness.value
            if full_power < table.probability[h, o]:
                table.probability[h, o] = full_power
                table.grade[h, o] = keys[nerve.id]


def neighbouring_roots(root: str) -> set[str]:
    """The roots above and below (L5 -> L4 and S1): their territories overlap with this one's."""
    order = LOCALISABLE_ROOTS
    i = order.index(root)
    return {order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)}


class _Grading:
    """Which published (or estimated) number applies to one site and one observation.

    Crisp territories for nerves and special sites; graded ones for roots when the knowledge base
    has a ``graded`` block: own map, neighbouring root's map or minor supply, level-specific
    figures where published, and a several-root lesion's own, lower per-region rates.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        model = kb.localisation
        self.model = model
        self.roots: dict[str, Root] = {r.id: r for r in kb.anatomy.roots}
        self.movements = {m.id: m for m in kb.anatomy.movements}
        self.reflexes = {r.id: r for r in kb.anatomy.reflexes}
        rates: dict[str, tuple[Number, Number]] = {
            "sensory": (model.sensory_in_territory, model.sensory_outside_territory),
            "pain": (model.pain_in_territory, model.pain_outside_territory),
            "weakness": (model.weakness_in_territory, model.weakness_outside_territory),
            "reflex": (model.reflex_loss_in_territory, model.reflex_loss_outside_territory),
            "reflex-aged": _aged_reflex_rates(model),
            "imaging": (model.imaging_compression_of_root, model.imaging_compression_elsewhere),
            "umn": (model.upper_motor_neuron_sign_with_cord, model.upper_motor_neuron_sign_otherwise),
        }
        self.numbers: dict[str, Number] = {}
        for modality, (rate_in, rate_out) in rates.items():
            self.numbers[f"{modality}:in"] = rate_in
            self.numbers[f"{modality}:out"] = rate_out
        # an imaged root shown compressed without a lesion there: incidental discs cluster at L4-S1
        for root, incidental in model.imaging_compression_elsewhere_by_root.items():
            self.numbers[f"imaging:out:{root}"] = incidental
        # A peripheral nerve's muscles are its own (no overlapping or variant supply as in a root's
        # myotome), so a movement outside its territory is weak as often as without a lesion
        if model.weakness_without_lesion is not None:
            self.numbers["weakness:nerve-outside:out"] = model.weakness_without_lesion
        # a nerve's own rate for one of its movements or reflexes (anatomy/nerves.yaml specific)
        self.nerve_specific: dict[tuple[str, str, str], str] = {}
        for nerve in kb.anatomy.nerves:
            for rate in nerve.specific:
                key = f"{rate.modality}:nerve:{nerve.id}:{rate.target}"
                self.numbers[key] = rate.p
                self.nerve_specific[(nerve.id, rate.modality, rate.target)] = key
        graded = model.graded
        self.graded = graded
        self.specific: dict[tuple[str, str, str], str] = {}
        if graded is None:
            return
        aged = model.age_related_reflex_loss
        for modality, adjacent, multi in (
            ("pain", graded.pain_adjacent_root, graded.multi_root_pain),
            ("sensory", graded.sensory_adjacent_root, graded.multi_root_sensory),
            ("weakness", graded.weakness_minor_root, graded.multi_root_weakness),
            ("reflex", graded.reflex_minor_root, graded.multi_root_reflex),
        ):
            self.numbers[f"{modality}:adjacent"] = adjacent
            self.numbers[f"{modality}:multi"] = multi
        for item in graded.root_specific:
            key = f"{item.modality}:{item.root}:{item.target}"
            self.numbers[key] = item.p
            self.specific[(item.root, item.modality, item.target)] = key
        if aged is not None:
            # an older person's reflex: the lesion's rate or age, whichever acts
            for key in [k for k in self.numbers if k.startswith("reflex:") and not k.endswith(":out")]:
                self.numbers["reflex-aged" + key[len("reflex") :]] = _with_age(self.numbers[key], aged.rate)

    def grade(
        self, hypothesis: Hypothesis, territory: dict[str, set[str]], observation: Observation
    ) -> tuple[str, bool]:
        """(key of the number that applies, whether the observation is in the site's territory)."""
        modality = observation.modality
        on_side = _applies_to_side(hypothesis, observation.side)
        inside = observation.target in territory[modality] and on_side
        if (
            inside
            and hypothesis.nerve is not None
            and modality in ("weakness", "reflex", "reflex-aged", "sensory", "pain")
        ):
            base = "reflex" if modality == "reflex-aged" else modality
            own = self.nerve_specific.get((hypothesis.nerve, base, observation.target))
            if own is not None:
                aged = "reflex-aged" + own[len("reflex") :]
                return (own if modality == base or aged not in self.numbers else aged), True
        if (
            hypothesis.nerve is not None
            and modality == "weakness"
            and on_side
            and not inside
            and "weakness:nerve-outside:out" in self.numbers
        ):
            return "weakness:nerve-outside:out", False
        if modality == "imaging" and not inside and f"imaging:out:{observation.target}" in self.numbers:
            return f"imaging:out:{observation.target}", False
        if self.graded is None or not on_side or modality in ("imaging", "umn"):
            return (f"{modality}:in" if inside else f"{modality}:out"), inside
        # several roots (and the cauda equina's leg findings; its saddle findings keep the full rate)
        several = hypothesis.kind == SiteKind.MULTI_ROOT or (
            hypothesis.kind == SiteKind.CAUDA_EQUINA and observation.side is not None
        )
        if several:
            return (f"{modality}:multi" if inside else f"{modality}:out"), inside
        if hypothesis.root is None:
            return (f"{modality}:in" if inside else f"{modality}:out"), inside
        base = "reflex" if modality == "reflex-aged" else modality
        specific = self.specific.get((hypothesis.root, base, observation.target))
        if specific is not None:
            key = specific if modality == base else "reflex-aged" + specific[len("reflex") :]
            return key, True
        if inside:
            return f"{modality}:in", True
        if self._adjacent(hypothesis.root, base, observation.target):
            return f"{modality}:adjacent", False
        return f"{modality}:out", False

    def _adjacent(self, root: str, modality: str, target: str) -> bool:
        """A neighbouring root's region, or a movement or reflex this root supplies in part."""
        if modality == "weakness":
            movement = self.movements.get(target)
            return movement is not None and root in movement.minor_roots
        if modality == "reflex":
            reflex = self.reflexes.get(target)
            return reflex is not None and root in reflex.minor_roots
        for other in neighbouring_roots(root):
            neighbour = self.roots.get(other)
            if neighbour is None:
                continue
            regions = set(neighbour.dermatome) | (set(neighbour.pain) if modality == "pain" else set())
            if target in regions:
                return True
        return False


def _with_age(number: Number, age_rate: Number) -> Number:
    value = 1 - (1 - number.value) * (1 - age_rate.value)
    detail = f"combined with age-related loss {age_rate.value:g} ({age_rate.source})"
    if number.source == EXPERT_ESTIMATE:
        return Number(value=value, source=EXPERT_ESTIMATE, reason=f"{number.reason}; {detail}")
    return Number(value=value, source=number.source, detail=detail)


def compile_knowledge(loaded: LoadedKnowledge) -> CompiledKnowledge:
    kb = loaded.knowledge
    findings = list(kb.findings)
    finding_ids = [f.id for f in findings]
    finding_index = {fid: i for i, fid in enumerate(finding_ids)}
    conditions = list(kb.conditions)
    condition_ids = [c.id for c in conditions]
    condition_index = {cid: i for i, cid in enumerate(condition_ids)}

    background = np.array([f.background.value for f in findings], dtype=np.float64)
    # A finding a condition does not list is read at the reference rate: ratio 1 either way. The
    # validator refuses a condition that lists only some categories of an exclusive group.
    p_present = np.tile(background, (len(conditions), 1))
    p_reference = p_present.copy()
    weight_present = np.zeros_like(p_present)
    weight_absent = np.zeros_like(p_present)
    numbers: dict[tuple[int, int], Number] = {}
    applied: dict[tuple[int, int], AppliedLikelihood] = {}
    for c, condition in enumerate(conditions):
        for likelihood in condition.likelihoods:
            f = finding_index[likelihood.finding]
            use = applied_likelihood(likelihood, float(background[f]))
            p_present[c, f], p_reference[c, f] = use.p_condition, use.p_reference
            weight_present[c, f] = np.log(use.ratio_present)
            weight_absent[c, f] = np.log(use.ratio_absent)
            cited = likelihood.p or likelihood.lr_positive
            assert cited is not None
            numbers[(c, f)] = cited
            applied[(c, f)] = use

    log_prior = {
        setting.value: np.log(np.array([c.prior[setting].value for c in conditions], dtype=np.float64))
        for setting in conditions[0].prior
    }
    groups: dict[str, list[int]] = {}
    for f, finding in enumerate(findings):
        if finding.exclusive_group:
            groups.setdefault(finding.exclusive_group, []).append(f)

    hypotheses = _hypotheses(kb)
    hypothesis_index = {h.key: i for i, h in enumerate(hypotheses)}
    observations = _observations(kb)
    observation_index = {o.key: i for i, o in enumerate(observations)}

    site_given_condition = np.zeros((len(conditions), len(hypotheses)), dtype=np.float64)
    shares = _variant_shares(kb, hypotheses)
    for c, condition in enumerate(conditions):
        for weight in condition.sites:
            for i, candidate in enumerate(hypotheses):
                if candidate.site == weight.site:
                    site_given_condition[c, i] += weight.p.value * shares[i]
        site_given_condition[c] /= site_given_condition[c].sum()

    model = kb.localisation
    territories = [_territories(kb, hypothesis) for hypothesis in hypotheses]
    grading = _Grading(kb)
    grade_keys = list(grading.numbers)
    grade_index = {key: i for i, key in enumerate(grade_keys)}
    in_territory = np.zeros((len(hypotheses), len(observations)), dtype=bool)
    probability = np.zeros((len(hypotheses), len(observations)), dtype=np.float64)
    grade = np.zeros((len(hypotheses), len(observations)), dtype=np.int16)
    for h, hypothesis in enumerate(hypotheses):
        for o, observation in enumerate(observations):
            if observation.modality in (
                "pattern",
                "kind",
                WHOLE_LEG_NORMAL,
                WHOLE_LEG_FULL_POWER,
                ONE_LEG,
            ) or observation.modality.endswith("-vague"):
                continue  # set per site below
            key, inside = grading.grade(hypothesis, territories[h], observation)
            in_territory[h, o] = inside
            grade[h, o] = grade_index[key]
            probability[h, o] = grading.numbers[key].value
    pattern_numbers = _pattern_numbers(kb, hypotheses)
    for o, observation in enumerate(observations):
        if observation.modality == "pattern":
            for h, number in enumerate(pattern_numbers):
                unilateral = number.value
                probability[h, o] = unilateral if observation.target == "unilateral" else 1 - unilateral
    none_index = next(i for i, h in enumerate(hypotheses) if h.kind == SiteKind.NONE)
    # Without a nerve lesion, pain is placed by its somatic source, not by a territory.
    for o, observation in enumerate(observations):
        if observation.modality == "pain":
            probability[none_index, o] = model.pain_without_lesion.value
    table = _SiteTable(probability, in_territory, grade, grade_keys, dict(grading.numbers))
    none_pain = table.add("pain:none", model.pain_without_lesion)
    for o, observation in enumerate(observations):
        if observation.modality == "pain":
            grade[none_index, o] = none_pain
    # Without a nerve lesion a movement graded weak is pain-limited effort or examiner error only:
    # the no-lesion site takes its own rate, not a lesion's outside-territory rate.
    if model.weakness_without_lesion is not None:
        none_weak = table.add("weakness:none", model.weakness_without_lesion)
        for o, observation in enumerate(observations):
            if observation.modality == "weakness":
                probability[none_index, o] = model.weakness_without_lesion.value
                grade[none_index, o] = none_weak
    _vague_observations(kb, observations, observation_index, table)
    _site_kind_observations(kb, hypotheses, observations, table)
    _whole_leg_normal_observations(kb, observations, observation_index, table)
    _whole_leg_nerve_power(kb, hypotheses, observations, table)
    _opposite_leg_observations(kb, hypotheses, observations, table)
    _no_lesion_one_leg_observations(kb, hypotheses, observations, table)
    loc_numbers = table.numbers

    signs = [s for s in model.tension_signs if s.finding in finding_index]
    sign_findings = [finding_index[s.finding] for s in signs]
    sign_log_factor = _sign_factors(
        kb,
        hypotheses,
        territories,
        p_present,
        p_reference,
        background,
        signs,
        sign_findings,
        model.tension_sign_outside_territory.value,
    )
    imaging_states, imaging_factor = _imaging_factors(
        kb, conditions, hypotheses, territories, loc_numbers, MAX_LINK_STATES - len(sign_log_factor)
    )
    imaging_state_index = {state: len(sign_log_factor) + row for row, state in enumerate(imaging_states)}
    sign_log_factor = np.vstack([sign_log_factor, imaging_factor])
    if len(sign_log_factor) > MAX_LINK_STATES:
        raise ValueError(
            f"localisation.yaml tension_signs: {len(sign_log_factor)} link rows, more than the "
            f"{MAX_LINK_STATES} that fit one exact link code per case"
        )
    spinal = np.array([c.category == "spinal" for c in conditions])
    return CompiledKnowledge(
        knowledge=kb,
        finding_ids=finding_ids,
        finding_index=finding_index,
        condition_ids=condition_ids,
        condition_index=condition_index,
        background=background,
        p_present=p_present,
        p_reference=p_reference,
        weight_present=weight_present,
        weight_absent=weight_absent,
        log_present=weight_present + np.log(background),
        log_absent=weight_absent + np.log1p(-background),
        likelihood_numbers=numbers,
        applied=applied,
        log_prior=log_prior,
        spinal=spinal,
        hypotheses=hypotheses,
        hypothesis_index=hypothesis_index,
        observations=observations,
        observation_index=observation_index,
        site_given_condition=site_given_condition,
        loc_log_present=np.log(probability),
        loc_log_absent=np.log1p(-probability),
        loc_numbers=loc_numbers,
        loc_in_territory=in_territory,
        loc_grade=grade,
        loc_grade_keys=grade_keys,
        pattern_numbers=pattern_numbers,
        none_hypothesis=none_index,
        sign_findings=sign_findings,
        sign_log_factor=sign_log_factor,
        exclusive_groups=groups,
        imaging_state_index=imaging_state_index,
        not_modelled=(
            {setting.value: p.value for setting, p in kb.priors.not_modelled.items()} if kb.priors else {}
        ),
    )


@functools.cache
def default_compiled() -> CompiledKnowledge:
    """The packaged knowledge base, compiled once per process."""
    return compile_knowledge(default_knowledge())
