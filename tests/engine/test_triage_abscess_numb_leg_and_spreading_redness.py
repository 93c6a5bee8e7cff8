"""Two infection red flags found missing by the second blind hold-out (session 8).

- Spinal epidural abscess: back pain, fever and a NUMB leg (the triad's deficit is often sensory before it
  is motor; Davis 2004) were "urgent" only, because the emergency rule asked for weakness (hold2-019).
- Necrotising infection: a red, hot leg that keeps getting worse (rapid progression, a feature that should
  raise necrotising infection above cellulitis) had no rule of its own (hold2-017).
Each rule must escalate on its findings alone, on either side and whatever else is present; without the
deciding finding the level stays below emergency (the rule does not fire on less).
"""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess


def _level(findings: list[dict[str, object]], age: int = 45) -> str:
    return assess({"age": age, "findings": findings}).triage.level.value


def _rules(findings: list[dict[str, object]]) -> set[str]:
    result = assess({"age": 45, "findings": findings})
    return {s.rule for s in result.triage.suspected}


@pytest.mark.parametrize("sensory", ["leg_numbness", "sensory_deficit_leg", "dermatomal_sensory_loss"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_fever_back_pain_and_a_numb_leg_is_an_emergency(sensory: str, side: str) -> None:
    findings: list[dict[str, object]] = [
        {"id": "fever"},
        {"id": "back_pain"},
        {"id": sensory, "side": side} if sensory != "dermatomal_sensory_loss" else {"id": sensory},
    ]
    assert _level(findings) == "emergency"
    assert "infection_fever_back_pain_sensory_deficit" in _rules(findings)


def test_fever_and_back_pain_without_a_deficit_stay_urgent() -> None:
    findings: list[dict[str, object]] = [{"id": "fever"}, {"id": "back_pain"}]
    assert "infection_fever_back_pain_sensory_deficit" not in _rules(findings)


@pytest.mark.parametrize(
    "extra", [[], [{"id": "leg_swelling"}], [{"id": "fever"}], [{"id": "skin_break_or_wound"}]]
)
def test_a_red_hot_leg_getting_rapidly_worse_is_an_emergency(extra: list[dict[str, object]]) -> None:
    findings: list[dict[str, object]] = [{"id": "leg_redness_warmth"}, {"id": "progressive_symptoms"}, *extra]
    assert _level(findings) == "emergency"
    assert "nsti_red_leg_rapid_progression" in _rules(findings)


def test_a_red_hot_leg_alone_does_not_fire_the_progression_rule() -> None:
    assert "nsti_red_leg_rapid_progression" not in _rules([{"id": "leg_redness_warmth"}])
