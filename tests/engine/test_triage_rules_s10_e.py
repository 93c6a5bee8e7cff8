"""Session 10 (E): a leaking aneurysm at any age, and two emergencies the reviewer found over-triaged.

- ``aaa_new_pain_collapse_any_age`` (emergency; NICE NG156, Assar 2009): new or sudden back, flank, abdominal,
  groin, buttock or thigh pain with collapse or low blood pressure, whatever the age (NG156 names age over 60
  as making rupture more likely, not as a condition of thinking of it). The rule reads findings only, so the
  property below holds with random other findings, any age or none, and the aneurysm's prior scaled down.
- ``aaa_pulsatile_mass_pain`` now reads pain in the front of the thigh too (a sealed leak on the psoas).
- ``nsti_bullae_with_infection_signs``: a blister that is "getting worse", without red hot skin, fever,
  systemic upset or pain out of proportion, is no longer an emergency.
- ``compartment_syndrome_exertional_foot_drop``: a painless foot drop after exercise is not this rule.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_triage_rules_s9_e import OTHER, _case, _fired, _prior_scaled

_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAIN = [
    "back_pain",
    "abdominal_or_flank_pain",
    "groin_pain",
    "buttock_pain",
    "anterior_thigh_pain",
    "sudden_severe_leg_pain",
]
SHOCK = ["systolic_bp_below_90", "syncope_or_collapse"]


@_SETTINGS
@given(
    pain=st.sampled_from(PAIN),
    shock=st.sampled_from(SHOCK),
    new=st.sampled_from(["sudden_onset", "days"]),
    others=st.lists(st.sampled_from(OTHER), max_size=4, unique=True),
    factor=st.sampled_from([1.0, 0.1, 0.01]),
    age=st.one_of(st.none(), st.integers(min_value=18, max_value=90)),
)
def test_new_pain_with_collapse_or_low_blood_pressure_is_an_emergency_at_any_age(
    pain: str, shock: str, new: str, others: list[str], factor: float, age: int | None
) -> None:
    findings = [pain, shock, *others]
    fields: dict[str, Any] = {"age": age}
    if new == "days":
        fields["duration_days"] = 2
    else:
        findings.append(new)
    case = _case(list(dict.fromkeys(findings)), **fields)
    level, fired = _fired(case, _prior_scaled("abdominal_aortic_aneurysm", factor))
    assert "aaa_new_pain_collapse_any_age" in fired
    assert level == "emergency"


def test_a_faint_with_long_standing_back_pain_under_60_is_not_this_rule() -> None:
    _, fired = _fired(_case(["back_pain", "syncope_or_collapse"], age=45, duration_days=3650))
    assert "aaa_new_pain_collapse_any_age" not in fired


def test_new_back_pain_without_collapse_or_low_blood_pressure_is_not_this_rule() -> None:
    _, fired = _fired(_case(["back_pain", "sudden_onset"], age=45))
    assert "aaa_new_pain_collapse_any_age" not in fired


def test_new_back_pain_with_only_a_fast_pulse_is_not_this_rule() -> None:
    """Pain raises the pulse at any age: a fast pulse alone is not the collapse of NG156."""
    case = _case(["back_pain", "sudden_onset", "heart_rate_above_100", "tachycardia_or_hypotension"], age=35)
    _, fired = _fired(case)
    assert "aaa_new_pain_collapse_any_age" not in fired


@_SETTINGS
@given(factor=st.sampled_from([1.0, 0.1, 0.01]), age=st.integers(min_value=50, max_value=90))
def test_thigh_pain_with_a_pulsatile_abdominal_mass_is_an_emergency(factor: float, age: int) -> None:
    case = _case(["anterior_thigh_pain", "pulsatile_abdominal_mass"], age=age)
    level, fired = _fired(case, _prior_scaled("abdominal_aortic_aneurysm", factor))
    assert "aaa_pulsatile_mass_pain" in fired
    assert level == "emergency"


def test_a_blister_getting_worse_without_a_sign_of_infection_is_not_a_necrotising_emergency() -> None:
    """Reviewer, session 10: bullae and "getting worse" made a necrotising-infection emergency."""
    level, fired = _fired(_case(["skin_bullae", "progressive_symptoms"], age=70))
    assert "nsti_bullae_with_infection_signs" not in fired
    assert level != "emergency"


def test_a_painless_foot_drop_after_hard_exercise_is_not_a_compartment_syndrome_rule() -> None:
    """Reviewer, session 10: the exertional compartment rule fired on a painless foot drop."""
    for acute in ("sudden_onset", "leg_swelling", "tense_swollen_compartment"):
        _, fired = _fired(_case(["recent_strenuous_activity", "foot_drop", acute], age=30))
        assert "compartment_syndrome_exertional_foot_drop" not in fired, acute


def test_a_painful_foot_drop_after_hard_exercise_is_still_the_compartment_syndrome_rule() -> None:
    case = _case(["recent_strenuous_activity", "foot_drop", "sudden_onset", "pain_below_knee"], age=30)
    level, fired = _fired(case)
    assert "compartment_syndrome_exertional_foot_drop" in fired
    assert level == "emergency"
