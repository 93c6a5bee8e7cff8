"""Typed, strict models of the knowledge base.

Every model forbids unknown keys (a typo is an error, not a silently ignored field) and is frozen:
the knowledge base is shared by every assessment and must never be mutated by one of them.
Every clinical number is a :class:`Number` that carries its source next to it.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The vocabularies of what can be said about a case are defined once, in knowledge/vocabulary.py.
from nervemap.knowledge.vocabulary import DiscLevel, ImagingKind, Onset, Sex
from nervemap.knowledge.vocabulary import HerniationZone as HerniationZone
from nervemap.knowledge.vocabulary import SymptomKind as SymptomKind

EXPERT_ESTIMATE = "expert-estimate"

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RootId = Literal["L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5"]
LOCALISABLE_ROOTS: tuple[str, ...] = ("L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Setting(StrEnum):
    PRIMARY_CARE = "primary-care"
    EMERGENCY = "emergency"
    SPINE_CLINIC = "spine-clinic"


class TriageLevel(StrEnum):
    """Ordered from least to most urgent; see :data:`TRIAGE_ORDER`."""

    SELF_CARE = "self-care"
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"
    EMERGENCY = "emergency"


TRIAGE_ORDER: tuple[TriageLevel, ...] = tuple(TriageLevel)


class Number(Strict):
    """A clinical number with its provenance.

    ``source`` is the id of an entry in the bibliography, or ``expert-estimate`` — then ``reason``
    must say why no published figure is used, so that unsourced numbers stay visible and countable.
    """

    value: float
    source: str = Field(min_length=1)
    detail: str | None = Field(default=None, description="Where in the source, or how derived")
    reason: str | None = Field(default=None, description="Required for expert estimates")

    @model_validator(mode="after")
    def _estimate_needs_reason(self) -> Number:
        if self.source == EXPERT_ESTIMATE and not (self.reason and self.reason.strip()):
            raise ValueError("an expert-estimate needs a 'reason'")
        return self

    @property
    def is_published(self) -> bool:
        return self.source != EXPERT_ESTIMATE


class Probability(Number):
    """A number that must lie strictly between 0 and 1."""

    @model_validator(mode="after")
    def _open_unit_interval(self) -> Probability:
        if not 0.0 < self.value < 1.0:
            raise ValueError(f"probability {self.value} must lie strictly between 0 and 1")
        return self


class Share(Number):
    """A proportion in (0, 1]: a share of cases that may be all of them."""

    @model_validator(mode="after")
    def _half_open_unit_interval(self) -> Share:
        if not 0.0 < self.value <= 1.0:
            raise ValueError(f"share {self.value} must lie in (0, 1]")
        return self


class Ratio(Number):
    """A likelihood ratio: strictly positive."""

    @model_validator(mode="after")
    def _positive(self) -> Ratio:
        if self.value <= 0.0:
            raise ValueError(f"likelihood ratio {self.value} must be > 0")
        return self


# --------------------------------------------------------------------------- bibliography


class Source(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    authors: str
    title: str
    year: int = Field(ge=1800, le=2100)
    venue: str | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    kind: Literal["study", "review", "guideline", "textbook", "reference", "code-system"] = "study"
    verification: Literal["primary", "secondary", "recalled"] = Field(
        default="secondary",
        description="primary: seen in the source; secondary: via a summary; recalled: unconfirmed",
    )
    note: str | None = None


# --------------------------------------------------------------------------- anatomy


class RegionGroup(StrEnum):
    BACK = "back"
    BUTTOCK = "buttock"
    HIP = "hip"
    THIGH = "thigh"
    KNEE = "knee"
    LEG = "leg"
    ANKLE = "ankle"
    FOOT = "foot"
    PERINEUM = "perineum"


class Region(Strict):
    """A body-map region. Lateral regions exist once per side; midline ones once."""

    id: Identifier
    name: str
    patient_name: str
    group: RegionGroup
    lateral: bool = True
    below_knee: bool = False
    view: Literal["front", "back", "side", "sole", "perineum"]
    adjacent: list[Identifier] = Field(default_factory=list)


class Movement(Strict):
    id: Identifier
    name: str
    patient_name: str
    muscles: list[str]
    roots: list[RootId] = Field(description="Main root supply (key myotome)")
    minor_roots: list[RootId] = Field(default_factory=list)
    nerve: Identifier
    sources: list[str] = Field(min_length=1)


class Reflex(Strict):
    id: Identifier
    name: str
    roots: list[RootId]
    minor_roots: list[RootId] = Field(
        default_factory=list, description="Roots whose lesion also depresses the reflex, less often"
    )
    nerve: Identifier
    sources: list[str] = Field(min_length=1)


class Root(Strict):
    id: RootId
    dermatome: list[Identifier] = Field(description="Regions of sensory loss / paraesthesia")
    pain: list[Identifier] = Field(description="Regions where radicular pain is felt")
    movements: list[Identifier] = Field(default_factory=list, description="Key movements")
    reflexes: list[Identifier] = Field(default_factory=list)
    key_sensory_point: str | None = None
    sources: list[str] = Field(min_length=1)


class NerveSpecificRate(Strict):
    """A nerve's own probability of a deficit in its territory, replacing the pooled one.

    The pooled in-territory rates are radiculopathy figures (Tawa 2017): a root supplies several
    muscles with overlapping roots, so any one of them weakens in a minority. A nerve is the only
    supply of its muscles: where a series of that neuropathy reports how often a movement is weak,
    that figure is the nerve's rate for the movement. Likewise for its skin: a purely sensory nerve
    shows itself only by sensory symptoms in its own territory, so the radicular sensory rate (0.6,
    one of several overlapping dermatomes) understates it.
    """

    modality: Literal["weakness", "reflex", "sensory", "pain"]
    target: Identifier = Field(
        description="Movement, reflex or region id, one of the nerve's own (its cutaneous or pain regions)"
    )
    p: Probability


class Nerve(Strict):
    id: Identifier
    name: str
    roots: list[RootId]
    branch_of: Identifier | None = None
    cutaneous: list[Identifier] = Field(default_factory=list)
    movements: list[Identifier] = Field(default_factory=list)
    reflexes: list[Identifier] = Field(default_factory=list)
    pain: list[Identifier] = Field(default_factory=list, description="Typical pain regions")
    lesion_site: str | None = Field(default=None, description="Usual site of entrapment")
    specific: list[NerveSpecificRate] = Field(
        default_factory=list,
        description="The nerve's own rates for its movements or reflexes, where a series reports them",
    )
    any_weakness: Probability | None = Field(
        default=None,
        description="P(any of the nerve's muscles weak | a lesion of the nerve), where a series reports "
        "it: full power over the whole leg is 1 - this (or 1 - its highest movement rate, if higher)",
    )
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _specific_rates_are_the_nerves_own(self) -> Nerve:
        own_targets = {
            "weakness": self.movements,
            "reflex": self.reflexes,
            "sensory": self.cutaneous,
            "pain": self.pain,
        }
        for rate in self.specific:
            own = own_targets[rate.modality]
            if rate.target not in own:
                message = f"a {rate.modality} rate for '{rate.target}', which is not one of its own"
                raise ValueError(f"nerve {self.id}: {message}")
        if self.any_weakness is not None and not self.movements:
            raise ValueError(f"nerve {self.id}: an any_weakness rate for a nerve with no movements")
        return self


class DiscCompression(Strict):
    level: DiscLevel
    zone: HerniationZone
    roots: list[RootId]
    note: str | None = None
    sources: list[str] = Field(min_length=1)


class SiteKind(StrEnum):
    ROOT = "root"
    MULTI_ROOT = "multi-root"
    CAUDA_EQUINA = "cauda-equina"
    CONUS_CORD = "conus-cord"
    PLEXUS = "plexus"
    PERIPHERAL_NERVE = "peripheral-nerve"
    POLYNEUROPATHY = "polyneuropathy"
    NONE = "none"


class SpecialSite(Strict):
    """A lesion site that is not a single root or nerve (cauda equina, plexus, ...).

    Territories are listed per side; ``bilateral`` sites cover both sides at once.
    """

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    kind: SiteKind
    name: str
    bilateral: bool
    sensory: list[Identifier] = Field(default_factory=list)
    pain: list[Identifier] = Field(default_factory=list)
    movements: list[Identifier] = Field(default_factory=list)
    reflexes: list[Identifier] = Field(default_factory=list)
    midline_sensory: list[Identifier] = Field(default_factory=list)
    imaging_roots: list[RootId] = Field(
        default_factory=list,
        description="Roots whose compression on imaging is in this site's territory (a several-root "
        "or cauda equina lesion); empty: imaging of a root says nothing for the site",
    )
    upper_motor_neuron: bool = False
    unilateral_pattern: Probability | None = Field(
        default=None, description="P(all sided findings on one side | this site)"
    )
    one_sided_share: Probability | None = Field(
        default=None,
        description="For a bilateral site that often presents on one side only (central stenosis): "
        "the share of one-sided presentations. The site then has a left, a right and a both-sided "
        "variant, so that one-sided findings name their side instead of 'bilateral'",
    )
    needs_both_sides: bool = Field(
        default=False,
        description="A site of both legs by definition (a length-dependent polyneuropathy): when every "
        "sided finding of a case is on one side, it is never the lead answer (listed after the first "
        "site that is not so marked; its probability unchanged, so it stays an alternative)",
    )
    sources: list[str] = Field(min_length=1)


class Anatomy(Strict):
    regions: list[Region]
    movements: list[Movement]
    reflexes: list[Reflex]
    roots: list[Root]
    nerves: list[Nerve]
    discs: list[DiscCompression]
    sites: list[SpecialSite]


# --------------------------------------------------------------------------- findings


class FindingCategory(StrEnum):
    DEMOGRAPHIC = "demographic"
    SYMPTOM = "symptom"
    HISTORY = "history"
    EXAMINATION = "examination"
    TEST = "test"
    IMAGING = "imaging"


class Codes(Strict):
    snomed: list[Annotated[str, Field(pattern=r"^[0-9]{6,18}$")]] = Field(default_factory=list)
    loinc: list[Annotated[str, Field(pattern=r"^[0-9]{1,7}-[0-9]$")]] = Field(default_factory=list)


class Derivation(Strict):
    """How a finding follows from structured input, when it is not asked directly.

    Exactly one rule is given. A derived finding is present when the rule matches, absent when
    the input it reads was given and does not match, and unknown when that input is missing.
    """

    pain_map: list[Identifier] | None = Field(default=None, description="any of these regions")
    kinds: list[SymptomKind] = Field(default_factory=lambda: list(SymptomKind))
    bilateral: bool = Field(default=False, description="pain_map regions marked on both sides")
    weak_movements: list[Identifier] | None = None
    max_grade: int | None = Field(default=None, ge=0, le=5, description="MRC grade at or below")
    reduced_reflexes: list[Identifier] | None = None
    brisk_reflexes: list[Identifier] | None = None
    sensory_loss: list[Identifier] | None = Field(default=None, description="exam regions")
    age_min: float | None = None
    age_max: float | None = Field(default=None, description="exclusive upper bound")
    sex: Sex | None = None
    duration_min_days: float | None = None
    duration_max_days: float | None = Field(default=None, description="exclusive upper bound")
    onset: Onset | None = Field(default=None, description="the case's onset is this one")

    @property
    def reads_examination(self) -> bool:
        """Whether the rule reads the examination (a graded movement, a reflex, a sensory test). A red
        flag read so may also be recorded outright (the interview and the FHIR questionnaire ask it by
        name); a finding stated outright overrides its derivation."""
        return (
            self.weak_movements is not None
            or self.reduced_reflexes is not None
            or self.brisk_reflexes is not None
            or self.sensory_loss is not None
        )

    @model_validator(mode="after")
    def _one_rule(self) -> Derivation:
        rules = [
            self.pain_map is not None,
            self.weak_movements is not None,
            self.reduced_reflexes is not None,
            self.brisk_reflexes is not None,
            self.sensory_loss is not None,
            self.age_min is not None or self.age_max is not None,
            self.sex is not None,
            self.duration_min_days is not None or self.duration_max_days is not None,
            self.onset is not None,
        ]
        if sum(rules) != 1:
            raise ValueError("a derivation needs exactly one rule")
        return self


class Finding(Strict):
    id: Identifier
    category: FindingCategory
    clinician: str = Field(description="Terse clinical wording")
    patient: str = Field(description="Plain wording for patients; a question for askable items")
    lateral: bool = Field(default=False, description="Observed per side")
    red_flag: bool = False
    exclusive_group: Identifier | None = Field(
        default=None, description="Mutually exclusive categories (age band): only one scores"
    )
    patient_askable: bool = True
    codes: Codes = Field(default_factory=Codes)
    background: Probability = Field(
        description="P(finding present) in people presenting with leg pain without the condition"
    )
    derive: Derivation | None = None


# --------------------------------------------------------------------------- measured values


_UNIT_KEY = str.maketrans({"µ": "u", "μ": "u", "×": "x", "³": "3", "⁹": "9", "º": "°", "˚": "°"})


def unit_key(spelling: str) -> str:
    """How unit spellings are compared: lower case, no spaces, µ as u, × as x."""
    return "".join(spelling.lower().translate(_UNIT_KEY).split())


class UnitConversion(Strict):
    """One accepted unit of a measured quantity: canonical value = value * factor + offset."""

    unit: str = Field(min_length=1, description="Display spelling, e.g. 'g/dL'")
    aliases: list[str] = Field(
        default_factory=list,
        description="Other spellings, compared lower-case without spaces (µ and mc read as u)",
    )
    factor: float = Field(default=1.0, gt=0)
    offset: float = 0.0
    basis: str | None = Field(default=None, description="How the factor follows (molar mass, definition)")
    bare: tuple[float, float] | None = Field(
        default=None,
        description="A number written without a unit is read in this unit when it lies in this range",
    )

    @model_validator(mode="after")
    def _basis_for_conversions(self) -> UnitConversion:
        if (self.factor != 1.0 or self.offset != 0.0) and not (self.basis and self.basis.strip()):
            raise ValueError(f"unit '{self.unit}': a conversion needs a 'basis'")
        if self.bare is not None and self.bare[0] > self.bare[1]:
            raise ValueError(f"unit '{self.unit}': 'bare' range is reversed")
        return self


class Threshold(Strict):
    """A limit past which a measured value is a finding (inside it, the finding is absent).

    Exactly one of ``above``, ``at_or_above``, ``below``, ``at_or_below`` is given, in the
    quantity's canonical unit. ``sex`` and the age bounds restrict the people it applies to; when
    the case's sex or age is unknown and the applicable limits disagree, the value gives no finding.
    ``also`` names findings the crossing also sets (a measured 38.5 C is also ``fever``).
    """

    finding: Identifier
    above: Number | None = None
    at_or_above: Number | None = None
    below: Number | None = None
    at_or_below: Number | None = None
    sex: Sex | None = None
    age_min: float | None = Field(default=None, ge=0)
    age_max: float | None = Field(default=None, gt=0, description="exclusive upper bound")
    also: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_limit(self) -> Threshold:
        given = [x for x in (self.above, self.at_or_above, self.below, self.at_or_below) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'above', 'at_or_above', 'below', 'at_or_below'")
        return self

    @property
    def limit(self) -> Number:
        for x in (self.above, self.at_or_above, self.below, self.at_or_below):
            if x is not None:
                return x
        raise AssertionError("unreachable")  # pragma: no cover

    def crossed(self, value: float) -> bool:
        """Whether a canonical value lies past the limit (rounded to 6 decimals)."""
        v, lim = round(value, 6), round(self.limit.value, 6)
        if self.above is not None:
            return v > lim
        if self.at_or_above is not None:
            return v >= lim
        if self.below is not None:
            return v < lim
        return v <= lim


class Quantity(Strict):
    """A vital sign or laboratory value: its units, plausible range, codes and thresholds."""

    id: Identifier
    name: str
    kind: Literal["vital-sign", "laboratory"]
    unit: str = Field(description="Canonical unit; thresholds and 'plausible' are in it")
    units: list[UnitConversion] = Field(min_length=1)
    plausible: tuple[float, float] = Field(
        description="Values outside this range (canonical unit) are impossible: an input error"
    )
    loinc: list[Annotated[str, Field(pattern=r"^[0-9]{1,7}-[0-9]$")]] = Field(default_factory=list)
    reference: str | None = Field(default=None, description="Usual adult reference interval, for display")
    thresholds: list[Threshold] = Field(default_factory=list)

    @model_validator(mode="after")
    def _canonical_unit(self) -> Quantity:
        canonical = [u for u in self.units if u.unit == self.unit]
        if len(canonical) != 1 or canonical[0].factor != 1.0 or canonical[0].offset != 0.0:
            raise ValueError(
                f"'{self.id}': the canonical unit '{self.unit}' must be listed once with factor 1"
            )
        if self.plausible[0] >= self.plausible[1]:
            raise ValueError(f"'{self.id}': 'plausible' range is reversed")
        return self

    @functools.cached_property
    def unit_spellings(self) -> dict[str, UnitConversion]:
        """Each spelling of a unit (its name and aliases, compared by :func:`unit_key`) -> the unit;
        built once and kept on this quantity (not a field: no schema, no dump, no equality)."""
        return {unit_key(s): u for u in self.units for s in (u.unit, *u.aliases)}


# --------------------------------------------------------------------------- conditions


class Likelihood(Strict):
    """How a finding speaks for a condition, in the form its source reports it.

    The ratio the engine applies is the published one (docs/how-it-reasons.md, "Likelihoods"):

    - ``p`` alone: P(finding | condition), read against the finding's ``background`` (the
      reference group: people with leg pain without the condition). Applied ratios:
      p / background present, (1 - p) / (1 - background) absent.
    - ``p`` with ``specificity`` (a sensitivity/specificity pair from one study): read against that
      study's own comparison group. Applied ratios: p / (1 - spec) and (1 - p) / spec.
    - ``lr_positive`` with ``lr_negative``: applied as given, present and absent.
    - ``lr_positive`` alone: applied as given when present; when absent, the ratio implied by
      p = LR+ x background, which must stay below 1 (the validator refuses it otherwise).

    ``min_ratio_absent`` is an explicit, cited or reasoned floor on the absent ratio (a test
    reported with near-perfect sensitivity in a selected series): the engine never clamps silently.
    """

    finding: Identifier
    p: Probability | None = None
    specificity: Probability | None = None
    lr_positive: Ratio | None = None
    lr_negative: Ratio | None = None
    min_ratio_absent: Ratio | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Likelihood:
        if (self.p is None) == (self.lr_positive is None):
            raise ValueError("give exactly one of 'p' or 'lr_positive'")
        if self.lr_negative is not None and self.lr_positive is None:
            raise ValueError("'lr_negative' needs 'lr_positive'")
        if self.specificity is not None and self.p is None:
            raise ValueError("'specificity' goes with 'p' (the sensitivity of the same study)")
        if (
            self.lr_negative is not None
            and self.lr_positive is not None
            and self.lr_positive.value <= self.lr_negative.value
        ):
            raise ValueError("'lr_positive' must exceed 'lr_negative'")
        return self


class SiteWeight(Strict):
    """P(lesion site | condition). Lateral sites are split evenly between the two sides."""

    site: Annotated[str, Field(pattern=r"^(root:[LS][1-5]|nerve:[a-z_]+|site:[a-z_-]+)$")]
    p: Share


class Condition(Strict):
    id: Identifier
    name: str
    patient_name: str
    category: Literal["spinal", "non-spinal"]
    description: str
    icd10: list[Annotated[str, Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")]] = Field(
        min_length=1
    )
    snomed: list[Annotated[str, Field(pattern=r"^[0-9]{6,18}$")]] = Field(default_factory=list)
    urgency: TriageLevel = Field(description="Triage level when this is the likely diagnosis")
    prior: dict[Setting, Probability]
    sites: list[SiteWeight] = Field(min_length=1)
    likelihoods: list[Likelihood] = Field(min_length=1)
    notes: str | None = None


# --------------------------------------------------------------------------- triage and plans


class TriageRule(Strict):
    """A red-flag rule, screened independently of the differential.

    The rule fires when every present clause holds: all of ``all_of``, at least one of
    ``any_of``, at least ``at_least`` of ``of``, at least one of each ``and_any_of`` group.
    """

    id: Identifier
    name: str
    level: TriageLevel
    reason: str
    patient_advice: str
    all_of: list[Identifier] = Field(default_factory=list)
    any_of: list[Identifier] = Field(default_factory=list)
    at_least: int | None = Field(default=None, ge=1)
    of: list[Identifier] = Field(default_factory=list)
    and_any_of: list[list[Identifier]] = Field(
        default_factory=list, description="Further groups: at least one finding of each group"
    )
    suspects: list[Identifier] = Field(
        default_factory=list, description="Conditions the rule raises (named as triage.suspected)"
    )
    unless_absent: list[list[Identifier]] = Field(
        default_factory=list,
        description=(
            "Closers, for a rule that infers a danger from its risk (an embolic source and a new numb leg): "
            "the rule does not fire when each group has a finding known absent and no finding of any group "
            "is present (the examined limb found warm with pulses). Unknown is not absent: an unexamined "
            "limb keeps the rule; a finding added present can only reopen it."
        ),
    )
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_clause(self) -> TriageRule:
        if any(not group for group in self.and_any_of):
            raise ValueError("'and_any_of' groups must not be empty")
        if any(not group for group in self.unless_absent):
            raise ValueError("'unless_absent' groups must not be empty")
        if not (self.all_of or self.any_of or self.of):
            raise ValueError("a rule needs at least one of all_of, any_of, of")
        if (self.at_least is None) != (not self.of):
            raise ValueError("'at_least' and 'of' go together")
        if self.at_least is not None and self.at_least > len(self.of):
            raise ValueError("'at_least' exceeds the number of findings in 'of'")
        return self


class SuspicionRule(Strict):
    """Escalation from the differential: a dangerous condition above a probability."""

    condition: Identifier
    min_probability: Probability
    level: TriageLevel
    reason: str


class ScreeningRule(Strict):
    """Self-care is advised only once the dangerous causes have been asked about.

    Every finding in ``requires_absent`` must be explicitly absent (unknown is not absent);
    otherwise the level is at least ``otherwise``.
    """

    requires_absent: list[Identifier] = Field(min_length=1)
    otherwise: TriageLevel
    reason: str
    sources: list[str] = Field(min_length=1)


class DefiningFindings(Strict):
    """A condition defined by a finding of its own part of the body (acute limb ischaemia by a threatened
    limb, cellulitis by an inflamed area of skin) sets the triage level through its probability (its
    suspicion rules, its urgency as the most likely or a likely condition) only when one of these
    findings is present. Risk factors alone (atrial fibrillation, known arterial disease, a fever) can
    make it probable in a patient whose complaint is elsewhere; the differential still shows it."""

    condition: Identifier
    any_of: list[Identifier] = Field(min_length=1)
    known_absent: list[Identifier] = Field(
        min_length=1,
        description="The gate closes only when every one of these is known absent (unknown is not absent: a "
        "limb the note says nothing of may hold the finding the reader missed)",
    )
    otherwise: TriageLevel = Field(
        description="The most urgent level the condition's probability may call for without one of them"
    )
    reason: str
    sources: list[str] = Field(min_length=1)


class Triage(Strict):
    red_flags: list[TriageRule]
    suspicion: list[SuspicionRule]
    self_care_screen: ScreeningRule | None = None
    defining_findings: list[DefiningFindings] = Field(default_factory=list)
    likely_probability: Probability = Field(
        description="A condition other than the most probable sets the level through its own urgency "
        "when its probability is at or above this"
    )
    suspect_fraction: Probability = Field(
        description="A red-flag rule that names several conditions suspects those the full "
        "differential holds at or above this fraction of the most probable one's probability"
    )


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class PlanKind(StrEnum):
    SAFETY = "safety"
    SELF_CARE = "self-care"
    CONSERVATIVE = "conservative"
    MEDICATION = "medication"
    IMAGING = "imaging"
    TEST = "test"
    INJECTION = "injection"
    SURGERY = "surgery"
    REFERRAL = "referral"
    AVOID = "avoid"


class PlanOrder(Strict):
    """The study a step orders, as a clinical decision support card suggests it (interop/cds_cards.py)."""

    label: str = Field(description="The study in words ('MRI lumbar spine')")
    loinc: str | None = Field(default=None, description="LOINC code of the study; None: no code")
    loinc_display: str | None = None


class PlanStep(Strict):
    id: Identifier
    kind: PlanKind
    recommendation: Literal["do", "consider", "do-not"]
    step: str
    when: str
    conditions: list[Identifier] = Field(min_length=1, description="'any' for all conditions")
    min_severity: Severity | None = None
    max_severity: Severity | None = None
    min_duration_days: float | None = None
    max_duration_days: float | None = None
    triage_levels: list[TriageLevel] = Field(default_factory=list)
    imaging_status: list[Literal["concordant", "discordant", "indeterminate", "no imaging"]] = Field(
        default_factory=list,
        description="Imaging concordance statuses under which the step applies (empty: any)",
    )
    patient: str | None = Field(
        default=None,
        description="The step in plain words for patients (US grade 8 or below); None: clinicians only",
    )
    patient_needs: list[Identifier] = Field(
        default_factory=list,
        description="Findings that must be present before a patient is shown this step (foot drop for "
        "an ankle-foot orthosis): patients see only steps that fit what is known",
    )
    order: PlanOrder | None = Field(
        default=None,
        description="A spine MRI this step calls for, suggested as an order on urgent and emergency "
        "decision support cards",
    )
    sources: list[str] = Field(min_length=1)


# --------------------------------------------------------------------------- engine model


class TensionSign(Strict):
    """A side-specific provocative test and the lesion sites whose side it points to."""

    finding: Identifier
    roots: list[RootId] = Field(default_factory=list)
    nerves: list[Identifier] = Field(default_factory=list)
    sites: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]] = Field(default_factory=list)
    in_territory: Probability | None = Field(
        default=None,
        description="P(sign | a lesion in its territory) when the sign's own level-specific figure "
        "should replace the condition's (a condition-level rate averaged over levels, e.g. the "
        "femoral stretch in disc herniation, mostly at L5/S1); None: the condition's rate applies",
    )
    sources: list[str] = Field(min_length=1)


class ImagingZones(Strict):
    """The herniation zone an imaging lesion is read in when the report states none."""

    unstated: HerniationZone = Field(description="A lesion reported without a zone")
    of_kind: dict[ImagingKind, HerniationZone] = Field(
        default_factory=dict,
        description="Lesion kinds that always lie in one zone, whatever the report says "
        "(cauda equina compression: central)",
    )


class AgeRelatedReflexLoss(Strict):
    """Reflexes that healthy older people often lose: weaker evidence of a lesion at that age."""

    reflexes: list[Identifier]
    age_min: float
    rate: Probability


class RootSpecificRate(Strict):
    """A level-specific probability that replaces a pooled one for one root and one target.

    Deficits differ in accuracy by level and muscle (EHL for L5, plantar flexion and the ankle jerk
    for S1, the knee jerk for L3/L4): where a study reports one root's own figure, it is used.
    """

    root: RootId
    modality: Literal["sensory", "pain", "weakness", "reflex"]
    target: Identifier = Field(description="Region, movement or reflex id")
    p: Probability


class SiteKindFinding(Strict):
    """A finding that tells the kind of lesion, not its level or nerve.

    An examiner's "dermatomal" sensory loss or an electrodiagnostic study read as a
    radiculopathy says a root is affected without saying which one: it raises every root (and
    several-root site) on its side by the same ratio against a nerve, the plexus or no lesion.
    """

    finding: Identifier
    kinds: list[SiteKind] = Field(min_length=1, description="Site kinds the finding points to")
    in_kind: Probability = Field(description="P(finding | a lesion of these kinds on its side)")
    otherwise: Probability = Field(description="P(finding | any other site, or no lesion)")


class ReportedWeakness(Strict):
    """A deficit the patient reports that names a movement ("my foot drops": ankle dorsiflexion).

    Read as that movement weak on its side when the examination does not grade the movement there,
    as the text reader reads "foot drop"; a grade, when given, is what counts.
    """

    finding: Identifier
    movement: Identifier
    text_grade: Number = Field(
        description="The MRC grade the text reader records for the movement when a note names the "
        "deficit ('foot drop': ankle dorsiflexion at the best grade the term allows)"
    )


class GradedTerritory(Strict):
    """How a root lesion shows beyond its own territory, and how a several-root lesion shows.

    Radicular symptoms spread over neighbouring dermatomes and muscles have minor root supplies, so
    a root's territory is graded: its own map (the ``*_in_territory`` numbers), the neighbouring
    roots' maps or a minor supply (``adjacent``), and everything else (``*_outside_territory``).
    A several-root lesion (``multi_root``) spreads over a wide territory, each region less
    consistently than a single compressed root's own.
    """

    pain_adjacent_root: Probability
    sensory_adjacent_root: Probability
    weakness_minor_root: Probability
    reflex_minor_root: Probability
    multi_root_pain: Probability
    multi_root_sensory: Probability
    multi_root_weakness: Probability
    multi_root_reflex: Probability
    root_specific: list[RootSpecificRate] = Field(default_factory=list)


class LocalisationModel(Strict):
    """Probabilities that tie a lesion site to what the examiner and patient observe."""

    sensory_in_territory: Probability
    sensory_outside_territory: Probability
    pain_in_territory: Probability
    pain_outside_territory: Probability
    pain_without_lesion: Probability = Field(description="Pain in a region with no nerve lesion")
    weakness_without_lesion: Probability | None = Field(
        default=None,
        description="P(one movement graded weak | no nerve lesion): the no-lesion site's rate for an "
        "objective weakness; None: the outside-territory rate",
    )
    weakness_in_territory: Probability
    weakness_outside_territory: Probability
    reflex_loss_in_territory: Probability
    reflex_loss_outside_territory: Probability
    age_related_reflex_loss: AgeRelatedReflexLoss | None = None
    imaging_zones: ImagingZones | None = Field(
        default=None,
        description="Zones of imaging lesions that state none (engine/encode.imaged_roots_and_sides); "
        "None: such a lesion names no root",
    )
    symmetric_reflex_grade: Number | None = Field(
        default=None,
        description="A reflex graded this (1+, present but reduced) on both sides and nowhere "
        "absent is normal variation, not a deficit: it is not scored; None: every reduced grade is",
    )
    tension_sign_in_territory: Probability | None = Field(
        default=None,
        description="Unused by the engine since signs carry their own level-specific rate "
        "(TensionSign.in_territory) or take the condition's cited rate; kept optional so older "
        "knowledge files load",
    )
    tension_sign_outside_territory: Probability
    absence_weight: Number = Field(
        description="Weight (0-1] on evidence from a normal test in a territory: findings within "
        "one territory are correlated, so counting each normal test fully overcounts"
    )
    imaging_compression_of_root: Probability
    imaging_compression_elsewhere: Probability
    imaging_compression_elsewhere_by_root: dict[str, Probability] = Field(
        default_factory=dict,
        description="P(one given root on one side shown compressed | no lesion there), per root where "
        "the level's rate is published; roots not listed take imaging_compression_elsewhere",
    )
    imaging_kinds_shown: dict[Identifier, list[ImagingKind]] = Field(
        default_factory=dict,
        description="The imaging kinds a report uses for a condition's lesion (a disc herniation is "
        "reported as a disc, foraminal stenosis as stenosis): a root shown compressed only by another "
        "kind is an incidental finding under that condition, whatever its site; conditions not "
        "listed: any kind",
    )
    upper_motor_neuron_sign_with_cord: Probability
    upper_motor_neuron_sign_otherwise: Probability
    tension_signs: list[TensionSign] = Field(default_factory=list)
    unilateral_pattern_with_one_sided_lesion: Probability | None = Field(
        default=None, description="P(all sided findings on one side | a root, nerve or plexus lesion)"
    )
    spinal_threshold: Probability = Field(description="p_spinal above which the verdict is spinal")
    graded: GradedTerritory | None = Field(
        default=None, description="Graded root territories; None: crisp in/out territories"
    )
    vague_regions: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict,
        description="Regions a note marks together when it names a part of the leg without saying "
        "which aspect ('pain in the thigh'): on a partial map read from text, such a set is one "
        "observation, 'somewhere in the thigh', not one per region",
    )
    neighbouring_aspects: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict,
        description="Two neighbouring aspects of one part a note names together ('the front and "
        "outer side of the lower leg'): on a partial map read from text, one observation like a "
        "vague part (one area of symptom, not two independent regions)",
    )
    site_kind_findings: list[SiteKindFinding] = Field(
        default_factory=list,
        description="Findings that point to a kind of lesion site (a root) without naming it",
    )
    reported_weakness: list[ReportedWeakness] = Field(
        default_factory=list,
        description="Reported deficits read as a weak movement on their side when the examination "
        "does not grade that movement there",
    )
    laterality_findings: list[Identifier] = Field(
        default_factory=list,
        description="Leg symptoms and signs whose stated side is the side of the lesion's findings "
        "('pain down the right leg', 'numbness in the right leg', 'SLR positive on the right'): they "
        "count with the sided regions and movements when judging whether the findings keep "
        "to one side",
    )
    sided_leg_symptoms: dict[Identifier, Literal["pain", "sensory"]] = Field(
        default_factory=dict,
        description="Leg symptoms stated with a side but no part of the leg ('right-sided "
        "sciatica'): read as the symptom somewhere in that leg (the 'leg' of vague_regions; "
        "pain, or numbness and tingling as sensory) when the body map marks nothing of that kind "
        "on that side, so the stated side counts for the lesion's side",
    )
    both_legs_from_sides: BothLegsFromSides | None = Field(
        default=None,
        description="A finding of symptoms in both legs that holds when leg symptoms are stated for "
        "the left leg and for the right leg ('right sciatica ... his left leg became numb'), "
        "whatever the body map marks",
    )

    @property
    def symptom_groups(self) -> dict[str, list[str]]:
        """Sets of regions a partial map's symptom is one observation over: neighbouring aspects
        first, so a whole part (vague_regions) marked in full is that part's one observation."""
        return {**self.neighbouring_aspects, **self.vague_regions}


class BothLegsFromSides(Strict):
    """Symptoms in both legs from sided leg symptoms (localisation.yaml both_legs_from_sides)."""

    finding: Identifier = Field(description="the both-legs finding made present")
    sided: list[Identifier] = Field(min_length=1, description="lateral findings whose sides are read")


class SeverityCutPoints(Strict):
    """Where a motor grade, a pain score, a disability score and a duration change severity."""

    mrc_severe_max: Number = Field(description="MRC grade at or below which weakness is severe")
    mrc_moderate_max: Number = Field(description="MRC grade at or below which weakness is moderate")
    pain_severe_min: Number = Field(description="Pain NRS (0-10) from which pain is severe")
    pain_moderate_min: Number = Field(description="Pain NRS from which pain is moderate")
    odi_severe_above: Number = Field(
        description="Oswestry Disability Index (%) above which disability is severe"
    )
    odi_moderate_above: Number = Field(description="ODI above which disability is moderate")
    chronic_days: Number = Field(description="Duration (days) from which symptoms are chronic")


class PatientWording(Strict):
    """Probability cut-offs of the words a patient reads for a cause (most likely / possible)."""

    shown_from: Probability = Field(description="Causes below this probability are not shown")
    possible_from: Probability
    likely_from: Probability


class LocalisationCutPoints(Strict):
    """When a site posterior names a root, and which neighbouring root it names beside it."""

    localised_probability: Probability = Field(
        description="A clinical picture localises to a root when the leading root holds at least "
        "this share of the site posterior (imaging concordance, engine/concordance.py)"
    )
    close_alternative: Probability = Field(
        description="A neighbouring root at or above this fraction of the leading root's "
        "probability is named beside it ('L5, possibly S1') and counts for concordance"
    )


class Thresholds(Strict):
    """Clinical cut-points the code applies, kept as cited numbers (issue 12 item 7)."""

    severity: SeverityCutPoints
    localisation: LocalisationCutPoints
    plan_probability: Probability = Field(
        description="Plan steps are proposed for the leading condition and any other at or above this"
    )
    patient_wording: PatientWording


class Priors(Strict):
    """What the differential does not cover, per setting.

    Each setting's condition priors plus ``not_modelled`` sum to 1 (checked by the validator).
    The engine ranks the modelled conditions: their probabilities are conditional on the cause
    being one of them. The not-modelled mass is reported (``nervemap kb stats``, ``kb params
    --applied``), not scored as a competitor (docs/how-it-reasons.md, "Priors").
    """

    not_modelled: dict[Setting, Probability]


# --------------------------------------------------------------------------- follow-up (issue 19)

ScoreField = Literal["leg_pain_nrs", "back_pain_nrs", "pain_nrs", "psfs", "rmdq", "odi"]


class FollowupMeasure(Strict):
    """A course measure compared between check-ins, with its minimal important change."""

    id: Identifier
    name: str
    patient_name: str
    scale: str = Field(description="The scale in words, e.g. '0-10 NRS, 0 = no pain'")
    higher_is_better: bool
    fields: list[ScoreField] = Field(
        min_length=1, description="Case.scores fields read for this measure, first present wins"
    )
    minimal_important_change: Number = Field(
        description="Smallest change in points that counts as improved or worse"
    )
    minimal_important_percent: Number | None = Field(
        default=None,
        description="An improvement of at least this percentage of the previous value also counts "
        "(applied to improvement only: the published relative figures are for improvement)",
    )
    licence: str = Field(description="Who may use the instrument, and on what terms")


class ScheduleInterval(Strict):
    weeks: Number = Field(description="Weeks after the episode's first check-in")
    reason: str


class FollowupSchedule(Strict):
    """When to re-assess: the routine intervals, the earlier one with a motor deficit."""

    conservative: list[ScheduleInterval] = Field(min_length=1)
    motor_deficit: list[ScheduleInterval] = Field(
        default_factory=list, description="Added to the conservative ones when a motor deficit is present"
    )
    deficit_below_grade: Number = Field(description="An MRC grade below this is a motor deficit")
    held_levels: list[TriageLevel] = Field(
        min_length=1,
        description="Triage levels with no routine schedule: a clinician reviews first, and the "
        "episode's level does not fall below them until a clinician has reviewed a check-in",
    )


class FollowupRuleKind(StrEnum):
    MOTOR_DEFICIT = "motor_deficit"
    NEW_FINDINGS = "new_findings"
    NOT_IMPROVING = "not_improving"
    SPREADING_MAP = "spreading_map"


class FollowupRule(Strict):
    """An escalation rule read at every check-in against the previous one (or the first)."""

    id: Identifier
    kind: FollowupRuleKind
    level: TriageLevel = Field(description="The episode's triage rises at least to this level")
    clinician: str = Field(description="Why, for the clinician; {detail} is replaced by what changed")
    patient: str = Field(description="Plain words for the patient (US grade 8 or below)")
    sources: list[str] = Field(min_length=1)
    plan_step: Identifier | None = Field(default=None, description="A follow-up step the rule asks for")
    findings: list[Identifier] = Field(
        default_factory=list, description="new_findings: any of these newly present fires the rule"
    )
    new_grade_max: Number | None = Field(
        default=None, description="motor_deficit: a newly examined movement at or below this grade"
    )
    grade_drop_min: Number | None = Field(
        default=None, description="motor_deficit: a fall of at least this many grades"
    )
    from_weeks: Number | None = Field(
        default=None, description="not_improving: from this many weeks of symptoms"
    )
    measures: list[Identifier] = Field(
        default_factory=list,
        description="not_improving: the rule fires when none of these improved by its minimal "
        "important change since the first check-in",
    )

    @model_validator(mode="after")
    def _parameters_of_kind(self) -> FollowupRule:
        needs: dict[FollowupRuleKind, bool] = {
            FollowupRuleKind.MOTOR_DEFICIT: self.new_grade_max is not None
            and self.grade_drop_min is not None,
            FollowupRuleKind.NEW_FINDINGS: bool(self.findings),
            FollowupRuleKind.NOT_IMPROVING: self.from_weeks is not None and bool(self.measures),
            FollowupRuleKind.SPREADING_MAP: True,
        }
        if not needs[self.kind]:
            raise ValueError(f"rule '{self.id}' of kind {self.kind.value} lacks the fields it needs")
        return self


class FollowupStep(Strict):
    """A plan step that a follow-up rule asks for (not proposed by a single assessment)."""

    id: Identifier
    kind: PlanKind
    recommendation: Literal["do", "consider", "do-not"]
    step: str
    patient: str
    sources: list[str] = Field(min_length=1)


class Followup(Strict):
    """Follow-up over time (followup.yaml): measures, schedule, escalation rules."""

    measures: list[FollowupMeasure] = Field(min_length=1)
    function_measures: list[Identifier] = Field(
        min_length=1, description="Function measures in order of preference (first present is shown)"
    )
    function_choice: str = Field(description="Why this function measure, and its licence")
    distal_order: list[list[RegionGroup]] = Field(
        min_length=2,
        description="Body-map region groups from the spine to the foot; groups in one entry share a "
        "rank. Groups not listed (the perineum) are not on the leg and have no rank",
    )
    schedule: FollowupSchedule
    rules: list[FollowupRule] = Field(min_length=1)
    steps: list[FollowupStep] = Field(default_factory=list)


class KnowledgeBase(Strict):
    version: str
    sources: list[Source]
    anatomy: Anatomy
    findings: list[Finding]
    conditions: list[Condition]
    triage: Triage
    plans: list[PlanStep]
    localisation: LocalisationModel
    reference_ranges: list[Quantity] = Field(default_factory=list)
    priors: Priors | None = Field(
        default=None, description="None: a small knowledge base without priors.yaml"
    )
    thresholds: Thresholds | None = Field(
        default=None,
        description="None: a small knowledge base without thresholds.yaml (the packaged ones apply)",
    )
    followup: Followup | None = Field(
        default=None,
        description="None: a small knowledge base without followup.yaml (the packaged one applies)",
    )
