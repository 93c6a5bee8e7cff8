"""Triage from both posteriors (issue 13 item 1) and the out-of-model warning (item 4).

Property tests run on the small fixture and on the production knowledge base.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nervemap.engine.assess import assess, infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.engine.encode import encode_case
from nervemap.engine.triage import decide, rank
from nervemap.knowledge.models import TriageLevel

from .strategies import cases

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, database=None, derandomize=True)


@pytest.fixture(params=["small", "production"], scope="module")
def compiled(request: pytest.FixtureRequest, small_kb: CompiledKnowledge) -> CompiledKnowledge:
    return small_kb if request.param == "small" else default_compiled()


def _with_finding(case: Case, finding: dict[str, Any]) -> Case:
    data = case.model_dump(mode="json")
    data["findings"] = [f for f in data["findings"] if f["id"] != finding["id"]] + [finding]
    return Case.model_validate(data)


def _full_posterior(compiled: CompiledKnowledge, case: Case) -> Any:
    return infer_encoded(compiled, [encode_case(case, compiled)]).conditions[0]


def _floor(compiled: CompiledKnowledge, posterior: Any) -> int:
    """The lowest level the full posterior alone calls for (suspicion thresholds, likely conditions)."""
    kb = compiled.knowledge
    index = {c.id: i for i, c in enumerate(compiled.conditions)}
    floor = 0
    for rule in kb.triage.suspicion:
        if posterior[index[rule.condition]] >= rule.min_probability.value:
            floor = max(floor, rank(rule.level))
    for i, condition in enumerate(compiled.conditions):
        if posterior[i] >= kb.triage.likely_probability.value:
            floor = max(floor, rank(condition.urgency))
    return floor


@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_finding_that_raises_an_urgent_condition_over_its_threshold_never_lowers_the_level(
    compiled: CompiledKnowledge, data: st.DataObject
) -> None:
    """Add any finding: whatever threshold the full posterior now crosses, the level honours it."""
    case = data.draw(cases(compiled))
    candidates = [f for f in compiled.knowledge.findings if f.derive is None and not f.exclusive_group]
    finding = data.draw(st.sampled_from(candidates))
    after_case = _with_finding(case, {"id": finding.id})
    before, after = assess(case, compiled), assess(after_case, compiled)
    p_before = _full_posterior(compiled, case)
    p_after = _full_posterior(compiled, after_case)
    assert rank(after.triage.level) >= _floor(compiled, p_after)
    assert rank(before.triage.level) >= _floor(compiled, p_before)
    if _floor(compiled, p_after) > _floor(compiled, p_before):
        # the finding pushed a dangerous condition over a threshold: the level cannot fall below it
        assert rank(after.triage.level) >= min(rank(before.triage.level), _floor(compiled, p_after))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_suspected_conditions_match_the_fired_rules(compiled: CompiledKnowledge, data: st.DataObject) -> None:
    case = data.draw(cases(compiled))
    result = assess(case, compiled)
    levels = [rank(s.level) for s in result.triage.suspected]
    assert levels == sorted(levels, reverse=True)
    for suspected in result.triage.suspected:
        assert rank(suspected.level) >= rank(TriageLevel.URGENT)
        assert rank(suspected.level) <= rank(result.triage.level)
    fired = {flag.id for flag in result.triage.red_flags}
    rules = {rule.id: rule for rule in compiled.knowledge.triage.red_flags}
    for suspected in result.triage.suspected:
        if not suspected.rule.startswith("suspicion:"):
            assert suspected.rule in fired
            assert suspected.condition in rules[suspected.rule].suspects


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_fit_warning_never_lowers_triage(compiled: CompiledKnowledge, data: st.DataObject) -> None:
    case = data.draw(cases(compiled))
    encoded = encode_case(case, compiled)
    posterior = infer_encoded(compiled, [encoded]).conditions[0]
    present = {compiled.finding_ids[f] for f in encoded.present.nonzero()[0]}
    absent = frozenset(compiled.finding_ids[f] for f in encoded.absent.nonzero()[0])
    args = (compiled.knowledge.triage, compiled.conditions, present, list(posterior), absent)
    fits = decide(*args, full_posteriors=[("all findings", list(posterior))], fit_adequate=True)
    misfit = decide(*args, full_posteriors=[("all findings", list(posterior))], fit_adequate=False)
    assert rank(misfit.level) >= rank(fits.level)
    assert rank(misfit.level) >= rank(TriageLevel.ROUTINE)


def test_the_full_posterior_raises_what_the_screening_posterior_misses() -> None:
    """A dangerous condition made likely only by red flags still sets the level (issue 13 Why)."""
    compiled = default_compiled()
    kb = compiled.knowledge
    index = {c.id: i for i, c in enumerate(compiled.conditions)}
    screening = [0.0] * len(compiled.conditions)
    screening[index["nonspecific_low_back_pain"]] = 1.0
    full = [0.0] * len(compiled.conditions)
    full[index["metastatic_spinal_disease"]] = 0.6
    full[index["lumbar_disc_herniation"]] = 0.4
    without = decide(kb.triage, compiled.conditions, {"back_pain"}, screening)
    with_full = decide(
        kb.triage, compiled.conditions, {"back_pain"}, screening, full_posteriors=[("all findings", full)]
    )
    assert rank(without.level) < rank(TriageLevel.URGENT)
    assert with_full.level == TriageLevel.URGENT
    assert with_full.suspected[0].condition == "metastatic_spinal_disease"
    assert with_full.suspected[0].rule == "suspicion:metastatic_spinal_disease"


# ------------------------------------------------------------------ out-of-model warning


def test_findings_from_two_unrelated_systems_are_flagged() -> None:
    """Deep-vein thrombosis signs and a hot swollen joint with symmetric neuropathy: no one condition."""
    case = Case.model_validate(
        {
            "age": 50,
            "findings": [
                {"id": "calf_swelling_asymmetry", "side": "left"},
                {"id": "deep_vein_tenderness", "side": "left"},
                {"id": "stocking_sensory_loss"},
                {"id": "vibration_loss_feet"},
                {"id": "hot_swollen_joint"},
            ],
        }
    )
    fit = assess(case).fit
    assert not fit.adequate
    assert len(fit.unexplained) >= 2
    assert "not explained by any condition" in fit.reason


def test_a_typical_single_condition_case_fits() -> None:
    case = Case.model_validate(
        {
            "age": 40,
            "duration_days": 20,
            "findings": [
                {"id": "radiating_leg_pain", "side": "left"},
                {"id": "pain_below_knee", "side": "left"},
                {"id": "slr_positive", "side": "left"},
                {"id": "pain_worse_cough_sneeze"},
                {"id": "back_pain"},
            ],
        }
    )
    fit = assess(case).fit
    assert fit.adequate
    assert fit.unexplained == []


def test_an_unmodelled_emergency_is_flagged_and_still_triaged_by_its_rule() -> None:
    case = Case.model_validate(
        {
            "age": 24,
            "findings": [
                {"id": "tight_cast_or_dressing"},
                {"id": "pain_on_passive_stretch", "side": "right"},
                {"id": "tense_swollen_compartment", "side": "right"},
            ],
        }
    )
    result = assess(case)
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "compartment_syndrome_after_injury" in {f.id for f in result.triage.red_flags}
