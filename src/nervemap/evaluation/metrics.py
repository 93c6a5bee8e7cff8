"""Evaluation metrics: pure functions over (expectation, assessment) pairs.

Every figure is a :class:`Rate` or :class:`Count` that carries its numerator and denominator, so a
report can always show "62.5 % (25/40)" and never a bare percentage. An assessment of ``None``
means the system produced nothing for that case (an error); it counts as a miss wherever the case
is eligible, and as unsafe when the case is an emergency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nervemap.engine.assessment import Assessment, DifferentialEntry
from nervemap.knowledge.models import TRIAGE_ORDER, SiteKind, TriageLevel

LEVELS: tuple[str, ...] = tuple(str(level) for level in TRIAGE_ORDER)
SITE_KINDS: tuple[str, ...] = tuple(str(kind) for kind in SiteKind)
# Lesion sites away from the spine that a root-level answer can be confused with.
MIMIC_SITES: tuple[str, ...] = (str(SiteKind.PERIPHERAL_NERVE), str(SiteKind.PLEXUS))
RELIABILITY_BINS = 5


def level_rank(level: str | TriageLevel) -> int:
    return LEVELS.index(str(level))


@dataclass(frozen=True)
class Expectation:
    """What a case's source says the answer is (one devset line's ``expect`` plus scope)."""

    condition: str | None = None
    icd10_any: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    source: str | None = None
    root: str | None = None
    side: str | None = None
    triage_ok: tuple[str, ...] = ()
    is_emergency: bool = False
    in_scope: bool = True
    site: str | None = None  # a SiteKind value: root, peripheral-nerve, plexus, none, ...
    nerve: str | None = None  # a knowledge-base nerve id, for a peripheral-nerve site

    def __post_init__(self) -> None:
        for level in self.triage_ok:
            if level not in LEVELS:
                raise ValueError(f"unknown triage level {level!r}")
        if self.site is not None and self.site not in SITE_KINDS:
            raise ValueError(f"unknown site kind {self.site!r} (expected one of {', '.join(SITE_KINDS)})")
        if self.nerve is not None and self.site != str(SiteKind.PERIPHERAL_NERVE):
            raise ValueError(f"a nerve ({self.nerve!r}) needs site 'peripheral-nerve', not {self.site!r}")

    @classmethod
    def from_dict(cls, expect: dict[str, Any], *, in_scope: bool = True) -> Expectation:
        """Read a devset ``expect``; golden-case spellings (``triage``, ``source_verdict``) too."""
        stated = [expect["triage"]] if expect.get("triage") else []
        accepted = tuple(dict.fromkeys([*stated, *(expect.get("triage_ok") or ())]))
        emergency_only = bool(accepted) and set(accepted) == {"emergency"}
        return cls(
            condition=expect.get("condition"),
            icd10_any=tuple(expect.get("icd10_any") or ()),
            also=tuple(expect.get("also") or ()),
            source=expect.get("source") or expect.get("source_verdict"),
            root=expect.get("root"),
            side=expect.get("side"),
            triage_ok=accepted,
            is_emergency=bool(expect.get("is_emergency", emergency_only)),
            in_scope=in_scope,
            site=expect.get("site"),
            nerve=expect.get("nerve"),
        )

    @property
    def lowest_ok(self) -> str | None:
        return min(self.triage_ok, key=level_rank) if self.triage_ok else None

    @property
    def highest_ok(self) -> str | None:
        return max(self.triage_ok, key=level_rank) if self.triage_ok else None


Pair = tuple[Expectation, Assessment | None]


@dataclass(frozen=True)
class Rate:
    hits: int
    n: int

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None

    def __str__(self) -> str:
        if not self.n:
            return "n/a (0/0)"
        return f"{100 * self.hits / self.n:.1f}% ({self.hits}/{self.n})"

    def to_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "n": self.n, "value": self.value}


@dataclass(frozen=True)
class Count:
    """Events among eligible cases (e.g. unsafe under-triage among cases with a triage label)."""

    events: int
    n: int

    def __str__(self) -> str:
        return f"{self.events} of {self.n}"

    def to_dict(self) -> dict[str, Any]:
        return {"events": self.events, "n": self.n}


@dataclass(frozen=True)
class ReliabilityBin:
    lower: float
    upper: float
    n: int
    mean_probability: float | None
    accuracy: float | None
    # the share whose top-1 is the named condition itself (no ICD-10 prefix, no ``also``): the event
    # the top-1 probability is about when a key accepts several conditions (docs/calibration.md)
    exact_accuracy: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "n": self.n,
            "mean_probability": self.mean_probability,
            "accuracy": self.accuracy,
            "exact_accuracy": self.exact_accuracy,
        }


@dataclass(frozen=True)
class Metrics:
    n_cases: int
    top1: Rate
    top3: Rate
    root: Rate
    side: Rate
    source: Rate
    triage: Rate
    unsafe_under_triage: Count
    over_triage: Rate
    brier: float | None
    brier_n: int
    reliability: tuple[ReliabilityBin, ...]
    errors: int
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    site: Rate = Rate(0, 0)
    site_mimic: Rate = Rate(0, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_cases": self.n_cases,
            "top1": self.top1.to_dict(),
            "top3": self.top3.to_dict(),
            "root": self.root.to_dict(),
            "side": self.side.to_dict(),
            "site": self.site.to_dict(),
            "site_mimic": self.site_mimic.to_dict(),
            "source": self.source.to_dict(),
            "triage": self.triage.to_dict(),
            "unsafe_under_triage": self.unsafe_under_triage.to_dict(),
            "over_triage": self.over_triage.to_dict(),
            "brier": {"value": self.brier, "n": self.brier_n},
            "reliability": [b.to_dict() for b in self.reliability],
            "errors": self.errors,
            "confusion": self.confusion,
        }


# --------------------------------------------------------------------------- single-case checks


def codes_match(codes: Iterable[str], prefixes: Iterable[str]) -> bool:
    """True when a code starts with an accepted prefix or the reverse (dots ignored)."""
    norm = [p.replace(".", "").upper() for p in prefixes if p]
    for code in codes:
        c = code.replace(".", "").upper()
        if any(c.startswith(p) or p.startswith(c) for p in norm):
            return True
    return False


def condition_hit(expectation: Expectation, entry: DifferentialEntry) -> bool:
    if expectation.condition is not None and entry.id == expectation.condition:
        return True
    if entry.id in expectation.also:
        return True
    return codes_match(entry.icd10, expectation.icd10_any)


def rank_of_hit(expectation: Expectation, assessment: Assessment | None) -> int | None:
    """1-based rank of the first differential entry that hits, or None."""
    if assessment is None:
        return None
    for i, entry in enumerate(assessment.differential, start=1):
        if condition_hit(expectation, entry):
            return i
    return None


def has_condition(expectation: Expectation) -> bool:
    return expectation.condition is not None or bool(expectation.icd10_any)


def top_root(assessment: Assessment | None) -> str | None:
    if assessment is None or not assessment.localization:
        return None
    return assessment.localization[0].root


def top_side(assessment: Assessment | None) -> str | None:
    if assessment is None or not assessment.localization:
        return None
    return assessment.localization[0].side


def top_site(assessment: Assessment | None) -> tuple[str, str | None] | None:
    """(site kind, nerve id) of the top localisation."""
    if assessment is None or not assessment.localization:
        return None
    top = assessment.localization[0]
    return str(top.site), top.nerve


def site_hit(expectation: Expectation, assessment: Assessment | None) -> bool:
    """The top localisation names the expected lesion kind and, for a nerve, that nerve."""
    top = top_site(assessment)
    if top is None or expectation.site is None:
        return False
    kind, nerve = top
    return kind == expectation.site and (expectation.nerve is None or nerve == expectation.nerve)


def triage_level(assessment: Assessment | None) -> str | None:
    return None if assessment is None else str(assessment.triage.level)


def is_unsafe(expectation: Expectation, assessment: Assessment | None) -> bool:
    """Under-triage that matters: an emergency not called one, or below an urgent floor."""
    level = triage_level(assessment)
    if expectation.is_emergency and level != str(TriageLevel.EMERGENCY):
        return True
    floor = expectation.lowest_ok
    if floor is None or level_rank(floor) < level_rank(TriageLevel.URGENT):
        return False
    return level is None or level_rank(level) < level_rank(floor)


def is_over_triaged(expectation: Expectation, assessment: Assessment | None) -> bool:
    level = triage_level(assessment)
    ceiling = expectation.highest_ok
    return level is not None and ceiling is not None and level_rank(level) > level_rank(ceiling)


# --------------------------------------------------------------------------- aggregates


def topk_accuracy(pairs: Sequence[Pair], k: int) -> Rate:
    eligible = [(e, a) for e, a in pairs if has_condition(e)]
    hits = 0
    for e, a in eligible:
        rank = rank_of_hit(e, a)
        hits += rank is not None and rank <= k
    return Rate(hits, len(eligible))


def root_accuracy(pairs: Sequence[Pair]) -> Rate:
    eligible = [(e, a) for e, a in pairs if e.root]
    return Rate(sum(top_root(a) == e.root for e, a in eligible), len(eligible))


def side_accuracy(pairs: Sequence[Pair]) -> Rate:
    eligible = [(e, a) for e, a in pairs if e.side]
    return Rate(sum(top_side(a) == e.side for e, a in eligible), len(eligible))


def site_accuracy(pairs: Sequence[Pair], kinds: Sequence[str] | None = None) -> Rate:
    """Top-1 lesion kind (and nerve) among cases that state a site, optionally of some kinds."""
    eligible = [(e, a) for e, a in pairs if e.site and (kinds is None or e.site in kinds)]
    return Rate(sum(site_hit(e, a) for e, a in eligible), len(eligible))


def source_accuracy(pairs: Sequence[Pair]) -> Rate:
    """Spinal / non-spinal verdict; "uncertain" counts as a miss."""
    eligible = [(e, a) for e, a in pairs if e.source in ("spinal", "non-spinal")]
    hits = sum(a is not None and a.source.verdict == e.source for e, a in eligible)
    return Rate(hits, len(eligible))


def triage_accuracy(pairs: Sequence[Pair]) -> Rate:
    eligible = [(e, a) for e, a in pairs if e.triage_ok]
    return Rate(sum(triage_level(a) in e.triage_ok for e, a in eligible), len(eligible))


def unsafe_under_triage(pairs: Sequence[Pair]) -> Count:
    eligible = [(e, a) for e, a in pairs if e.triage_ok or e.is_emergency]
    return Count(sum(is_unsafe(e, a) for e, a in eligible), len(eligible))


def over_triage_rate(pairs: Sequence[Pair]) -> Rate:
    eligible = [(e, a) for e, a in pairs if e.triage_ok]
    return Rate(sum(is_over_triaged(e, a) for e, a in eligible), len(eligible))


def top1_calibration_pairs(pairs: Sequence[Pair]) -> list[tuple[float, bool]]:
    """(top-1 probability, top-1 correct) for cases with an expected condition and an output."""
    out: list[tuple[float, bool]] = []
    for e, a in pairs:
        if not has_condition(e) or a is None or not a.differential:
            continue
        out.append((a.differential[0].probability, condition_hit(e, a.differential[0])))
    return out


def top1_exact_hits(pairs: Sequence[Pair]) -> list[bool]:
    """For the cases of :func:`top1_calibration_pairs`, in its order: the top-1 is the named condition."""
    out: list[bool] = []
    for e, a in pairs:
        if not has_condition(e) or a is None or not a.differential:
            continue
        out.append(e.condition is not None and a.differential[0].id == e.condition)
    return out


def brier_score(points: Sequence[tuple[float, bool]]) -> float | None:
    if not points:
        return None
    return sum((p - float(y)) ** 2 for p, y in points) / len(points)


def reliability_table(
    points: Sequence[tuple[float, bool]],
    bins: int = RELIABILITY_BINS,
    exact: Sequence[bool] | None = None,
) -> tuple[ReliabilityBin, ...]:
    """Equal-width bins of the probability; ``exact`` (one flag per point) adds each bin's exact
    accuracy."""
    if exact is not None and len(exact) != len(points):
        raise ValueError("one exact flag per point")
    table: list[ReliabilityBin] = []
    for i in range(bins):
        lower, upper = i / bins, (i + 1) / bins
        rows = [k for k, (p, _) in enumerate(points) if lower <= p < upper or (i == bins - 1 and p == 1.0)]
        n = len(rows)
        table.append(
            ReliabilityBin(
                lower=lower,
                upper=upper,
                n=n,
                mean_probability=sum(points[k][0] for k in rows) / n if n else None,
                accuracy=sum(points[k][1] for k in rows) / n if n else None,
                exact_accuracy=sum(exact[k] for k in rows) / n if n and exact is not None else None,
            )
        )
    return tuple(table)


NONE_LABEL = "(none)"


def confusion(pairs: Sequence[Pair]) -> dict[str, dict[str, int]]:
    """expected condition -> predicted top-1 id -> count (a hit by ICD/also counts as expected)."""
    table: dict[str, dict[str, int]] = {}
    for e, a in pairs:
        if e.condition is None:
            continue
        if a is None or not a.differential:
            predicted = NONE_LABEL
        else:
            top = a.differential[0]
            predicted = e.condition if condition_hit(e, top) else top.id
        row = table.setdefault(e.condition, {})
        row[predicted] = row.get(predicted, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def compute_metrics(pairs: Sequence[Pair]) -> Metrics:
    points = top1_calibration_pairs(pairs)
    return Metrics(
        n_cases=len(pairs),
        top1=topk_accuracy(pairs, 1),
        top3=topk_accuracy(pairs, 3),
        root=root_accuracy(pairs),
        side=side_accuracy(pairs),
        source=source_accuracy(pairs),
        triage=triage_accuracy(pairs),
        unsafe_under_triage=unsafe_under_triage(pairs),
        over_triage=over_triage_rate(pairs),
        brier=brier_score(points),
        brier_n=len(points),
        reliability=reliability_table(points, exact=top1_exact_hits(pairs)),
        errors=sum(a is None for _, a in pairs),
        confusion=confusion(pairs),
        site=site_accuracy(pairs),
        site_mimic=site_accuracy(pairs, MIMIC_SITES),
    )
