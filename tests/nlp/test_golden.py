"""Golden sentences from MTSamples / MedQA-style notes -> expected case parts."""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.nlp import extract
from tests.nlp.scoring import expected_items, load_golden, predicted_items, score

GOLDEN = load_golden()
PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.9


def test_golden_set_is_big_enough() -> None:
    assert len(GOLDEN) >= 60
    assert all(row["source"] and row["text"] for row in GOLDEN)


@pytest.mark.parametrize("row", GOLDEN, ids=[f"{r['source']}-{i}" for i, r in enumerate(GOLDEN)])
def test_golden_sentence(row: dict[str, Any]) -> None:
    extraction = extract(row["text"])
    # every item points at the words it came from
    for item in extraction.items:
        assert row["text"][item.start : item.end] == item.text
    # the case is one the engine accepts as it is
    encode_case(extraction.case, default_compiled())
    result = score(expected_items(row["expect"]), predicted_items(extraction.case))
    # per sentence: little of what is read is wrong (recall is checked over the whole set)
    assert result.precision >= 0.5, (result.missed, result.extra)


def test_micro_precision_and_recall() -> None:
    true_positive = predicted = expected = 0
    for row in GOLDEN:
        result = score(expected_items(row["expect"]), predicted_items(extract(row["text"]).case))
        true_positive += result.true_positive
        predicted += result.predicted
        expected += result.expected
    precision = true_positive / predicted
    recall = true_positive / expected
    print(
        f"\nnlp golden set: {len(GOLDEN)} snippets, {expected} expected items, "
        f"micro precision {precision:.3f}, micro recall {recall:.3f}"
    )
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR
