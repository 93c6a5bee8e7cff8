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


def test_single_case_posteriors_are_the_batch_posteriors_to_1e_12() -> None:
    """The posteriors, site log-likelihoods and orders of one case alone are the batch's. Not to
    the last bit: the one-case path sums the log likelihoods of the ~10-30 findings and observations
    a case has (engine/core._infer_one) where the batch multiplies (B, F) and (B, O) matrices, the
    same terms added in another order (about 1e-14 apart on these cases). The orders, which ties
    settle (engine/ties.py), and the Assessment JSON (the test above) are the same exactly."""
    import numpy as np

    from nervemap.engine.assess import headlines
    from nervemap.engine.core import headline_one
    from nervemap.engine.encode import encode_case

    compiled = default_compiled()
    close = {"rtol": 1e-12, "atol": 1e-12}
    for case in all_cases():
        one = headline_one(compiled, case, encode_case(case, compiled))
        batch = headlines([case], compiled)[0]
        assert np.allclose(one.conditions, batch.conditions, **close), case.id
        assert np.allclose(one.sites, batch.sites, **close), case.id
        assert np.allclose(one.site_loglik, batch.site_loglik, **close), case.id
        assert abs(one.p_spinal - batch.p_spinal) < 1e-12
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


def test_ties_are_judged_by_their_gaps_not_by_rounding() -> None:
    """engine/ties.py: two values equal but for the last bits tie even where rounding would split
    them, and the one-row (Python) helpers give the batch (numpy) keys and order."""
    import numpy as np

    from nervemap.engine.ties import tie_argmax, tie_keys, tie_keys_list, tie_order

    a, b = 0.3798721387565003, 0.3798721387564989  # a left and a right L5 root, seen in a real case
    assert np.round(a, 12) != np.round(b, 12)
    for row in ([b, a, 0.1], [a, b, 0.1]):
        keys = tie_keys(np.array(row))
        assert keys[0] == keys[1] != keys[2]
        assert tie_order(row) == [0, 1, 2]
        assert int(tie_argmax(np.array(row))) == 0
    assert tie_order([0.2, 0.5, 0.5 + 1e-9]) == [2, 1, 0]  # a real difference is not a tie
    rng = np.random.default_rng(7)
    for _ in range(200):
        values = rng.random(12)
        row = np.concatenate([values, values + rng.normal(0, 1e-15, 12), [0.0, 0.0]])
        rows = np.stack([row, row[::-1]])
        keys = tie_keys(rows)
        for r in range(2):
            assert keys[r].tolist() == tie_keys_list(rows[r].tolist())
            assert np.argsort(-keys[r], kind="stable").tolist() == tie_order(rows[r].tolist())
