"""The indexes derived from a knowledge base live on the object they are derived from (issue 17
item 5): the plan's step index and the FHIR code index on the compiled knowledge, a quantity's unit
spellings on the quantity. No process-wide table keyed by ``id()`` keeps a knowledge base alive."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from nervemap.engine.compiled import compile_knowledge, default_compiled, held
from nervemap.engine.plan import _index
from nervemap.interop.codes import code_index
from nervemap.knowledge.loader import load_knowledge
from nervemap.knowledge.ranges import find_unit

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def test_held_builds_once_and_keeps_the_value_on_the_object() -> None:
    compiled = compile_knowledge(load_knowledge(SMALL_KB))
    built: list[int] = []

    def build(_: object) -> list[int]:
        built.append(1)
        return [7]

    first = held(compiled, "test_probe", build)
    assert held(compiled, "test_probe", build) is first
    assert built == [1]
    assert vars(compiled)["_test_probe"] is first


def test_plan_and_code_indexes_are_kept_on_their_compiled_knowledge() -> None:
    bundled = default_compiled()
    small = compile_knowledge(load_knowledge(SMALL_KB))
    assert _index(bundled) is _index(bundled)
    assert vars(bundled)["_plan_index"] is _index(bundled)
    assert code_index(bundled) is code_index(bundled)
    assert vars(bundled)["_interop_code_index"] is code_index(bundled)
    assert _index(small) is not _index(bundled)
    assert set(_index(small).steps) == {step.id for step in small.knowledge.plans}
    assert code_index(small) is not code_index(bundled)
    small_findings = {f.id for f in small.knowledge.findings}
    assert {
        target.target
        for targets in code_index(small).targets.values()
        for target in targets
        if target.kind.value == "finding"
    } <= small_findings


def test_a_compiled_knowledge_base_is_not_kept_alive_by_its_indexes() -> None:
    small = compile_knowledge(load_knowledge(SMALL_KB))
    _index(small)
    code_index(small)
    gone = weakref.ref(small)
    del small
    gc.collect()
    assert gone() is None


def test_unit_spellings_belong_to_their_quantity() -> None:
    quantities = default_compiled().knowledge.reference_ranges
    for quantity in quantities:
        assert quantity.unit_spellings is quantity.unit_spellings
        for unit in quantity.units:
            assert find_unit(quantity, unit.unit) is unit
            for alias in unit.aliases:
                assert find_unit(quantity, alias.upper()) is unit
        assert "unit_spellings" not in quantity.model_dump()
        assert find_unit(quantity, "no such unit") is None


def test_assessing_keeps_no_compiled_knowledge_base_alive() -> None:
    # the core's tables, the batch encoder's tables and the explainer are held on the compiled
    # knowledge too (a module dict keyed by id() kept every compile alive)
    from nervemap.engine.assess import assess, assess_many

    small = compile_knowledge(load_knowledge(SMALL_KB))
    case = {"id": "held", "age": 45, "sex": "female"}
    assess(case, small)
    assess_many([case, {**case, "id": "held-2"}], small)
    gone = weakref.ref(small)
    del small
    gc.collect()
    assert gone() is None
