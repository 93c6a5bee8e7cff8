"""Simulated interviews over the golden cases: how many questions, and do they reach the same answer?

Each golden case becomes a respondent that answers from the case's own findings, pain map,
examination and imaging, and "don't know" otherwise. The interview runs until the policy stops.
Reported per mode: mean and 90th-percentile number of questions; agreement of the final top
condition and top lesion site (site, root or nerve, side) with the full-information assessment
``assess(case)``; and whether the cases the full assessment triages urgent or emergency with a
red flag were caught at that level, beside how many of them the mode's questions can reach at all
(every question of the mode answered from the case: a patient is not asked blood results or
examination findings, so a level only those set is out of a patient interview's reach).

    .venv/bin/python benchmarks/interview_simulation.py [--mode patient|clinician|both] [--limit N]
        [--trace FILE]

``--trace FILE`` writes each interview (the questions asked and why, the stop, the final
differential, sites and triage) as JSON lines: two traces made before and after a change to the
policy diff empty when it asks the same questions in the same order and reaches the same answers.

Targets (clinician mode): at most 12 questions on average, at least 95 % agreement.

Step latency through the HTTP API (issue 16; floor: p95 <= 25 ms, clinician mode, golden cases):

    .venv/bin/python benchmarks/interview_simulation.py --api [--mode clinician] [--limit N]
    .venv/bin/python benchmarks/interview_simulation.py --step-cpu 3 [--mode clinician]   # in process

``--api`` runs the same interviews against the real app in process (``create_app`` on a fresh migrated
SQLite file, a clinician's bearer token, Starlette's TestClient, one request at a time) and prints
p50/p95/max of each answer (POST /v1/interviews/{token}/answers, whose reply is the next step) and
of reading the step again (GET /v1/interviews/{token}/question), with the command that gives them.
On a machine shared with other work, compare two source trees with ``benchmarks/interview_step_ab.py``
(the same in-process step, the two trees alternated one transition at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nervemap.blas import default_one_thread

# One BLAS thread, as ``nervemap serve`` runs (set before numpy is first imported; a variable the
# environment sets wins): with OpenBLAS's default of a thread per core the step's small matrix
# products spun threads against the request on this 2-core machine, which is not what the server does.
default_one_thread()

import numpy as np  # noqa: E402

from nervemap.engine.assess import assess  # noqa: E402
from nervemap.engine.assessment import Assessment  # noqa: E402
from nervemap.engine.case import Case  # noqa: E402
from nervemap.interview import InterviewSession, red_flag_stop  # noqa: E402
from nervemap.interview.catalogue import Mode  # noqa: E402
from nervemap.interview.respondent import respond  # noqa: E402
from nervemap.knowledge.models import TRIAGE_ORDER  # noqa: E402

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
    reachable: bool  # red-flag case: every question of the mode answered reaches that level
    trace: dict[str, object]  # what --trace writes: the questions asked, why, and the final answers


def _site(assessment: Assessment) -> tuple[str, str | None, str | None, str | None]:
    top = assessment.localization[0]
    return (top.site.value, top.root, top.nerve, top.side)


def interview(case: Case, mode: Mode) -> Outcome:
    session = InterviewSession(mode, case.setting, case.id)
    asked: list[list[str]] = []
    while (question := session.next_question()) is not None:
        asked.append([question.id, session.why(question.id)])
        session.answer(question.id, respond(question, case))
    final, full = session.current_assessment(), assess(case)
    trace: dict[str, object] = {
        "mode": mode,
        "case": case.id,
        "asked": asked,
        "stop": str(session.stop_reason),
        "differential": [[d.id, round(d.probability, 9)] for d in final.differential[:5]],
        "sites": [
            [s.site.value, s.root, s.nerve, s.side, round(s.probability, 9)] for s in final.localization[:3]
        ],
        "triage": final.triage.level.value,
    }
    red_flag_case = red_flag_stop(full)
    caught = _at_least(final, full)
    reachable = red_flag_case and _at_least(everything_asked(case, mode), full)
    return Outcome(
        case_id=str(case.id),
        questions=len(session.answers),
        stop=str(session.stop_reason),
        same_condition=final.differential[0].id == full.differential[0].id,
        same_site=_site(final) == _site(full),
        red_flag_case=red_flag_case,
        caught=caught,
        reachable=reachable,
        trace=trace,
    )


def _at_least(assessment: Assessment, reference: Assessment) -> bool:
    return TRIAGE_ORDER.index(assessment.triage.level) >= TRIAGE_ORDER.index(reference.triage.level)


def everything_asked(case: Case, mode: Mode) -> Assessment:
    """The assessment when every question of the mode is answered from the case: the most a
    respondent of that mode can tell."""
    session = InterviewSession(mode, case.setting, case.id)
    for question in session.catalogue.for_mode(mode):
        session.answer(question.id, respond(question, case))
    return session.current_assessment()


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
    reachable = [o for o in flagged if o.reachable]
    print(
        f"  of which reachable by this mode's questions (every one answered): {len(reachable)}, "
        f"caught: {sum(o.caught for o in reachable)}"
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
                + (
                    ""
                    if o.caught or not o.red_flag_case or o.reachable
                    else " (beyond this mode's questions)"
                )
            )


def _percentiles(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name}: {len(ordered)} requests, p50 {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


def api_steps(cases: list[Case], mode: Mode, command: str) -> None:
    """Each case's interview through the HTTP API: the latency of every step, answer and read."""
    import tempfile

    from fastapi.testclient import TestClient

    from nervemap.app import create_app
    from nervemap.interview import default_catalogue
    from nervemap.settings import Settings
    from nervemap.store.db import make_engine, make_sessionmaker
    from nervemap.store.migrate import upgrade_database
    from nervemap.store.models import Role
    from nervemap.store.users import UserRepository

    catalogue = default_catalogue()
    answers: list[float] = []
    reads: list[float] = []
    # process CPU time per request: steadier than wall time on a loaded machine
    cpu_answers: list[float] = []
    cpu_reads: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade_database(url)
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            user = UserRepository(session).add("bench@example.org", Role.CLINICIAN, "!")
            session.commit()
            user_id = user.id
        engine.dispose()
        settings = Settings(data_dir=folder, database_url=url, secret_key="bench", migrate_on_startup=False)
        app = create_app(settings)
        token, _ = app.state.signer.issue(user_id)
        headers = {"Authorization": f"Bearer {token}"} if mode == "clinician" else {}
        start = time.perf_counter()
        with TestClient(app) as client:
            for case in cases:
                body = {"mode": mode, "setting": case.setting.value}
                started = client.post("/v1/interviews", json=body, headers=headers)
                started.raise_for_status()
                interview = started.json()
                base = f"/v1/interviews/{interview['token']}"
                step = interview["step"]
                while step["question"] is not None:
                    question = catalogue.by_id[step["question"]["id"]]
                    value = respond(question, case)
                    t0, c0 = time.perf_counter(), time.process_time()
                    reply = client.post(
                        f"{base}/answers", json={"question": question.id, "value": value}, headers=headers
                    )
                    answers.append(time.perf_counter() - t0)
                    cpu_answers.append(time.process_time() - c0)
                    reply.raise_for_status()
                    step = reply.json()
                    t0, c0 = time.perf_counter(), time.process_time()
                    again = client.get(f"{base}/question", headers=headers)
                    reads.append(time.perf_counter() - t0)
                    cpu_reads.append(time.process_time() - c0)
                    again.raise_for_status()
                    assert again.json() == step, (case.id, again.json(), step)
        seconds = time.perf_counter() - start
    print(f"\n== {mode} mode through the API: {len(cases)} golden cases, {seconds:.1f} s ==")
    print(f"command: {command}")
    print(_percentiles("answer (POST .../answers -> next step)", answers))
    print(_percentiles("read (GET .../question)", reads))
    print(_percentiles("every step request (both)", answers + reads))
    print(_percentiles("CPU time per answer", cpu_answers))
    print(_percentiles("CPU time per read", cpu_reads))
    print(_percentiles("CPU time per step request (both)", cpu_answers + cpu_reads))
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"OPENBLAS_NUM_THREADS={blas} (1 unless the environment set it, as nervemap serve runs)")
    print(
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores: higher slows every figure)"
    )


# One answer step as a service request replays it: the saved state and step before the answer, the
# question and the answer given
Transition = tuple[str, dict[str, object], str, object]


def transitions_of(cases: list[Case], mode: Mode, compiled: Any) -> list[Transition]:
    """Every answer step of the simulated interviews of ``cases`` (the simulated patient answers from
    the case), in order."""
    transitions: list[Transition] = []
    for case in cases:
        session = InterviewSession(mode, case.setting, None, compiled=compiled)
        while (question := session.next_question()) is not None:
            value = respond(question, case)
            transitions.append((session.to_json(), session.saved_step(), question.id, value))
            session.answer(question.id, value)
    return transitions


def step_seconds(transition: Transition, compiled: Any) -> float:
    """CPU seconds of one answer step as the service computes it: the session read from its saved
    state and step, the answer, the next step, the state and step saved."""
    state, saved, question_id, value = transition
    c0 = time.process_time()
    again = InterviewSession.from_json(state, compiled=compiled, step=saved)
    again.answer(question_id, value)
    again.step()
    again.to_json()
    again.saved_step()
    return time.process_time() - c0


def step_cpu(cases: list[Case], mode: Mode, rounds: int, command: str) -> None:
    """The answer step in process (:func:`step_seconds`). Each transition of every interview timed
    ``rounds`` times; its least CPU time kept (the least disturbed by other load)."""
    from nervemap.engine.compiled import default_compiled
    from nervemap.interview.incremental import warm

    compiled = default_compiled()
    warm(compiled)
    transitions = transitions_of(cases, mode, compiled)
    best = [float("inf")] * len(transitions)
    for _ in range(rounds):
        for i, transition in enumerate(transitions):
            best[i] = min(best[i], step_seconds(transition, compiled))
    print(f"\n== {mode} mode, answer step in process: {len(cases)} golden cases ==")
    print(f"command: {command}")
    print(_percentiles(f"least CPU of {rounds} per answer step", best))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["patient", "clinician", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="only the first N cases")
    parser.add_argument("--api", action="store_true", help="step latency through the HTTP API")
    parser.add_argument(
        "--step-cpu",
        type=int,
        default=None,
        metavar="ROUNDS",
        help="the answer step's CPU in process (saved state read, answer, next step, saved), least of ROUNDS",
    )
    parser.add_argument(
        "--trace",
        type=Path,
        default=None,
        help="write each interview (questions asked with their reasons, stop, final differential, sites "
        "and triage) as JSON lines to this file: diff two of them to check that a change to the "
        "policy asks the same",
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in GOLDEN.read_text().splitlines() if line.strip()]
    cases = [Case.model_validate(row["case"]) for row in rows[: args.limit]]
    if args.step_cpu is not None:
        mode_step: Mode = "patient" if args.mode == "patient" else "clinician"
        command = f"python benchmarks/interview_simulation.py --step-cpu {args.step_cpu} --mode {mode_step}"
        if args.limit is not None:
            command += f" --limit {args.limit}"
        step_cpu(cases, mode_step, args.step_cpu, command)
        return
    if args.api:
        mode_api: Mode = "patient" if args.mode == "patient" else "clinician"
        command = "python benchmarks/interview_simulation.py --api --mode " + mode_api
        if args.limit is not None:
            command += f" --limit {args.limit}"
        api_steps(cases, mode_api, command)
        return
    modes: list[Mode] = ["clinician", "patient"] if args.mode == "both" else [args.mode]
    traces: list[str] = []
    for mode in modes:
        start = time.perf_counter()
        outcomes = [interview(case, mode) for case in cases]
        report(mode, outcomes, time.perf_counter() - start)
        traces += [json.dumps(o.trace) for o in outcomes]
    if args.trace is not None:
        args.trace.write_text("\n".join(traces) + "\n")
        print(f"\ntrace of {len(traces)} interviews written to {args.trace}")


if __name__ == "__main__":
    main()
