"""Where the top-1 probability is and is not calibrated: the reliability table split into strata.

``nervemap evaluate`` gives one reliability table per file. A table that is off can be off for
reasons that have nothing to do with the likelihoods: the answer key may accept several conditions
(ICD-10 prefixes and ``also`` lists, notes naming several diagnoses), or the file's case mix may
differ from the populations the priors describe (exam questions about rare diseases, case reports of
unusual causes). This module splits the table so the reasons can be told apart
(docs/calibration.md):

- ``exact``: a hit only when the top-1 condition is the case's named ``condition`` (no ICD-10
  prefix, no ``also``), against the usual hit;
- ``labels``: cases whose key names one condition against those with an ``also`` list;
- ``prior``: the top-1 condition's prior in the case's setting (``COMMON_PRIOR``): a common answer
  against a rare one; a file whose case mix is richer in rare conditions than the priors shows a
  rare stratum right more often than its probability says;
- ``category`` (spinal / non-spinal top-1) and ``dataset``.

Every stratum is shown twice: with the usual hit and with the exact one. Run
``python -m nervemap.evaluation.calibration FILE.jsonl [...]`` (seconds per file, after the text
reader has loaded). Nothing is fitted or written: this is a measurement.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nervemap.engine.assessment import Assessment
from nervemap.evaluation.metrics import (
    ReliabilityBin,
    brier_score,
    condition_hit,
    has_condition,
    reliability_table,
)
from nervemap.evaluation.runner import EvaluationResult, evaluate_file

# A top-1 condition whose prior in the case's setting is below this is "rare" in the prior stratum.
# An analysis cut, not clinical knowledge: about the prior at which a condition stops being among
# the few that hold most of a setting's prior mass.
COMMON_PRIOR = 0.05
# The issue 12 floor: a bin with at least MIN_BIN cases whose mean probability and accuracy differ
# by more than TOLERANCE is flagged.
MIN_BIN = 10
TOLERANCE = 0.1


@dataclass(frozen=True)
class Point:
    """One case with an expected condition and a differential."""

    id: str
    probability: float  # top-1 probability
    hit: bool  # the usual hit: id, ``also`` or ICD-10 prefix
    exact: bool  # the top-1 is the named condition
    top: str
    category: str  # spinal / non-spinal, of the top-1 condition
    dataset: str
    several_accepted: bool  # the key has an ``also`` list
    common: bool | None  # the top-1 condition's prior in the case's setting >= COMMON_PRIOR


@dataclass(frozen=True)
class Stratum:
    name: str
    n: int
    brier: float | None
    bins: tuple[ReliabilityBin, ...]

    @property
    def flagged(self) -> list[ReliabilityBin]:
        """Bins of at least MIN_BIN cases off by more than TOLERANCE."""
        return [
            b
            for b in self.bins
            if b.n >= MIN_BIN
            and b.mean_probability is not None
            and b.accuracy is not None
            and abs(b.mean_probability - b.accuracy) > TOLERANCE
        ]


def points(
    result: EvaluationResult,
    settings: Sequence[str | None] = (),
    priors: Mapping[str, Mapping[str, float]] | None = None,
) -> list[Point]:
    """The in-scope cases with an expected condition and a differential. ``settings`` holds each
    outcome's setting (in the order of ``result.outcomes``; :class:`Recorder`), ``priors`` each
    setting's prior per condition; without them the prior stratum is left out."""
    out: list[Point] = []
    for i, outcome in enumerate(result.outcomes):
        expectation, assessment = outcome.pair
        if not outcome.in_scope or assessment is None or not assessment.differential:
            continue
        if not has_condition(expectation):
            continue
        top = assessment.differential[0]
        setting = settings[i] if i < len(settings) else None
        known = None if priors is None or setting is None else priors.get(setting)
        prior = None if known is None else known.get(top.id)
        out.append(
            Point(
                id=outcome.id,
                probability=top.probability,
                hit=condition_hit(expectation, top),
                exact=expectation.condition is not None and top.id == expectation.condition,
                top=top.id,
                category=top.category,
                dataset=outcome.dataset or "?",
                several_accepted=bool(expectation.also),
                common=None if prior is None else prior >= COMMON_PRIOR,
            )
        )
    return out


def stratum(name: str, chosen: Sequence[Point], exact: bool = False) -> Stratum:
    pairs = [(p.probability, p.exact if exact else p.hit) for p in chosen]
    return Stratum(name, len(pairs), brier_score(pairs), reliability_table(pairs))


def _of_dataset(dataset: str) -> Callable[[Point], bool]:
    return lambda p: p.dataset == dataset


def strata(chosen: Sequence[Point], exact: bool = False) -> list[Stratum]:
    """Every stratum of the module docstring, the whole file first."""
    groups: list[tuple[str, Callable[[Point], bool]]] = [
        ("all", lambda p: True),
        ("key names one condition", lambda p: not p.several_accepted),
        ("key accepts several (also)", lambda p: p.several_accepted),
        (f"top-1 common (prior >= {COMMON_PRIOR:g})", lambda p: p.common is True),
        (f"top-1 rare (prior < {COMMON_PRIOR:g})", lambda p: p.common is False),
        ("top-1 spinal", lambda p: p.category == "spinal"),
        ("top-1 non-spinal", lambda p: p.category == "non-spinal"),
    ]
    for dataset in sorted({p.dataset for p in chosen}):
        groups.append((f"dataset {dataset}", _of_dataset(dataset)))
    out = [stratum(name, [p for p in chosen if keep(p)], exact) for name, keep in groups]
    return [s for s in out if s.n]


def format_strata(title: str, rows: Sequence[Stratum]) -> str:
    """One line per stratum: n, Brier and each bin as 'n mean/accuracy' ('!' past the floor)."""
    lines = [title, "  stratum" + " " * 42 + "n    Brier  [0,.2)  [.2,.4)  [.4,.6)  [.6,.8)  [.8,1]"]
    for s in rows:
        flagged = {id(b) for b in s.flagged}
        cells = []
        for b in s.bins:
            if not b.n:
                cells.append("-")
                continue
            assert b.mean_probability is not None and b.accuracy is not None
            mark = "!" if id(b) in flagged else ""
            cells.append(f"{b.n} {b.mean_probability:.2f}/{b.accuracy:.2f}{mark}")
        brier = "-" if s.brier is None else f"{s.brier:.3f}"
        lines.append(f"  {s.name:<48s} {s.n:<4d} {brier:<6s} " + "  ".join(cells))
    return "\n".join(lines)


def setting_priors() -> dict[str, dict[str, float]]:
    """setting -> condition -> prior, from the knowledge base in use."""
    from nervemap.engine.compiled import default_compiled  # lazy: loads the knowledge base

    priors: dict[str, dict[str, float]] = {}
    for condition in default_compiled().knowledge.conditions:
        for setting, prior in condition.prior.items():
            priors.setdefault(str(setting), {})[condition.id] = prior.value
    return priors


@dataclass
class Recorder:
    """The runner's default assessors, keeping each case's setting in the order of the rows."""

    settings: list[str | None] = field(default_factory=list)

    def text(self, text: str) -> Assessment:
        from nervemap.engine.assess import assess  # lazy: loads the knowledge base
        from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]  # lazy: spaCy

        self.settings.append(None)  # a row whose reading fails keeps its place
        extraction = extract(text)
        self.settings[-1] = str(extraction.case.setting)
        result: Assessment = assess(extraction.case, detail="headline")
        return result

    def case(self, case: dict[str, Any]) -> Assessment:
        from nervemap.engine.assess import assess
        from nervemap.engine.case import Case

        self.settings.append(None)
        parsed = Case.model_validate(case)
        self.settings[-1] = str(parsed.setting)
        return assess(parsed, detail="headline")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="evaluation files (JSONL, the format of nervemap evaluate)")
    args = parser.parse_args(argv)
    priors = setting_priors()
    for path in args.files:
        recorder = Recorder()
        result = evaluate_file(path, assess_text=recorder.text, assess_case=recorder.case)
        chosen = points(result, recorder.settings, priors)
        for exact in (False, True):
            hit = "exact condition" if exact else "usual hit (id, also, ICD-10 prefix)"
            print(format_strata(f"{path}: top-1 reliability by stratum, {hit}", strata(chosen, exact)))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
