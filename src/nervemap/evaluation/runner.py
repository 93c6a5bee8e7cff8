"""Run nervemap over an evaluation file and score it.

Each line of the file is one case: ``{"id", "text" | "case", "expect", "in_scope", ...}`` (the
format of ``tests/data/devset.jsonl``, written by ``scripts/derive_devset.py``). Lines with
``text`` go through ``assess_text`` (free text -> extraction -> engine); lines with ``case`` (a
structured :class:`~nervemap.engine.case.Case` as a dict) go through ``assess_case``.
Headline metrics use the in-scope cases; ``metrics_all`` adds the out-of-scope ones for the
source and triage/safety figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nervemap.engine.assessment import Assessment
from nervemap.evaluation.metrics import (
    Expectation,
    Metrics,
    Pair,
    compute_metrics,
    is_over_triaged,
    is_unsafe,
    rank_of_hit,
    site_hit,
    top_root,
    top_side,
    topk_accuracy,
    triage_level,
)

AssessText = Callable[[str], Assessment]
AssessCase = Callable[[dict[str, Any]], Assessment]


def default_assess_text(text: str) -> Assessment:
    """Free text -> :func:`nervemap.nlp.extract` -> :func:`nervemap.engine.assess.assess`."""
    from nervemap.engine.assess import assess  # lazy: loads the knowledge base
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]  # lazy: spaCy

    extraction = extract(text)
    # the metrics read ranks, probabilities, localisation, triage and source: no evidence record
    result: Assessment = assess(extraction.case, detail="headline")
    return result


def default_assess_case(case: dict[str, Any]) -> Assessment:
    from nervemap.engine.assess import assess

    return assess(case, detail="headline")


@dataclass
class CaseOutcome:
    id: str
    dataset: str | None
    in_scope: bool
    expectation: Expectation
    answer: str
    derivation: str
    assessment: Assessment | None
    error: str | None = None

    @property
    def pair(self) -> Pair:
        return (self.expectation, self.assessment)

    @property
    def hit_rank(self) -> int | None:
        return rank_of_hit(self.expectation, self.assessment)

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        if self.assessment is None:
            return []
        return [(d.id, d.probability) for d in self.assessment.differential[:k]]

    @property
    def is_miss(self) -> bool:
        """Anything the report's misses listing should show."""
        e, a = self.pair
        if self.error is not None:
            return True
        if e.condition is not None and self.hit_rank != 1:
            return True
        if e.root and top_root(a) != e.root:
            return True
        if e.side and top_side(a) != e.side:
            return True
        if e.site and not site_hit(e, a):
            return True
        if e.triage_ok and triage_level(a) not in e.triage_ok:
            return True
        return e.source in ("spinal", "non-spinal") and (a is None or a.source.verdict != e.source)

    def to_dict(self) -> dict[str, Any]:
        a = self.assessment
        return {
            "id": self.id,
            "dataset": self.dataset,
            "in_scope": self.in_scope,
            "expected": {
                "condition": self.expectation.condition,
                "icd10_any": list(self.expectation.icd10_any),
                "source": self.expectation.source,
                "root": self.expectation.root,
                "side": self.expectation.side,
                "site": self.expectation.site,
                "nerve": self.expectation.nerve,
                "triage_ok": list(self.expectation.triage_ok),
                "is_emergency": self.expectation.is_emergency,
            },
            "predicted": None
            if a is None
            else {
                "top": [{"id": i, "probability": p} for i, p in self.top(3)],
                "source": a.source.verdict,
                "p_spinal": a.source.p_spinal,
                "root": top_root(a),
                "side": top_side(a),
                "site": str(a.localization[0].site) if a.localization else None,
                "nerve": a.localization[0].nerve if a.localization else None,
                "triage": triage_level(a),
            },
            "site_hit": site_hit(self.expectation, a) if self.expectation.site else None,
            "hit_rank": self.hit_rank,
            "unsafe": is_unsafe(*self.pair)
            if self.expectation.triage_ok or self.expectation.is_emergency
            else False,
            "over_triage": is_over_triaged(*self.pair),
            "error": self.error,
            "answer": self.answer,
            "derivation": self.derivation,
        }


@dataclass
class EvaluationResult:
    path: str
    outcomes: list[CaseOutcome]
    metrics: Metrics
    metrics_all: Metrics
    by_dataset: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def in_scope(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.in_scope]

    @property
    def misses(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.is_miss]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "n_cases": len(self.outcomes),
            "n_in_scope": len(self.in_scope),
            "metrics_in_scope": self.metrics.to_dict(),
            "metrics_all": self.metrics_all.to_dict(),
            "by_dataset": self.by_dataset,
            "cases": [o.to_dict() for o in self.outcomes],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _load_lines(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or ("text" not in row and "case" not in row):
                raise ValueError(f"{path}:{lineno}: a line needs 'text' or 'case'")
            rows.append(row)
    return rows


def evaluate_rows(
    rows: list[dict[str, Any]],
    *,
    assess_text: AssessText | None = None,
    assess_case: AssessCase | None = None,
    path: str = "<rows>",
    progress: Callable[[], None] | None = None,
) -> EvaluationResult:
    text_fn = assess_text or default_assess_text
    case_fn = assess_case or default_assess_case
    outcomes: list[CaseOutcome] = []
    for i, row in enumerate(rows):
        in_scope = bool(row.get("in_scope", True))
        expectation = Expectation.from_dict(row.get("expect") or {}, in_scope=in_scope)
        assessment: Assessment | None = None
        error: str | None = None
        try:
            # one failing case must not stop the run: it is recorded and counted as a miss
            assessment = case_fn(row["case"]) if "case" in row else text_fn(str(row["text"]))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        if progress is not None:
            progress()
        source = row.get("source")
        outcomes.append(
            CaseOutcome(
                id=str(row.get("id", i)),
                dataset=source.get("dataset") if isinstance(source, dict) else None,
                in_scope=in_scope,
                expectation=expectation,
                answer=str(row.get("answer", "")),
                derivation=str(row.get("derivation", "")),
                assessment=assessment,
                error=error,
            )
        )
    scoped = [o.pair for o in outcomes if o.in_scope]
    by_dataset: dict[str, dict[str, Any]] = {}
    for ds in sorted({o.dataset or "?" for o in outcomes}):
        pairs = [o.pair for o in outcomes if o.in_scope and (o.dataset or "?") == ds]
        by_dataset[ds] = {
            "n_in_scope": len(pairs),
            "top1": topk_accuracy(pairs, 1).to_dict(),
            "top3": topk_accuracy(pairs, 3).to_dict(),
        }
    return EvaluationResult(
        path=path,
        outcomes=outcomes,
        metrics=compute_metrics(scoped),
        metrics_all=compute_metrics([o.pair for o in outcomes]),
        by_dataset=by_dataset,
    )


def evaluate_file(
    path: str | Path,
    *,
    assess_text: AssessText | None = None,
    assess_case: AssessCase | None = None,
) -> EvaluationResult:
    """Assess every line of a JSONL evaluation file and score it against its expectations."""
    p = Path(path)
    return evaluate_rows(_load_lines(p), assess_text=assess_text, assess_case=assess_case, path=str(p))


def format_table(result: EvaluationResult) -> str:
    """Plain-text table of the metrics, each with its counts."""
    m, a = result.metrics, result.metrics_all
    rows: list[tuple[str, str, str]] = [
        ("cases", str(m.n_cases), str(a.n_cases)),
        ("errors (no assessment)", str(m.errors), str(a.errors)),
        ("top-1 condition", str(m.top1), "-"),
        ("top-3 condition", str(m.top3), "-"),
        ("root (single root expected)", str(m.root), str(a.root)),
        ("side", str(m.side), str(a.side)),
        ("site (top-1 lesion kind and nerve)", str(m.site), str(a.site)),
        ("  nerve/plexus mimics named", str(m.site_mimic), str(a.site_mimic)),
        ("spinal / non-spinal", str(m.source), str(a.source)),
        ("triage acceptable", str(m.triage), str(a.triage)),
        ("UNSAFE under-triage", str(m.unsafe_under_triage), str(a.unsafe_under_triage)),
        ("over-triage", str(m.over_triage), str(a.over_triage)),
        (
            "Brier (top-1 prob vs correct)",
            "n/a" if m.brier is None else f"{m.brier:.3f} (n={m.brier_n})",
            "-",
        ),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in [*rows, ("", "in scope", "")])
    lines = [f"{'metric':<{w0}}  {'in scope':<{w1}}  all cases", "-" * (w0 + w1 + 14)]
    lines += [f"{r[0]:<{w0}}  {r[1]:<{w1}}  {r[2]}" for r in rows]
    lines.append("")
    lines.append("reliability of the top-1 probability (in scope; exact: the named condition):")
    for b in m.reliability:
        mean = "-" if b.mean_probability is None else f"{b.mean_probability:.2f}"
        acc = "-" if b.accuracy is None else f"{b.accuracy:.2f}"
        exact = "-" if b.exact_accuracy is None else f"{b.exact_accuracy:.2f}"
        band = f"[{b.lower:.1f}, {b.upper:.1f})"
        lines.append(f"  {band}  n={b.n:<4d} mean p={mean:<5s} accuracy={acc:<5s} exact={exact}")
    if result.by_dataset:
        lines.append("")
        lines.append("by dataset (in scope):")
        for ds, d in result.by_dataset.items():
            t1, t3 = d["top1"], d["top3"]
            lines.append(
                f"  {ds:<12s} n={d['n_in_scope']:<4d} top-1 {t1['hits']}/{t1['n']}  "
                f"top-3 {t3['hits']}/{t3['n']}"
            )
    return "\n".join(lines)
