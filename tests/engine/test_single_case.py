"""One case alone (engine/core.headline_one, the path of ``assess``) gives exactly the Assessment
the batch path gives that case (``assess_many([case])``): ranks, probabilities, triage, plan,
localisation and evidence, byte for byte, on every golden, development and root-level case
(issue 16)."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess, assess_many
from nervemap.engine.compiled import default_compiled

from .datasets import all_cases


@pytest.mark.parametrize("detail", ["full", "headline"])
def test_single_case_path_is_the_batch_path(detail: str) -> None:
    compiled = default_compiled()
    cases = all_cases()
    assert len(cases) > 400
    for case in cases:
        single = assess(case, compiled, detail=detail)  # type: ignore[arg-type]
        batch = assess_many([case], compiled, detail=detail)[0]  # type: ignore[arg-type]
        assert single.model_dump_json(by_alias=True) == batch.model_dump_json(by_alias=True), case.id
        # the same fields recorded as set (records made without validation keep trusted()'s sets)
        assert single.model_dump(exclude_unset=True) == batch.model_dump(exclude_unset=True), case.id


def test_single_case_path_takes_a_dict_and_refuses_an_unknown_detail() -> None:
    case = all_cases()[0]
    as_dict = case.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert assess(as_dict) == assess(case)
    with pytest.raises(ValueError, match="detail"):
        assess(case, detail="summary")  # type: ignore[arg-type]


def test_single_case_records_validate_to_themselves() -> None:
    """Records built without validation (engine/records.exact_maker) are what validation builds."""
    from nervemap.engine.assessment import Assessment

    for case in all_cases()[::3]:
        assessment = assess(case)
        again = Assessment.model_validate_json(assessment.model_dump_json(by_alias=True))
        assert again == assessment
        assert again.model_dump_json(by_alias=True) == assessment.model_dump_json(by_alias=True)


def test_single_case_posteriors_are_the_batch_posteriors_to_the_last_bit() -> None:
    import numpy as np

    from nervemap.engine.assess import headlines
    from nervemap.engine.core import headline_one
    from nervemap.engine.encode import encode_case

    compiled = default_compiled()
    for case in all_cases():
        one = headline_one(compiled, case, encode_case(case, compiled))
        batch = headlines([case], compiled)[0]
        assert np.array_equal(one.conditions, batch.conditions), case.id
        assert np.array_equal(one.sites, batch.sites), case.id
        assert np.array_equal(one.site_loglik, batch.site_loglik), case.id
        assert one.p_spinal == batch.p_spinal
        assert one.order.tolist() == batch.order.tolist()
        assert one.site_order.tolist() == batch.site_order.tolist()


def test_one_case_batch_is_encoded_batch_of_that_case() -> None:
    import numpy as np

    from nervemap.engine.core import _one_batch
    from nervemap.engine.encode import encode_case
    from nervemap.engine.encode_batch import EncodedBatch

    compiled = default_compiled()
    for case in all_cases()[::5]:
        encoded = encode_case(case, compiled)
        one, batch = _one_batch(compiled, encoded), EncodedBatch.of(compiled, [encoded])
        for name in ("present", "absent", "site_scored", "observed_present", "observed_absent"):
            assert np.array_equal(getattr(one, name), getattr(batch, name)), name
        for name in ("sign_states", "origin", "first", "sides"):
            assert np.array_equal(getattr(one, name), getattr(batch, name)), name
        assert one.settings == batch.settings and one.notes == batch.notes
        assert one.origins(0) == batch.origins(0)


def test_single_case_path_on_a_second_compile_of_the_knowledge_base() -> None:
    """The one-case tables and memos belong to their compile: a second compile gives the batch
    path's answers too (and the first keeps its own)."""
    from nervemap.engine.compiled import compile_knowledge
    from nervemap.knowledge.loader import default_knowledge

    first = default_compiled()
    second = compile_knowledge(default_knowledge())
    assert second is not first
    for case in all_cases()[:40]:
        for compiled in (second, first):
            single = assess(case, compiled)
            batch = assess_many([case], compiled)[0]
            assert single.model_dump_json(by_alias=True) == batch.model_dump_json(by_alias=True), case.id


def test_a_case_gets_the_same_answer_alone_and_in_a_large_batch() -> None:
    # the order of tied conditions and sites (left and right alike) must not follow the last bits
    # of a many-row batch's matrix products
    cases = all_cases()
    for case, in_batch in zip(cases, assess_many(cases), strict=True):
        assert assess(case).model_dump_json() == in_batch.model_dump_json(), case
