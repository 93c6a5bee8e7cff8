"""Hypothesis strategies: random but valid cases over any compiled knowledge base."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge

SIDES = ("left", "right")


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
    regions = kb.anatomy.regions
    pain_map = draw(
        st.none()
        | st.lists(
            st.builds(
                lambda region, side, kind: {
                    "region": region.id,
                    "side": side if region.lateral else None,
                    "kind": kind,
                },
                st.sampled_from(regions),
                st.sampled_from(SIDES),
                st.sampled_from(["pain", "tingling", "numbness"]),
            ),
            max_size=5,
        )
    )
    movements = [m.id for m in kb.anatomy.movements]
    strength = draw(
        st.lists(
            st.builds(
                lambda movement, side, grade: {"movement": movement, "side": side, "grade": grade},
                st.sampled_from(movements),
                st.sampled_from(SIDES),
                st.integers(0, 5),
            ),
            max_size=3,
            unique_by=lambda s: (s["movement"], s["side"]),
        )
    )
    reflexes = draw(
        st.lists(
            st.builds(
                lambda reflex, side, grade: {"reflex": reflex, "side": side, "grade": grade},
                st.sampled_from([r.id for r in kb.anatomy.reflexes]),
                st.sampled_from(SIDES),
                st.integers(0, 4),
            ),
            max_size=2,
            unique_by=lambda r: (r["reflex"], r["side"]),
        )
    )
    return Case.model_validate(
        {
            "age": draw(st.none() | st.integers(18, 95)),
            "setting": draw(st.sampled_from(["primary-care", "emergency", "spine-clinic"])),
            "findings": findings,
            "pain_map": pain_map,
            "strength": strength,
            "reflexes": reflexes,
        }
    )
