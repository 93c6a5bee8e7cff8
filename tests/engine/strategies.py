"""Hypothesis strategies: random but valid cases over any compiled knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.knowledge.models import Region

Marks = st.SearchStrategy[list[dict[str, Any]]]

SIDES = ("left", "right")
SYMPTOMS = ("pain", "tingling", "numbness")
AGES = st.none() | st.integers(18, 95)
SETTINGS = st.sampled_from(["primary-care", "emergency", "spine-clinic"])


def pain_marks(regions: Sequence[Region], sides: Sequence[str | None], max_size: int) -> Marks:
    """Pain-map marks on ``regions`` (a midline region's side is None)."""
    return st.lists(
        st.builds(
            lambda region, side, kind: {
                "region": region.id,
                "side": side if region.lateral else None,
                "kind": kind,
            },
            st.sampled_from(regions),
            st.sampled_from(sides),
            st.sampled_from(SYMPTOMS),
        ),
        max_size=max_size,
    )


def graded(
    key: str,
    ids: Sequence[str],
    sides: Sequence[str | None],
    grades: tuple[int, int],
    max_size: int,
    unique: bool,
) -> Marks:
    """Graded tests ``{key: id, "side", "grade"}`` (strength: "movement", reflexes: "reflex"); with
    ``unique`` at most one per target and side."""
    return st.lists(
        st.builds(
            lambda target, side, grade: {key: target, "side": side, "grade": grade},
            st.sampled_from(ids),
            st.sampled_from(sides),
            st.integers(*grades),
        ),
        max_size=max_size,
        unique_by=(lambda t: (t[key], t["side"])) if unique else None,
    )


@st.composite
def cases(draw: st.DrawFn, compiled: CompiledKnowledge, max_findings: int = 8) -> Case:
    kb = compiled.knowledge
    askable = [f for f in kb.findings if f.derive is None]
    chosen = draw(st.lists(st.sampled_from(askable), max_size=max_findings, unique_by=lambda f: f.id))
    findings: list[dict[str, Any]] = []
    for finding in chosen:
        item: dict[str, Any] = {
            "id": finding.id,
            "status": draw(st.sampled_from(["present", "absent"])),
        }
        if finding.lateral and item["status"] == "present":
            item["side"] = draw(st.sampled_from(SIDES))
        findings.append(item)
    movements = [m.id for m in kb.anatomy.movements]
    reflexes = [r.id for r in kb.anatomy.reflexes]
    return Case.model_validate(
        {
            "age": draw(AGES),
            "setting": draw(SETTINGS),
            "findings": findings,
            "pain_map": draw(st.none() | pain_marks(kb.anatomy.regions, SIDES, 5)),
            "strength": draw(graded("movement", movements, SIDES, (0, 5), 3, unique=True)),
            "reflexes": draw(graded("reflex", reflexes, SIDES, (0, 4), 2, unique=True)),
        }
    )


@st.composite
def one_sided_cases(draw: st.DrawFn, compiled: CompiledKnowledge) -> Case:
    """A case whose every sided finding is on one side: symptoms over any of the leg's regions (a foot
    in full included), weak movements, lost or reduced reflexes, all on the drawn side; nothing midline,
    both-sided or stated for the other leg. At least two findings, so that they form a pattern."""
    kb = compiled.knowledge
    side = draw(st.sampled_from(SIDES))
    lateral = [r for r in kb.anatomy.regions if r.lateral]
    # any regions, or every region of one part of the leg (a whole foot, a whole knee)
    parts = sorted({r.group for r in lateral if r.group})
    part = draw(st.none() | st.sampled_from(parts)) if parts else None
    if part is None:
        marks = draw(pain_marks(lateral, (side,), 8))
    else:
        kind = draw(st.sampled_from(SYMPTOMS))
        marks = [{"region": r.id, "side": side, "kind": kind} for r in lateral if r.group == part]
    strength = draw(graded("movement", [m.id for m in kb.anatomy.movements], (side,), (0, 4), 3, unique=True))
    reflexes = draw(graded("reflex", [r.id for r in kb.anatomy.reflexes], (side,), (0, 1), 2, unique=True))
    if len(marks) + len(strength) + len(reflexes) < 2:
        marks = [*marks, *({"region": r.id, "side": side, "kind": "numbness"} for r in lateral[-2:])]
    return Case.model_validate(
        {
            "age": draw(AGES),
            "setting": draw(SETTINGS),
            "pain_map_complete": False,
            "pain_map": marks,
            "strength": strength,
            "reflexes": reflexes,
        }
    )
