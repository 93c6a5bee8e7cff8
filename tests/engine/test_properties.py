"""Safety and coherence properties, checked on random cases (hypothesis)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nervemap.engine.assess import assess, infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.engine.encode import encode_case
from nervemap.engine.triage import rank

from .strategies import cases, one_sided_cases

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, database=None, derandomize=True)


@pytest.fixture(params=["small", "production"], scope="module")
def compiled(request: pytest.FixtureRequest, small_kb: CompiledKnowledge) -> CompiledKnowledge:
    return small_kb if request.param == "small" else default_compiled()


def _posterior(compiled: CompiledKnowledge, case: Case) -> Any:
    return infer_encoded(compiled, [encode_case(case, compiled)])


def _with_finding(case: Case, finding: dict[str, Any]) -> Case:
    data = case.model_dump(mode="json")
    data["findings"] = [f for f in data["findings"] if f["id"] != finding["id"]] + [finding]
    return Case.model_validate(data)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_posteriors_sum_to_one(compiled: CompiledKnowledge, data: st.DataObject) -> None:
    posterior = _posterior(compiled, data.draw(cases(compiled)))
    assert posterior.conditions.sum() == pytest.approx(1.0)
    assert posterior.sites.sum() == pytest.approx(1.0)
    assert (posterior.conditions >= 0).all() and (posterior.sites >= 0).all()


@PROPERTY_SETTINGS
@given(data=st.data())
def test_evidence_favouring_a_condition_never_lowers_it(
    compiled: CompiledKnowledge, data: st.DataObject
) -> None:
    case = data.draw(cases(compiled))
    candidates = [f for f in compiled.knowledge.findings if f.derive is None and not f.exclusive_group]
    finding = data.draw(st.sampled_from(candidates))
    assume(finding.id not in {f.id for f in case.findings})
    f = compiled.finding_index[finding.id]
    column = compiled.weight_present[:, f]
    favoured = int(np.argmax(column))
    assume(column[favoured] > column.min())
    before = _posterior(compiled, case).conditions[0, favoured]
    after = _posterior(compiled, _with_finding(case, {"id": finding.id})).conditions[0, favoured]
    assert after >= before - 1e-12


def _mirror(case: Case) -> Case:
    swap = {"left": "right", "right": "left"}
    data = case.model_dump(mode="json")
    for key in ("findings", "strength", "reflexes", "sensation", "imaging"):
        for item in data[key]:
            if item.get("side") in swap:
                item["side"] = swap[item["side"]]
    for item in data["pain_map"] or []:
        if item.get("side") in swap:
            item["side"] = swap[item["side"]]
    return Case.model_validate(data)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_mirroring_left_and_right_mirrors_the_output(
    compiled: CompiledKnowledge, data: st.DataObject
) -> None:
    case = data.draw(cases(compiled))
    original, mirrored = assess(case, compiled), assess(_mirror(case), compiled)
    assert [d.probability for d in original.differential] == pytest.approx(
        [d.probability for d in mirrored.differential]
    )
    swap = {"left": "right", "right": "left"}
    first = {(s.site, s.root, s.nerve, s.side): s.probability for s in original.localization}
    second = {
        (s.site, s.root, s.nerve, swap.get(s.side or "", s.side)): s.probability
        for s in mirrored.localization
    }
    shared = set(first) & set(second)
    assert shared
    for key in shared:
        assert first[key] == pytest.approx(second[key], abs=1e-9)
    assert original.triage.level == mirrored.triage.level


@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_red_flag_never_lowers_triage(compiled: CompiledKnowledge, data: st.DataObject) -> None:
    case = data.draw(cases(compiled))
    flags = [f for f in compiled.knowledge.findings if f.red_flag and f.derive is None]
    flag = data.draw(st.sampled_from(flags))
    assume(flag.id not in {f.id for f in case.findings})
    before = assess(case, compiled).triage.level
    after = assess(_with_finding(case, {"id": flag.id}), compiled).triage.level
    assert rank(after) >= rank(before)


def test_unknown_is_not_absent(compiled: CompiledKnowledge) -> None:
    finding = next(
        f.id
        for f in compiled.knowledge.findings
        if f.derive is None and np.ptp(compiled.weight_present[:, compiled.finding_index[f.id]]) > 0.05
    )
    base = Case(age=45)
    unknown = _with_finding(base, {"id": finding, "status": "unknown"})
    absent = _with_finding(base, {"id": finding, "status": "absent"})
    p_base = _posterior(compiled, base).conditions
    np.testing.assert_allclose(_posterior(compiled, unknown).conditions, p_base)
    assert not np.allclose(_posterior(compiled, absent).conditions, p_base)


@PROPERTY_SETTINGS
@given(data=st.data(), seed=st.integers(0, 10_000))
def test_order_of_findings_changes_nothing(
    compiled: CompiledKnowledge, data: st.DataObject, seed: int
) -> None:
    case = data.draw(cases(compiled))
    shuffled = case.model_dump(mode="json")
    for key in ("findings", "strength", "reflexes"):
        random.Random(seed).shuffle(shuffled[key])
    if shuffled["pain_map"]:
        random.Random(seed).shuffle(shuffled["pain_map"])
    first = assess(case, compiled).model_dump(mode="json", exclude={"findings_used", "notes"})
    second = assess(Case.model_validate(shuffled), compiled).model_dump(
        mode="json", exclude={"findings_used", "notes"}
    )
    assert first == second


# more examples than the other properties: a one-sided picture that a both-sided site fits best (a
# whole foot, over the L4, L5 and S1 maps) is a small share of the one-sided cases drawn
@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(data=st.data())
def test_one_sided_findings_never_make_a_both_sided_site_the_top_answer(data: st.DataObject) -> None:
    """Issue 14's property: every sided finding on one side (a whole foot numb included) is never
    answered first with a site of both legs; a both-sided site may stay listed as an alternative.
    The packaged knowledge base only: a strategy drawn over the two parametrised bases under one test
    function makes hypothesis report a failure as a flaky strategy instead of its example."""
    compiled = default_compiled()
    case = data.draw(one_sided_cases(compiled))
    assert assess(case, compiled).localization[0].side != "bilateral"


@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_deficit_in_a_roots_myotome_never_lowers_that_root(data: st.DataObject) -> None:
    """Issue 14's property: a movement a root supplies (roots.yaml ``movements``) graded weak on the
    case's side never lowers that root's posterior on that side, whatever else the case shows (the
    packaged knowledge base, as above)."""
    compiled = default_compiled()
    case = data.draw(one_sided_cases(compiled))
    pairs = [(r.id, m) for r in compiled.knowledge.anatomy.roots for m in r.movements]
    assume(pairs)
    root, movement = data.draw(st.sampled_from(pairs))
    grade = data.draw(st.integers(0, 4))
    sided = case.model_dump(mode="json")
    side = next(item["side"] for key in ("pain_map", "strength", "reflexes") for item in sided[key] or [])
    sided["strength"] = [s for s in sided["strength"] if s["movement"] != movement]
    without = Case.model_validate(sided)
    sided["strength"].append({"movement": movement, "side": side, "grade": grade})
    weak = Case.model_validate(sided)
    h = compiled.hypothesis_index[f"root:{root}:{side}"]
    before = _posterior(compiled, without).sites[0, h]
    after = _posterior(compiled, weak).sites[0, h]
    assert after >= before - 1e-12
