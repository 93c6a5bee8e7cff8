"""The symmetric-reflex rule reads its grade from the knowledge base (localisation.yaml
symmetric_reflex_grade, issue 12 item 7): 1+ on both sides is not scored; without the entry it is."""

from __future__ import annotations

import dataclasses

import numpy as np

from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge, default_compiled
from nervemap.engine.encode import encode_case
from nervemap.engine.encode_batch import encode_batch
from nervemap.knowledge.loader import default_knowledge

CASE = Case.model_validate(
    {
        "id": "trace",
        "age": 45,
        "setting": "primary-care",
        "reflexes": [
            {"reflex": "achilles", "side": "left", "grade": 1},
            {"reflex": "achilles", "side": "right", "grade": 1},
        ],
    }
)


def _scored(compiled: CompiledKnowledge) -> bool:
    encoded = encode_case(CASE, compiled)
    at = compiled.observation_index["reflex:achilles:left"]
    batch = encode_batch([CASE], compiled)
    np.testing.assert_array_equal(batch.observed_present[0], encoded.observed_present)
    return bool(encoded.observed_present[at] or encoded.observed_absent[at])


def test_symmetric_one_plus_is_not_scored_with_the_knowledge_base_grade() -> None:
    compiled = default_compiled()
    assert compiled.knowledge.localisation.symmetric_reflex_grade is not None
    assert compiled.knowledge.localisation.symmetric_reflex_grade.value == 1
    assert not _scored(compiled)


def test_without_the_entry_a_symmetric_one_plus_is_scored() -> None:
    loaded = default_knowledge()
    kb = loaded.knowledge
    localisation = kb.localisation.model_copy(update={"symmetric_reflex_grade": None})
    changed = dataclasses.replace(loaded, knowledge=kb.model_copy(update={"localisation": localisation}))
    assert _scored(compile_knowledge(changed))
