"""The interview's tables derived from the compiled knowledge (issue 17 item 5) are kept on that
object, built once, and never shared between two knowledge bases."""

from __future__ import annotations

from pathlib import Path

from nervemap.engine.compiled import compile_knowledge, default_compiled
from nervemap.interview.candidates import _exam_regions, _map_index, held
from nervemap.knowledge.loader import load_knowledge

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def test_a_table_is_built_once_and_kept_on_the_compiled_knowledge() -> None:
    compiled = default_compiled()
    built: list[int] = []

    def build(_: object) -> int:
        built.append(1)
        return 7

    assert held(compiled, "test_probe", build) == 7
    assert held(compiled, "test_probe", build) == 7
    assert built == [1]
    del vars(compiled)["_interview_test_probe"]
    assert _map_index(compiled) is _map_index(compiled)
    assert vars(compiled)["_interview_map_index"] is _map_index(compiled)


def test_two_knowledge_bases_get_their_own_tables() -> None:
    bundled = default_compiled()
    small = compile_knowledge(load_knowledge(SMALL_KB))
    regions = {r.id for r in small.knowledge.anatomy.regions}
    assert {mark for mark, _ in _map_index(small).marks} <= regions
    assert _map_index(small) is not _map_index(bundled)
    assert set(_exam_regions(small)) <= regions
    roots = {r.id: r for r in bundled.knowledge.anatomy.roots}
    assert _exam_regions(bundled) == sorted(
        {
            region
            for root in ("L2", "L3", "L4", "L5", "S1")
            if root in roots
            for region in roots[root].dermatome
        }
    )


def test_sampled_answers_are_made_once_per_question_and_draws() -> None:
    """A sampled examination's answers are kept by the draws that make them: the same state gives
    the same answers (the very objects, equal to freshly made ones), another question object of the
    same id gets its own."""
    import numpy as np

    from nervemap.interview.candidates import candidates, joint_probabilities
    from nervemap.interview.catalogue import catalogue_for

    compiled = default_compiled()
    n_conditions, n_sites = compiled.site_given_condition.shape
    log_joint = np.log(np.full((n_conditions, n_sites), 1.0 / (n_conditions * n_sites)))
    cdf = joint_probabilities(log_joint)
    by_id = catalogue_for(compiled).by_id
    for question_id in ("sensation", "strength_knee"):
        question = by_id[question_id]
        vars(compiled).pop("_interview_sampled_answers", None)
        first = candidates(question, compiled, log_joint, 24, cdf)
        again = candidates(question, compiled, log_joint, 24, cdf)
        assert first.keys == again.keys and first.weights == again.weights
        assert all(a is b for a, b in zip(first.answers, again.answers, strict=True))
        vars(compiled).pop("_interview_sampled_answers")
        fresh = candidates(question, compiled, log_joint, 24, cdf)
        assert fresh.answers == first.answers
        other = question.model_copy()
        assert all(
            a is not b
            for a, b in zip(
                candidates(other, compiled, log_joint, 24, cdf).answers, fresh.answers, strict=True
            )
        )


def test_listed_answers_are_made_once_per_question_with_their_reprs_as_keys() -> None:
    import numpy as np

    from nervemap.interview.candidates import candidates
    from nervemap.interview.catalogue import Kind, catalogue_for

    compiled = default_compiled()
    log_joint = np.zeros(compiled.site_given_condition.shape)
    questions = catalogue_for(compiled).questions
    side_test = next(q for q in questions if q.kind == Kind.SIDE_TEST)
    listed = candidates(side_test, compiled, log_joint, 24)
    assert listed.answers == ["left", "right", "both", "neither"] and listed.weights is None
    assert listed.keys == [repr(a) for a in listed.answers]
    assert candidates(side_test, compiled, log_joint, 24) is listed
    assert candidates(side_test.model_copy(), compiled, log_joint, 24) is not listed  # another object
