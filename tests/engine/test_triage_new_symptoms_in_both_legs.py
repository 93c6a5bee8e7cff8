"""New or progressing symptoms in both legs are a cauda equina emergency by rule, not by probability (H9, s8).

The suspected-CES pathway (BMJ Best Practice CES after GIRFT 2023) treats the recent onset (< 14 days) or
deterioration of neurological symptoms affecting both legs as a reason for emergency MRI. Before session 8
such a case (unilateral sciatica, then the other heel going numb) reached "emergency" only through the
cauda equina probability passing its 0.10 cut-off, so any change of prior or likelihood could drop it.
Two red-flag rules now carry it: ``ces_single_feature_new`` (numbness or tingling in both legs,
``bilateral_leg_numbness``, joins bilateral sciatica and weakness; a leg just gone numb or weak,
``leg_neuro_symptom_new``, counts as new) and ``ces_bilateral_symptoms_new_deficit`` (symptoms of any kind in
both legs with a leg just gone numb or weak). The properties: whatever else the case holds and however
small the cauda equina prior, the rule fires and the level is emergency; chronic stable bilateral numbness
(a polyneuropathy's stocking numbness, long-standing claudication) is not made an emergency by these rules.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge
from nervemap.knowledge.loader import LoadedKnowledge, default_knowledge
from nervemap.knowledge.models import TriageLevel

NEW_RULES = {"ces_single_feature_new", "ces_bilateral_symptoms_new_deficit", "ces_bilateral_numbness_new"}
FEET = ["foot_dorsum", "foot_sole", "heel", "great_toe"]
LEG = ["calf", "leg_lateral", "thigh_posterior", "leg_anterior"]
# findings that move the differential a lot but are not cauda equina red flags
OTHER = [
    "back_pain",
    "radiating_leg_pain",
    "slr_positive",
    "pain_worse_cough_sneeze",
    "diabetes",
    "leg_pain_on_walking",
    "relief_bending_forward",
    "fever",
    "calf_pain",
    "smoking",
    "peripheral_pulses_reduced",
    "distal_symmetric_sensory_symptoms",
]


@functools.cache
def _ces_prior_scaled(factor: float) -> CompiledKnowledge:
    """The packaged knowledge with every cauda equina prior multiplied by ``factor``."""
    loaded = default_knowledge()
    conditions = [
        c.model_copy(
            update={
                "prior": {s: p.model_copy(update={"value": p.value * factor}) for s, p in c.prior.items()}
            }
        )
        if c.id == "cauda_equina_syndrome"
        else c
        for c in loaded.knowledge.conditions
    ]
    kb = loaded.knowledge.model_copy(update={"conditions": conditions})
    return compile_knowledge(LoadedKnowledge(kb, loaded.origins))


def _case(pain_map: list[dict[str, str]], findings: list[str], **fields: Any) -> Case:
    return Case.model_validate(
        {"pain_map": pain_map, "findings": [{"id": f, "status": "present"} for f in findings], **fields}
    )


def _fired(case: Case, compiled: CompiledKnowledge | None = None) -> tuple[str, set[str]]:
    result = assess(case, compiled, detail="headline")
    return str(result.triage.level), {flag.id for flag in result.triage.red_flags}


def _numb(regions: list[str], side: str, kind: str = "numbness") -> list[dict[str, str]]:
    return [{"region": r, "side": side, "kind": kind} for r in regions]


def test_the_other_heel_going_numb_after_unilateral_sciatica_is_an_emergency_by_rule() -> None:
    # right S1 sciatica, then the left heel went numb (pain in one leg, numbness in both)
    pain = [{"region": "lower_back", "side": "right"}, {"region": "thigh_posterior", "side": "right"}]
    pain += _numb(["foot_lateral_border", "foot_sole"], "right") + _numb(["heel"], "left")
    case = _case(pain, ["back_pain", "radiating_leg_pain", "leg_numbness", "leg_neuro_symptom_new"], age=35)
    level, fired = _fired(case, _ces_prior_scaled(0.01))
    assert level == TriageLevel.EMERGENCY
    # numbness in both legs is ces_bilateral_numbness_new since session 9 (E), not ces_single_feature_new
    assert fired >= {"ces_bilateral_numbness_new", "ces_bilateral_symptoms_new_deficit"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    age=st.integers(min_value=18, max_value=90),
    setting=st.sampled_from(["primary-care", "emergency", "spine-clinic"]),
    left=st.lists(st.sampled_from(FEET + LEG), min_size=1, max_size=3, unique=True),
    right=st.lists(st.sampled_from(FEET + LEG), min_size=1, max_size=3, unique=True),
    kind=st.sampled_from(["numbness", "tingling"]),
    # session 9 (E): numbness in both legs that is only "getting worse" (progressive_symptoms) is the
    # urgent tier ces_bilateral_numbness_worsening (a polyneuropathy's course too), tested below
    newness=st.sampled_from(["duration", "progressive_weakness", "leg_neuro_symptom_new"]),
    others=st.lists(st.sampled_from(OTHER), max_size=5, unique=True),
    factor=st.sampled_from([1.0, 0.1, 0.01]),
)
def test_new_numbness_in_both_legs_is_an_emergency_whatever_the_probabilities(
    age: int,
    setting: str,
    left: list[str],
    right: list[str],
    kind: str,
    newness: str,
    others: list[str],
    factor: float,
) -> None:
    fields: dict[str, Any] = {"age": age, "setting": setting}
    findings = list(others)
    if newness == "duration":
        fields["duration_days"] = 5
    else:
        findings.append(newness)
    case = _case(_numb(left, "left", kind) + _numb(right, "right", kind), findings, **fields)
    level, fired = _fired(case, _ces_prior_scaled(factor))
    assert "ces_bilateral_numbness_new" in fired
    assert level == TriageLevel.EMERGENCY


_RANK = {"self-care": 0, "routine": 1, "soon": 2, "urgent": 3, "emergency": 4}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    left=st.lists(st.sampled_from(FEET + LEG), min_size=1, max_size=3, unique=True),
    right=st.lists(st.sampled_from(FEET + LEG), min_size=1, max_size=3, unique=True),
    others=st.lists(st.sampled_from(OTHER), max_size=5, unique=True),
    factor=st.sampled_from([1.0, 0.01]),
)
def test_numbness_in_both_legs_getting_worse_is_at_least_urgent(
    left: list[str], right: list[str], others: list[str], factor: float
) -> None:
    """E s9: worsening numbness in both legs, with no stated recent onset, is assessed the same day."""
    case = _case(
        _numb(left, "left") + _numb(right, "right"),
        [*others, "progressive_symptoms"],
        age=60,
        duration_days=400,
    )
    level, fired = _fired(case, _ces_prior_scaled(factor))
    assert "ces_bilateral_numbness_worsening" in fired
    assert _RANK[level] >= _RANK["urgent"]


def test_a_diabetics_numb_soles_getting_worse_are_not_a_cauda_equina_emergency() -> None:
    """The reviewer's over-triage (E s9): both soles numb and 'getting worse' in a diabetic is the course of a
    length-dependent polyneuropathy; it is assessed within a day (saddle and bladder asked), not sent for
    emergency MRI, unless the numbness is new."""
    pain = _numb(["foot_sole"], "left") + _numb(["foot_sole"], "right")
    findings = ["diabetes", "distal_symmetric_sensory_symptoms", "leg_numbness", "progressive_symptoms"]
    level, fired = _fired(_case(pain, findings, age=64, duration_days=700))
    assert not fired & NEW_RULES
    assert level != TriageLevel.EMERGENCY
    new = _case(pain, findings, age=64, duration_days=5)
    level_new, fired_new = _fired(new)
    assert "ces_bilateral_numbness_new" in fired_new
    assert level_new == TriageLevel.EMERGENCY


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pain_side=st.sampled_from(["left", "right"]),
    region=st.sampled_from(["buttock", "calf", "thigh_posterior", "foot_dorsum"]),
    others=st.lists(st.sampled_from(OTHER), max_size=5, unique=True),
    factor=st.sampled_from([1.0, 0.01]),
)
def test_symptoms_in_both_legs_with_a_leg_just_gone_weak_is_an_emergency(
    pain_side: str, region: str, others: list[str], factor: float
) -> None:
    other_side = "right" if pain_side == "left" else "left"
    pain = [{"region": region, "side": pain_side}, {"region": "calf", "side": other_side}]
    case = _case(
        pain, [*others, "leg_neuro_symptom_new", "subjective_leg_weakness"], age=50, duration_days=60
    )
    level, fired = _fired(case, _ces_prior_scaled(factor))
    assert "ces_bilateral_symptoms_new_deficit" in fired
    assert level == TriageLevel.EMERGENCY


def test_a_leg_just_gone_numb_on_one_side_only_is_not_this_rule() -> None:
    case = _case(_numb(["foot_dorsum"], "right"), ["leg_numbness", "leg_neuro_symptom_new"], age=50)
    _, fired = _fired(case)
    assert not fired & NEW_RULES


def test_chronic_stocking_numbness_of_both_feet_is_not_made_an_emergency() -> None:
    # a diabetic polyneuropathy: numb, tingling feet for years, nothing new
    pain = _numb(FEET, "left") + _numb(FEET, "right") + _numb(["foot_dorsum"], "left", "tingling")
    case = _case(
        pain, ["diabetes", "distal_symmetric_sensory_symptoms", "leg_numbness"], age=68, duration_days=1500
    )
    level, fired = _fired(case)
    assert not fired & NEW_RULES
    assert level != TriageLevel.EMERGENCY


def test_long_standing_claudication_in_both_legs_is_not_made_an_emergency() -> None:
    pain = [
        {"region": r, "side": s} for r in ("buttock", "thigh_posterior", "calf") for s in ("left", "right")
    ]
    pain += _numb(["calf"], "left") + _numb(["calf"], "right")
    findings = ["leg_pain_on_walking", "relief_bending_forward", "back_pain", "leg_numbness"]
    case = _case(pain, findings, age=74, duration_days=730)
    level, fired = _fired(case)
    assert not fired & NEW_RULES
    assert level != TriageLevel.EMERGENCY
