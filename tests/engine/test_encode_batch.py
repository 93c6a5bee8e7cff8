"""The batch encoder gives exactly the per-case encoder's matrices (engine/encode.py is the
reference): on every golden, development and root-level case and on random cases (issue 16)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import CaseError, encode_case
from nervemap.engine.encode_batch import EncodedBatch, encode_batch

from .datasets import all_cases
from .strategies import cases as random_cases

FIELDS = (
    "present",
    "absent",
    "site_scored",
    "observed_present",
    "observed_absent",
    "sign_states",
    "origin",
    "sides",
)


def assert_same(cases: Sequence[Case]) -> None:
    compiled = default_compiled()
    reference = EncodedBatch.of(compiled, [encode_case(case, compiled) for case in cases])
    batch = encode_batch(cases, compiled)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(batch, name), getattr(reference, name), err_msg=name)
    assert batch.settings == reference.settings
    for i in range(len(cases)):
        assert batch.origins(i) == reference.origins(i)  # findings used, in the order they were known
        assert batch.notes[i] == reference.notes[i]
        assert batch.case(i).origin == reference.case(i).origin
        assert batch.case(i).sides == reference.case(i).sides


def test_identical_matrices_on_golden_dev_and_rootset_cases() -> None:
    cases = all_cases()
    assert len(cases) > 400
    assert_same(cases)


@settings(max_examples=60, deadline=None)
@given(st.lists(random_cases(default_compiled()), min_size=1, max_size=12))
def test_identical_matrices_on_random_cases(cases: list[Case]) -> None:
    assert_same(cases)


def test_contradictions_and_partial_maps() -> None:
    """Reported against derived findings (a note), one-sided absence, partial maps, traces."""
    case = Case.model_validate(
        {
            "age": 70,
            "pain_map": [
                {"region": r, "side": "left", "kind": "pain"}
                for r in ("thigh_anterior", "thigh_lateral", "thigh_medial", "thigh_posterior")
            ],
            "pain_map_complete": False,
            "strength": [{"movement": "ankle_dorsiflexion", "side": "left", "grade": 3}],
            "reflexes": [
                {"reflex": "achilles", "side": "left", "grade": 1},
                {"reflex": "achilles", "side": "right", "grade": 1},
                {"reflex": "patellar", "side": "left", "grade": 3},
            ],
            "imaging": [{"kind": "disc-herniation", "level": "L4-L5"}],
            "findings": [
                {"id": "motor_deficit", "status": "absent"},
                {"id": "foot_drop", "status": "absent", "side": "right"},
                {"id": "pain_below_knee", "status": "present", "side": "bilateral"},
            ],
        }
    )
    second = case.model_copy(update={"pain_map_complete": True, "sensation": []})
    compiled = default_compiled()
    assert encode_case(case, compiled).notes  # the report against the examination is noted
    assert_same([case, second, *all_cases()[:5]])


def test_an_unreadable_case_is_refused_as_by_the_per_case_encoder() -> None:
    compiled = default_compiled()
    bad = Case.model_validate({"findings": [{"id": "no_such_finding"}]})
    with pytest.raises(CaseError) as reference:
        encode_case(bad, compiled)
    with pytest.raises(CaseError) as batch:
        encode_batch([all_cases()[0], bad], compiled)
    assert str(batch.value) == str(reference.value)
