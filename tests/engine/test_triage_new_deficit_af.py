"""A leg that has newly gone numb or weak in atrial fibrillation is an embolus until proven otherwise, whether
or not the note says "sudden" (triage.yaml ali_new_deficit_af; E s16, reviewer R s16: "Known AF. Since this
morning he can no longer feel his right leg." was read right and stayed routine)."""

from __future__ import annotations

import pytest

from nervemap.knowledge.models import TriageLevel
from tests.nlp.reading import red_flags_of

RULE = "ali_new_deficit_af"


@pytest.mark.parametrize(
    "text",
    [
        "A 77-year-old in atrial fibrillation: since waking he can no longer feel his left foot.",
        "Known AF, stopped her apixaban last week. New weakness of the right leg today.",
    ],
)
def test_a_new_leg_deficit_with_atrial_fibrillation_is_an_emergency(text: str) -> None:
    level, flags = red_flags_of(text)
    assert RULE in flags
    assert level == TriageLevel.EMERGENCY


def test_a_new_deficit_without_atrial_fibrillation_does_not_fire_it() -> None:
    _, flags = red_flags_of("A 77-year-old: since waking he can no longer feel his left foot.")
    assert RULE not in flags


def test_sciatica_spreading_with_atrial_fibrillation_but_no_deficit_does_not_fire_it() -> None:
    _, flags = red_flags_of("Known AF. Sciatica for months, now spreading to the other leg.")
    assert RULE not in flags


# (E s17) the examined limb closes it: warm AND pulses felt (triage.yaml unless_absent, docs/safety.md H3)
NEW_NUMB_FOOT = "Known AF, on rivaroxaban. Sciatica; new numbness of the right foot since Monday."
PERFUSED = f"{NEW_NUMB_FOOT} Foot warm, pedal pulses palpable."


def test_a_new_deficit_in_a_limb_examined_warm_with_pulses_felt_is_not_this_rule() -> None:
    level, flags = red_flags_of(PERFUSED)
    assert RULE not in flags
    assert level != TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        # pulses felt alone: palpation is unreliable, Doppler signals do not exclude ALI (rcem-2022)
        f"{NEW_NUMB_FOOT} Pedal pulses palpable.",
        # the limb not examined
        NEW_NUMB_FOOT,
        # an examination of the past, a habit, or of the other leg only (reviewer R s17 on 3a4ce6f)
        f"{NEW_NUMB_FOOT} At her diabetic foot check in March the feet were warm and pedal pulses palpable.",
        f"{NEW_NUMB_FOOT} Last week in clinic: feet warm, peripheral pulses normal.",
        f"{NEW_NUMB_FOOT} She keeps her feet warm with thick socks. Pedal pulses palpable.",
        f"{NEW_NUMB_FOOT} Left foot warm, left pedal pulses palpable; right foot not examined.",
        # warm, but a pulse deficit: reopened (and the pulseless rule fires)
        "Known AF. New numbness of the right foot since Monday. Right foot warm, pedal pulses absent.",
    ],
)
def test_a_new_deficit_with_an_unexamined_or_pulseless_limb_stays_an_emergency(text: str) -> None:
    level, _ = red_flags_of(text)
    assert level == TriageLevel.EMERGENCY


def test_a_sudden_deficit_stays_an_emergency_in_a_perfused_limb() -> None:
    level, flags = red_flags_of(
        "Known AF. Her right leg suddenly went weak an hour ago. Right foot warm, pedal pulses palpable."
    )
    assert "ali_sudden_deficit_af" in flags
    assert level == TriageLevel.EMERGENCY


def test_closers_close_only_with_every_group_absent_and_none_present() -> None:
    from nervemap.engine.compiled import default_compiled
    from nervemap.engine.triage import rule_closed, rule_fires

    rule = next(r for r in default_compiled().knowledge.triage.red_flags if r.id == RULE)
    present = {"atrial_fibrillation", "leg_neuro_symptom_new", "leg_numbness"}
    assert rule_fires(rule, present)  # nothing known absent: the interview's "could it fire?"
    assert rule_fires(rule, present, {"leg_pulseless"})  # pulses felt, temperature unknown
    assert not rule_fires(rule, present, {"leg_pulseless", "cold_pale_limb"})
    assert rule_fires(rule, present | {"peripheral_pulses_reduced"}, {"leg_pulseless", "cold_pale_limb"})
    assert not rule_closed(rule, present, set())


def test_the_one_case_path_closes_the_rule_as_the_batch_does() -> None:
    import numpy as np

    from nervemap.engine.compiled import default_compiled
    from nervemap.engine.core import _fired_one, _one_tables, tables

    t = tables(default_compiled())
    one = _one_tables(t)
    index = t.compiled.finding_index
    r = t.rule_ids.index(RULE)
    present = {index[f] for f in ("atrial_fibrillation", "leg_neuro_symptom_new", "leg_numbness")}
    for absent_ids in (
        (),
        ("leg_pulseless",),
        ("leg_pulseless", "cold_pale_limb"),
        ("peripheral_pulses_reduced", "cold_pale_limb"),
    ):
        absent = {index[f] for f in absent_ids}
        row_present = np.zeros((1, len(index)), dtype=bool)
        row_absent = np.zeros((1, len(index)), dtype=bool)
        row_present[0, sorted(present)] = True
        row_absent[0, sorted(absent)] = True
        batch = np.flatnonzero(t.fired(row_present, row_absent)[0]).tolist()
        assert _fired_one(one, present, absent) == batch
        assert (r in batch) == (len(absent_ids) < 2)
