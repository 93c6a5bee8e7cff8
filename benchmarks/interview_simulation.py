"""Simulated interviews over the golden cases: how many questions, and do they reach the same answer?

Each golden case becomes a respondent that answers from the case's own findings, pain map,
examination and imaging, and "don't know" otherwise. The interview runs until the policy stops.
Reported per mode: mean and 90th-percentile number of questions; agreement of the final top
condition and top lesion site (site, root or nerve, side) with the full-information assessment
``assess(case)``; and whether the cases the full assessment triages urgent or emergency with a
red flag were caught at that level.

    .venv/bin/python benchmarks/interview_simulation.py [--mode patient|clinician|both] [--limit N]

Targets (clinician mode): at most 12 questions on average, at least 95 % agreement.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.interview import InterviewSession, red_flag_stop
from nervemap.interview.catalogue import Mode
from nervemap.interview.respondent import respond
from nervemap.knowledge.models import TRIAGE_ORDER

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden" / "cases.jsonl"


@dataclass(frozen=True)
class Outcome:
    case_id: str
    questions: int
    stop: str
    same_condition: bool
    same_site: bool
    red_flag_case: bool
    caught: bool  # red-flag case ended at the full assessment's triage level or higher


def _site(assessment: Assessment) -> tuple[str, str | None, str | None, str | None]:
    top = assessment.localization[0]
    return (top.site.value, top.root, top.nerve, top.side)


def interview(case: Case, mode: Mode) -> Outcome:
    session = InterviewSession(mode, case.setting, case.id)
    while (question := session.next_question()) is not None:
        session.answer(question.id, respond(question, case))
    final, full = session.current_assessment(), assess(case)
    red_flag_case = red_flag_stop(full)
    caught = TRIAGE_ORDER.index(final.triage.level) >= TRIAGE_ORDER.index(full.triage.level)
    return Outcome(
        case_id=str(case.id),
        questions=len(session.answers),
        stop=str(session.stop_reason),
        same_condition=final.differential[0].id == full.differential[0].id,
        same_site=_site(final) == _site(full),
        red_flag_case=red_flag_case,
        caught=caught,
    )


def report(mode: Mode, outcomes: list[Outcome], seconds: float) -> None:
    counts = [o.questions for o in outcomes]
    n = len(outcomes)
    flagged = [o for o in outcomes if o.red_flag_case]
    completed = [o for o in outcomes if o.stop != "red-flag"]
    print(f"\n== {mode} mode: {n} golden cases, {seconds:.1f} s ==")
    p90 = np.percentile(counts, 90)
    print(f"questions to stop: mean {statistics.mean(counts):.1f}, 90th percentile {p90:.1f}")
    print(
        f"agreement with assess(case): top condition {sum(o.same_condition for o in outcomes) / n:.1%}, "
        f"top site {sum(o.same_site for o in outcomes) / n:.1%}, "
        f"both {sum(o.same_condition and o.same_site for o in outcomes) / n:.1%}"
    )
    if completed:
        print(
            f"  interviews not stopped by a red flag ({len(completed)}): condition "
            f"{sum(o.same_condition for o in completed) / len(completed):.1%}, site "
            f"{sum(o.same_site for o in completed) / len(completed):.1%}"
        )
    print(
        f"red-flag cases (urgent/emergency with a red flag in the full assessment): {len(flagged)}, "
        f"caught at that level or higher: {sum(o.caught for o in flagged)}"
    )
    stops: dict[str, int] = {}
    for o in outcomes:
        stops[o.stop] = stops.get(o.stop, 0) + 1
    print("stop reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(stops.items())))
    for o in outcomes:
        if not (o.same_condition and o.same_site) or (o.red_flag_case and not o.caught):
            print(
                f"  disagree: {o.case_id} ({o.questions} q, {o.stop}): condition "
                f"{'ok' if o.same_condition else 'DIFFERENT'}, site {'ok' if o.same_site else 'DIFFERENT'}"
                + ("" if o.caught or not o.red_flag_case else ", RED FLAG MISSED")
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["patient", "clinician", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="only the first N cases")
    args = parser.parse_args()
    rows = [json.loads(line) for line in GOLDEN.read_text().splitlines() if line.strip()]
    cases = [Case.model_validate(row["case"]) for row in rows[: args.limit]]
    modes: list[Mode] = ["clinician", "patient"] if args.mode == "both" else [args.mode]
    for mode in modes:
        start = time.perf_counter()
        outcomes = [interview(case, mode) for case in cases]
        report(mode, outcomes, time.perf_counter() - start)


if __name__ == "__main__":
    main()
