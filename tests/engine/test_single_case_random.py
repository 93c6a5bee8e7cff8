"""One case alone (engine/core.headline_one, the path of ``assess``) on random cases: the same
Assessment as the batch path given that case alone (``assess_many([case])``), also for what the
golden, development and root-level cases seldom combine - sex, onset, duration at and around the
plan's cut points, pain and disability scores with graded weakness (the severity grade and the plan
memo's key, review of issue 16)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nervemap.engine.assess import assess, assess_many
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled

from .strategies import cases as random_cases

COMPILED = default_compiled()
CUTS = sorted(
    {
        days
        for step in COMPILED.knowledge.plans
        for days in (step.min_duration_days, step.max_duration_days)
        if days is not None
    }
)
DURATIONS = st.none() | st.sampled_from(CUTS) | st.floats(0, 3650, allow_nan=False)


@st.composite
def fuller_cases(draw: st.DrawFn) -> Case:
    case: dict[str, Any] = draw(random_cases(COMPILED)).model_dump(mode="json", exclude_unset=True)
    case["sex"] = draw(st.none() | st.sampled_from(["female", "male"]))
    case["onset"] = draw(st.none() | st.sampled_from(["sudden", "gradual"]))
    case["duration_days"] = draw(DURATIONS)
    case["scores"] = {
        "pain_nrs": draw(st.none() | st.sampled_from([0.0, 3.0, 4.0, 6.0, 7.0, 10.0])),
        "odi": draw(st.none() | st.sampled_from([0.0, 20.0, 21.0, 40.0, 41.0, 80.0])),
    }
    return Case.model_validate(case)


@settings(max_examples=150, deadline=None)
@given(fuller_cases())
def test_single_case_path_is_the_batch_path_on_random_cases(case: Case) -> None:
    single = assess(case, COMPILED)
    batch = assess_many([case], COMPILED)[0]
    assert single.model_dump_json(by_alias=True) == batch.model_dump_json(by_alias=True)
