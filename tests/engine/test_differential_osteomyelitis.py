"""Osteomyelitis of the foot or leg is ranked as such (issue 12/13 item 1): a current or suspected bone
infection speaks for septic_arthritis_osteomyelitis_leg (probe-to-bone sensitivity 0.87, Lam 2016),
also when it is chronic, while a hot swollen joint without any bone infection stays septic arthritis."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.case import Case

CONDITION = "septic_arthritis_osteomyelitis_leg"


def _case(findings: list[str], absent: tuple[str, ...] = (), **fields: Any) -> Case:
    items: list[dict[str, Any]] = [{"id": f, "status": "present"} for f in findings]
    items += [{"id": f, "status": "absent"} for f in absent]
    return Case.model_validate({"findings": items, **fields})


def _ranking(case: Case) -> list[str]:
    return [entry.id for entry in assess(case).differential]


def test_a_chronic_bone_infection_under_a_diabetic_foot_ulcer_leads_the_differential() -> None:
    case = _case(["leg_bone_infection", "skin_break_or_wound", "diabetes"], age=68, duration_days=200)
    assert _ranking(case)[0] == CONDITION


def test_an_infected_toe_bone_of_ten_years_leads_the_differential() -> None:
    case = _case(["leg_bone_infection", "skin_break_or_wound"], age=77, duration_days=3650)
    assert _ranking(case)[0] == CONDITION


def test_bone_infection_outranks_cellulitis_when_both_are_described() -> None:
    """Osteomyelitis under cellulitis: the deeper infection is named first."""
    case = _case(
        ["leg_bone_infection", "leg_redness_warmth", "skin_break_or_wound", "diabetes"],
        age=44,
        duration_days=90,
    )
    ranking = _ranking(case)
    assert ranking.index(CONDITION) < ranking.index("cellulitis_necrotising_infection")


def test_a_denied_bone_infection_does_not_rule_out_a_septic_joint() -> None:
    """The absent ratio is floored at 0.5: septic arthritis has no bone infection."""
    joint = ["hot_swollen_joint", "fever", "knee_pain", "inability_to_bear_weight"]
    with_denial = _case(joint, absent=("leg_bone_infection",), age=60, duration_days=3)
    assert _ranking(with_denial)[0] == CONDITION
