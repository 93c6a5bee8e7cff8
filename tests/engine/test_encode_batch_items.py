"""The batch encoder on untidy cases: findings reported more than once (per side, unknown between,
both statuses), exclusive findings denied, reports against the examination, numbness where the
examination is normal, and unreadable items. It gives the per-case encoder's matrices and notes, and
refuses the first unreadable case with the per-case encoder's own words (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import CaseError, encode_case
from nervemap.engine.encode_batch import encode_batch

from .strategies import AGES, SETTINGS, SIDES, graded, pain_marks
from .test_encode_batch import assert_same

ANY_SIDE = (*SIDES, None)  # a side not given


@st.composite
def untidy_cases(draw: st.DrawFn, unreadable: bool) -> Case:
    kb = default_compiled().knowledge
    findings = list(kb.findings)
    regions = kb.anatomy.regions
    lateral = [r for r in regions if r.lateral]
    reported: list[dict[str, Any]] = []
    for finding in draw(st.lists(st.sampled_from(findings), max_size=8)):
        # a finding may come again: per side, with another status, unknown in between
        for _ in range(draw(st.integers(1, 3))):
            item: dict[str, Any] = {
                "id": finding.id,
                "status": draw(st.sampled_from(["present", "absent", "unknown"])),
            }
            if finding.lateral:
                side = draw(st.sampled_from([None, "left", "right", "bilateral"]))
                if side is not None:
                    item["side"] = side
            reported.append(item)
    marks = draw(pain_marks(regions, ANY_SIDE, 6))
    sensation = draw(
        st.lists(
            st.builds(
                lambda region, side, status: {"region": region.id, "side": side, "status": status},
                st.sampled_from(lateral),
                st.sampled_from(ANY_SIDE),
                st.sampled_from(["normal", "reduced", "absent", "increased"]),
            ),
            max_size=4,
        )
    )
    # numbness where the examination found normal sensation: the contradiction note
    for test in sensation:
        if test["status"] == "normal" and draw(st.booleans()):
            marks.append({"region": test["region"], "side": test["side"], "kind": "numbness"})
    movements = [m.id for m in kb.anatomy.movements]
    # a muscle graded twice: sometimes the same grade, sometimes not
    strength = draw(graded("movement", movements, ANY_SIDE, (3, 5), 4, unique=False))
    reflex_ids = [r.id for r in kb.anatomy.reflexes]
    reflexes = draw(graded("reflex", reflex_ids, ANY_SIDE, (1, 2), 3, unique=False))
    if unreadable:
        where = draw(st.sampled_from(["finding", "region", "midline", "sensation", "movement", "reflex"]))
        if where == "finding":
            reported.append({"id": "no_such_finding"})
        elif where == "region":
            marks.append({"region": "no_such_region", "side": "left"})
        elif where == "midline":
            midline = [r for r in regions if not r.lateral]
            marks.append({"region": draw(st.sampled_from(midline)).id, "side": "left"})
        elif where == "sensation":
            sensation.append({"region": "no_such_region", "status": "normal"})
        elif where == "movement":
            strength.append({"movement": "no_such_movement", "grade": 4})
        else:
            reflexes.append({"reflex": "no_such_reflex", "grade": 2})
    return Case.model_validate(
        {
            "age": draw(AGES),
            "setting": draw(SETTINGS),
            "findings": reported,
            "pain_map": draw(st.none() | st.just(marks)),
            "pain_map_complete": draw(st.booleans()),
            "strength": strength,
            "reflexes": reflexes,
            "sensation": sensation,
        }
    )


def same_or_same_refusal(cases: list[Case]) -> None:
    compiled = default_compiled()
    first_error = None
    for case in cases:
        try:
            encode_case(case, compiled)
        except CaseError as error:
            first_error = str(error)
            break
    if first_error is None:
        assert_same(cases)
        return
    with pytest.raises(CaseError) as refused:
        encode_batch(cases, compiled)
    assert str(refused.value) == first_error


@settings(max_examples=150, deadline=None)
@given(st.lists(untidy_cases(unreadable=False), min_size=1, max_size=10))
def test_untidy_cases_encode_as_one_by_one(cases: list[Case]) -> None:
    same_or_same_refusal(cases)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(untidy_cases(unreadable=False), max_size=4),
    untidy_cases(unreadable=True),
    st.lists(untidy_cases(unreadable=False), max_size=4),
)
def test_the_first_unreadable_case_is_refused_in_the_reference_words(
    before: list[Case], bad: Case, after: list[Case]
) -> None:
    same_or_same_refusal([*before, bad, *after])


def test_a_finding_reported_per_side_and_against_the_examination() -> None:
    case = Case.model_validate(
        {
            "strength": [{"movement": "ankle_dorsiflexion", "side": "left", "grade": 3}],
            "pain_map": [{"region": "foot_dorsum", "side": "left", "kind": "numbness"}],
            "sensation": [{"region": "foot_dorsum", "side": "left", "status": "normal"}],
            "findings": [
                {"id": "foot_drop", "status": "present", "side": "left"},
                {"id": "foot_drop", "status": "absent", "side": "right"},
                {"id": "motor_deficit", "status": "absent"},
                {"id": "radiating_leg_pain", "status": "unknown"},
                {"id": "radiating_leg_pain", "status": "present", "side": "bilateral"},
            ],
        }
    )
    compiled = default_compiled()
    notes = encode_case(case, compiled).notes
    assert any("motor_deficit" in note for note in notes)
    assert any("numbness reported" in note for note in notes)
    assert encode_batch([case, case], compiled).notes == [notes, notes]
    same_or_same_refusal([case])
