"""How robust is each expected emergency? Which rule makes it one, and would it survive a change of numbers?

For every case that expects an emergency (``is_emergency``, an accepted set of only "emergency", or a
golden case whose stated level is "emergency") in the evaluation files, the script reports:

- the level nervemap gives, and what gives the emergency: a red-flag rule (named), or only the
  differential - a suspicion cut-off (``triage.yaml`` ``suspicion``: condition, p, cut-off) or an
  emergency condition that is likely;
- stress A: the priors of every emergency condition (a condition whose own urgency is emergency, or
  one an emergency suspicion rule names) multiplied by 0.75, 0.5, 0.25 and 0.1 at once; the largest
  factor at which the case is no longer an emergency ("drops at x0.5");
- stress B: for each emergency condition, its strongest likelihood of a finding that is not a red
  flag weakened (a sensitivity ``p`` halved, an ``lr_positive`` halved); cases that drop.

A case whose emergency rests on a red-flag rule cannot drop under either stress (the rules read the
findings alone); one that rests on a probability can, and other sessions change priors and
likelihoods. Nothing is written: rerun after any knowledge change.

Usage: .venv/bin/python scripts/emergency_margin.py [FILE.jsonl ...] [--json]
(default files: golden, development set, rootset, rootset hold-out; an emergency probe file such as
tests/nlp/data/emergency_phrasings_s7.jsonl works too: its non-negated probes with min_level "emergency").
Text cases are read once.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge
from nervemap.evaluation.metrics import Expectation
from nervemap.knowledge.loader import LoadedKnowledge, default_knowledge
from nervemap.knowledge.models import Condition, Likelihood, TriageLevel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    ROOT / "tests/golden/cases.jsonl",
    ROOT / "tests/data/devset.jsonl",
    ROOT / "tests/data/rootset.jsonl",
    ROOT / "tests/data/rootset_holdout.jsonl",
]
PRIOR_FACTORS = [0.75, 0.5, 0.25, 0.1]
EMERGENCY = str(TriageLevel.EMERGENCY)
_SUSPICION = re.compile(r"\(([^()]+?) p=([0-9.]+) >= ([0-9.]+), ([^()]+)\)$")


@dataclass
class EmergencyCase:
    id: str
    dataset: str
    strict: bool  # urgent is not accepted
    case: Case | None
    error: str | None = None
    level: str | None = None
    basis: str = ""
    margin: str = ""
    drops_at: float | None = None
    drops_b: list[str] = field(default_factory=list)


def emergency_conditions(loaded: LoadedKnowledge) -> set[str]:
    kb = loaded.knowledge
    own = {c.id for c in kb.conditions if c.urgency == TriageLevel.EMERGENCY}
    suspicion = {r.condition for r in kb.triage.suspicion if r.level == TriageLevel.EMERGENCY}
    return own | suspicion


def with_priors(loaded: LoadedKnowledge, targets: set[str], factor: float) -> CompiledKnowledge:
    conditions = [
        c.model_copy(
            update={
                "prior": {s: p.model_copy(update={"value": p.value * factor}) for s, p in c.prior.items()}
            }
        )
        if c.id in targets
        else c
        for c in loaded.knowledge.conditions
    ]
    kb = loaded.knowledge.model_copy(update={"conditions": conditions})
    return compile_knowledge(LoadedKnowledge(kb, loaded.origins))


def _strength(like: Likelihood, background: float) -> float:
    if like.lr_positive is not None:
        return like.lr_positive.value
    assert like.p is not None
    reference = 1 - like.specificity.value if like.specificity is not None else background
    return like.p.value / max(reference, 1e-9)


def weakened(
    condition: Condition, red_flags: set[str], background: dict[str, float]
) -> tuple[Condition, str]:
    """The condition with its strongest non-red-flag likelihood halved (and which one it was)."""
    candidates = [(i, like) for i, like in enumerate(condition.likelihoods) if like.finding not in red_flags]
    if not candidates:
        return condition, "-"
    i, like = max(candidates, key=lambda item: _strength(item[1], background.get(item[1].finding, 0.5)))
    if like.lr_positive is not None:
        floor = like.lr_negative.value if like.lr_negative is not None else 0.0
        new = like.model_copy(
            update={
                "lr_positive": like.lr_positive.model_copy(
                    update={"value": max(like.lr_positive.value / 2, floor * 1.01)}
                )
            }
        )
    else:
        assert like.p is not None
        new = like.model_copy(update={"p": like.p.model_copy(update={"value": like.p.value / 2})})
    likes = list(condition.likelihoods)
    likes[i] = new
    return condition.model_copy(update={"likelihoods": likes}), like.finding


def with_likelihood_weakened(loaded: LoadedKnowledge, target: str) -> tuple[CompiledKnowledge, str]:
    kb = loaded.knowledge
    red_flags = {f.id for f in kb.findings if f.red_flag}
    background = {f.id: f.background.value for f in kb.findings}
    which = "-"
    conditions = []
    for c in kb.conditions:
        if c.id == target:
            c, which = weakened(c, red_flags, background)
        conditions.append(c)
    changed = kb.model_copy(update={"conditions": conditions})
    return compile_knowledge(LoadedKnowledge(changed, loaded.origins)), which


def load_cases(paths: list[Path]) -> list[EmergencyCase]:
    out: list[EmergencyCase] = []
    extract: Callable[[str], Any] | None = None
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if "min_level" in row:  # an emergency probe file (tests/nlp/data/emergency_phrasings*.jsonl)
                if row.get("negated") or row["min_level"] != EMERGENCY:
                    continue
                row = {**row, "expect": {"is_emergency": True}}
            expect = row.get("expect") or {}
            expectation = Expectation.from_dict(expect, in_scope=bool(row.get("in_scope", True)))
            if not (expectation.is_emergency or expect.get("triage") == EMERGENCY):
                continue
            item = EmergencyCase(row["id"], path.stem, expectation.is_emergency, None)
            try:
                if "case" in row:
                    item.case = Case.model_validate(row["case"])
                else:
                    if extract is None:
                        from nervemap.nlp import extract as reader  # type: ignore[attr-defined,unused-ignore]

                        extract = reader
                    item.case = extract(row["text"]).case
            except Exception as exc:  # a case that cannot be read is reported, not fatal
                item.error = f"{type(exc).__name__}: {exc}"
            out.append(item)
    return out


def what_gives_emergency(a: Assessment) -> tuple[str, str]:
    flags = [f.id for f in a.triage.red_flags if str(f.level) == EMERGENCY]
    if flags:
        return "red flag: " + ", ".join(flags), "rule (no margin)"
    calls = [b[len(EMERGENCY) + 2 :] for b in a.triage.basis if b.startswith(EMERGENCY + ":")]
    for call in calls:
        m = _SUSPICION.search(call)
        if m:
            name, p, cut, channel = m.group(1), float(m.group(2)), float(m.group(3)), m.group(4)
            return f"suspicion: {name} ({channel})", f"p={p:.2f} / cut-off {cut:g} = x{p / cut:.2f}"
    if calls:
        return "differential: " + calls[0][:70], "probability"
    return "-", "-"


def level_of(a: Assessment) -> str:
    return str(a.triage.level)


def run(paths: list[Path]) -> dict[str, Any]:
    loaded = default_knowledge()
    targets = emergency_conditions(loaded)
    cases = load_cases(paths)
    readable = [c for c in cases if c.case is not None]
    for item in readable:
        assert item.case is not None
        a = assess(item.case, detail="headline")
        item.level = level_of(a)
        if item.level == EMERGENCY:
            item.basis, item.margin = what_gives_emergency(a)
    # stress A: every emergency condition's prior at once, the largest factor first
    for factor in PRIOR_FACTORS:
        compiled = with_priors(loaded, targets, factor)
        for item in readable:
            if item.level != EMERGENCY or item.drops_at is not None:
                continue
            assert item.case is not None
            if level_of(assess(item.case, compiled, detail="headline")) != EMERGENCY:
                item.drops_at = factor
    # stress B: one emergency condition's strongest non-red-flag likelihood weakened at a time
    weakened_findings: dict[str, str] = {}
    for target in sorted(targets):
        compiled, which = with_likelihood_weakened(loaded, target)
        weakened_findings[target] = which
        for item in readable:
            if item.level != EMERGENCY:
                continue
            assert item.case is not None
            if level_of(assess(item.case, compiled, detail="headline")) != EMERGENCY:
                item.drops_b.append(f"{target}:{which}")
    return {
        "emergency_conditions": sorted(targets),
        "stress_b_weakened": weakened_findings,
        "cases": [
            {
                "id": c.id,
                "dataset": c.dataset,
                "strict": c.strict,
                "level": c.level,
                "basis": c.basis,
                "margin": c.margin,
                "prior_drop_factor": c.drops_at,
                "likelihood_drops": c.drops_b,
                "error": c.error,
            }
            for c in cases
        ],
    }


def report(result: dict[str, Any]) -> str:
    rows = result["cases"]
    lines = [f"{'case':<38s} {'level':<10s} {'A:drops':<8s} basis / margin / B"]
    for r in rows:
        flag = "" if r["strict"] else " (urgent ok)"
        if r["error"]:
            lines.append(f"{r['dataset'][:8] + ':' + r['id']:<38s} ERROR {r['error']}")
            continue
        drop = f"x{r['prior_drop_factor']:g}" if r["prior_drop_factor"] else "holds"
        extra = f" | B drops: {', '.join(r['likelihood_drops'])}" if r["likelihood_drops"] else ""
        basis = f"{r['basis']} [{r['margin']}]" if r["level"] == EMERGENCY else "NOT EMERGENCY"
        lines.append(
            f"{r['dataset'][:8] + ':' + r['id']:<38s} {r['level']!s:<10s} {drop:<8s} {basis}{flag}{extra}"
        )
    ok = [r for r in rows if not r["error"]]
    emergency = [r for r in ok if r["level"] == EMERGENCY]
    by_rule = [r for r in emergency if r["basis"].startswith("red flag")]
    strict_missed = [r["id"] for r in ok if r["strict"] and r["level"] != EMERGENCY]
    lines += [
        "",
        f"cases expecting emergency: {len(rows)} ({sum(r['strict'] for r in rows)} strict); read: {len(ok)}",
        f"called emergency: {len(emergency)}; by a red-flag rule: {len(by_rule)}; "
        f"by probability only: {len(emergency) - len(by_rule)}",
        f"strict emergencies not called emergency: {len(strict_missed)} {strict_missed}",
        "stress A (all emergency-condition priors scaled): "
        + ", ".join(
            f"x{f:g}: {sum(1 for r in emergency if (r['prior_drop_factor'] or 0) >= f)} drop"
            for f in PRIOR_FACTORS
        ),
        f"stress B (strongest non-red-flag likelihood halved, one condition at a time): "
        f"{sum(1 for r in emergency if r['likelihood_drops'])} drop",
        "  weakened: " + ", ".join(f"{k}:{v}" for k, v in result["stress_b_weakened"].items()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run(args.files or DEFAULT)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
