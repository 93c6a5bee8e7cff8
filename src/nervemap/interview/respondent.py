"""A simulated respondent: answers questions from a complete case, "don't know" for what it lacks.

Used by the interview simulation benchmark and the tests: the answer to each question is read off
the case's own findings, pain map, examination and imaging, so an interview can be compared with
the assessment of the full case.
"""

from __future__ import annotations

from nervemap.engine.case import Case, Status
from nervemap.interview.answers import UNKNOWN, Value
from nervemap.interview.catalogue import Kind, Question


def _statuses(case: Case) -> dict[str, list[tuple[Status, str | None]]]:
    known: dict[str, list[tuple[Status, str | None]]] = {}
    for reported in case.findings:
        known.setdefault(reported.id, []).append((reported.status, reported.side))
    return known


def _finding_answer(ids: list[str], known: dict[str, list[tuple[Status, str | None]]]) -> str:
    statuses = {status for fid in ids for status, _ in known.get(fid, [])}
    if Status.PRESENT in statuses:
        return "yes"
    if statuses and statuses <= {Status.ABSENT} and all(fid in known for fid in ids):
        return "no"
    return UNKNOWN


def _side_answer(finding: str, known: dict[str, list[tuple[Status, str | None]]]) -> str:
    entries = known.get(finding, [])
    sides = {side for status, side in entries if status == Status.PRESENT}
    if not sides:
        return "neither" if any(status == Status.ABSENT for status, _ in entries) else UNKNOWN
    if "bilateral" in sides or {"left", "right"} <= sides:
        return "both"
    named = sides - {None}
    return str(named.pop()) if named else "yes"


def respond(question: Question, case: Case) -> Value:
    """What a respondent who knows exactly ``case`` would answer."""
    known = _statuses(case)
    kind = question.kind
    if kind == Kind.YES_NO_UNKNOWN:
        return _finding_answer(question.findings, known)
    if kind == Kind.SIDE_TEST:
        return _side_answer(question.findings[0], known)
    if kind == Kind.MULTI_CHOICE and question.select == "one":
        for option in question.options:
            if (option.sex and case.sex == option.sex) or (option.onset and case.onset == option.onset):
                return option.id
        return UNKNOWN
    if kind == Kind.MULTI_CHOICE:
        answers = {o.id: _finding_answer(o.findings, known) for o in question.options}
        return UNKNOWN if set(answers.values()) == {UNKNOWN} else answers
    if kind == Kind.NUMBER:
        value = {
            "age": case.age,
            "duration_days": case.duration_days,
            "pain_nrs": case.scores.pain_nrs,
            # a case with one pain score: that is the leg pain (as the course reads it)
            "leg_pain_nrs": case.scores.leg_pain_nrs
            if case.scores.leg_pain_nrs is not None
            else case.scores.pain_nrs,
            "back_pain_nrs": case.scores.back_pain_nrs,
            "psfs": case.scores.psfs,
        }[str(question.field)]
        return UNKNOWN if value is None else value / question.scale
    if kind == Kind.BODY_MAP and question.target == "pain_map":
        if case.pain_map is None:
            return UNKNOWN
        return [{"region": m.region, "side": m.side, "kind": m.kind.value} for m in case.pain_map]
    if kind == Kind.BODY_MAP:
        tests = [{"region": t.region, "side": t.side, "status": t.status} for t in case.sensation]
        return tests or UNKNOWN
    if kind == Kind.IMAGING:
        return [image.model_dump(mode="json") for image in case.imaging] or UNKNOWN
    if kind == Kind.EXAM_STRENGTH:
        # the interview records a side with every graded test; one the case leaves unsided (a note
        # that says "weak hip flexion") is not something the respondent can place, so it is not told
        grades = [
            {"movement": s.movement, "side": s.side, "grade": s.grade}
            for s in case.strength
            if s.movement in question.movements and s.side is not None
        ]
        return grades or UNKNOWN
    reflexes = [
        {"reflex": r.reflex, "side": r.side, "grade": r.grade}
        for r in case.reflexes
        if r.reflex in question.reflexes and r.side is not None
    ]
    return reflexes or UNKNOWN
