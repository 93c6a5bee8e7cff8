"""Draft -> Case: one entry per finding, muscle, reflex and region, conflicts settled.

- A finding said both present and absent is present (a stated positive is more specific than a
  review-of-systems denial); a warning names it.
- A grade stated for one muscle or reflex beats one stated for all ("DTRs 2+ except absent left
  Achilles"); between specific grades the most abnormal wins.
"""

from __future__ import annotations

from typing import TypeVar

from nervemap.engine.case import (
    Case,
    PainMark,
    ReflexTest,
    ReportedFinding,
    Scores,
    SensationTest,
    Status,
    StrengthTest,
)
from nervemap.knowledge.models import Setting
from nervemap.nlp.draft import Draft
from nervemap.nlp.sides import SideOrBoth

K = TypeVar("K")
T = TypeVar("T")


def _findings(draft: Draft) -> list[ReportedFinding]:
    chosen: dict[tuple[str, SideOrBoth | None], Status] = {}
    for finding_id, said, side in draft.findings:
        key = (finding_id, side)
        status = Status(said)
        previous = chosen.get(key)
        if previous is not None and previous != status:
            draft.warn(f"'{finding_id}' is mentioned both present and absent; kept present")
            status = Status.PRESENT
        chosen[key] = status
    # a finding given without a side and also with one: keep the sided entries
    sided = {fid for fid, side in chosen if side is not None}
    out = []
    for (finding_id, side), status in chosen.items():
        if side is None and finding_id in sided:
            continue
        out.append(ReportedFinding(id=finding_id, status=status, side=side))
    # the engine accepts a lateral finding present on one side and absent on another only
    # with sides; an unsided absent plus a sided present was dropped above
    return out


def _best(entries: list[tuple[T, bool]], key: tuple[str, ...], grade: str, normal: int) -> list[T]:
    chosen: dict[tuple[object, ...], tuple[T, bool]] = {}
    for entry, specific in entries:
        k = tuple(getattr(entry, f) for f in key)
        previous = chosen.get(k)
        if previous is None:
            chosen[k] = (entry, specific)
            continue
        old, old_specific = previous
        worse = abs(getattr(entry, grade) - normal) > abs(getattr(old, grade) - normal)
        if (specific and not old_specific) or (specific == old_specific and worse):
            chosen[k] = (entry, specific)
    return [entry for entry, _ in chosen.values()]


def _sensation(entries: list[tuple[SensationTest, bool]]) -> list[SensationTest]:
    rank = {"normal": 0, "increased": 1, "reduced": 2, "absent": 3}
    chosen: dict[tuple[str, str | None], tuple[SensationTest, bool]] = {}
    for test, specific in entries:
        k = (test.region, test.side)
        previous = chosen.get(k)
        if (
            previous is None
            or (specific and not previous[1])
            or (specific == previous[1] and rank[test.status] > rank[previous[0].status])
        ):
            chosen[k] = (test, specific)
    return [t for t, _ in chosen.values()]


def _pain(draft: Draft) -> list[PainMark] | None:
    """The pain marks, without a whole part that refers back to an aspect already named.

    "Pain in the front and outer side of the left thigh ... the stretch brings on the left thigh
    pain": the second mention names the same pain, not the whole thigh. A part named without its
    aspect is kept whole only when no aspect of it was named for the same symptom and side.
    """
    if not draft.pain:
        return None
    named = draft.pain_aspects
    kept: list[PainMark] = []
    for mark in dict.fromkeys(draft.pain):
        part = draft.pain_parts.get(mark, frozenset())
        aspects = {PainMark(region=r, side=mark.side, kind=mark.kind) for r in part}
        if mark not in named and aspects & named:
            continue
        kept.append(mark)
    return kept


def assemble(draft: Draft, setting: Setting) -> Case:
    strength: list[StrengthTest] = _best(draft.strength, ("movement", "side"), "grade", 5)
    reflexes: list[ReflexTest] = _best(draft.reflexes, ("reflex", "side"), "grade", 2)
    return Case(
        age=draft.age,
        sex=draft.sex,
        setting=setting,
        duration_days=draft.duration_days,
        onset=draft.onset,
        pain_map=_pain(draft),
        pain_map_complete=False,
        findings=_findings(draft),
        strength=strength,
        reflexes=reflexes,
        sensation=_sensation(draft.sensation),
        imaging=list(dict.fromkeys(draft.imaging)),
        measurements=draft.measurements,
        scores=_scores(draft),
    )


def _scores(draft: Draft) -> Scores:
    """The pain scores read; ``pain_nrs`` (what severity reads) is the worse of them."""
    read = draft.pain_scores
    return Scores(
        pain_nrs=max(read.values()) if read else None,
        leg_pain_nrs=read.get("leg"),
        back_pain_nrs=read.get("back"),
    )
