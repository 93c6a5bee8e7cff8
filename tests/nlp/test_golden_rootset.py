"""The examination as clinicians write it (issue 14 item 5), measured on the root-level
development set's notes: every note hand-annotated for strength, reflexes, sensation and
examination findings (tests/golden/extraction_rootset.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from nervemap.nlp import extract
from tests.nlp.scoring import (
    GOLDEN_DEVSAMPLE,
    expected_exam_items,
    load_golden_rootset,
    predicted_exam_items,
    score,
)

ROOTSET = Path(__file__).resolve().parents[1] / "data" / "rootset.jsonl"
PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.8


def test_every_rootset_note_is_annotated_once() -> None:
    rows = [json.loads(line) for line in ROOTSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    notes = {row["id"]: row["text"] for row in rows}
    golden = load_golden_rootset()
    assert sorted(row["source"] for row in golden) == sorted(notes)
    assert all(notes[row["source"]] == row["text"] for row in golden)


def _score(rows: list[dict[str, object]]) -> tuple[float, float, list[tuple[str, object]]]:
    true_positive = predicted = expected = 0
    misses: list[tuple[str, object]] = []
    for row in rows:
        expect = row["expect"]
        assert isinstance(expect, dict)
        result = score(expected_exam_items(expect), predicted_exam_items(extract(str(row["text"])).case))
        true_positive += result.true_positive
        predicted += result.predicted
        expected += result.expected
        misses += [(str(row["source"]), m) for m in result.missed or []]
        misses += [(str(row["source"]), ("EXTRA", e)) for e in result.extra or []]
    return true_positive / predicted if predicted else 1.0, true_positive / expected, misses


def test_examination_on_sentences_sampled_from_the_development_set() -> None:
    """89 sentences drawn at random from tests/data/devset.jsonl (seeds 14, 2026, 7), many with
    nothing to read (neuropsychology 'strengths', arm findings): reading nothing there counts."""
    rows = [json.loads(line) for line in GOLDEN_DEVSAMPLE.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 89
    precision, recall, misses = _score(rows)
    print(f"\ndevset sample examination: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9, misses
    assert recall >= 0.85, misses


def test_examination_on_a_blind_devset_sample() -> None:
    """30 more devset sentences (seed 99), annotated before the reader was run on them and not
    used to write rules: the honest figure for phrasings the rules were not written for
    (measured once: precision 0.955 / recall 0.382 before the issue-14 reader work, 1.000 / 0.473
    after; 1.000 / 0.691 after H7's normal-examination phrasings, written after this sample's misses
    had been seen, so for those phrasings the sample is no longer blind: tests/nlp/
    test_normal_exam_phrasings.py holds the sentences they were written for). The floors guard
    against regression; raise them when the reader improves."""
    path = GOLDEN_DEVSAMPLE.with_name("extraction_devsample_blind.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 30
    precision, recall, misses = _score(rows)
    print(f"\nblind devset sample examination: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9, misses
    assert recall >= 0.65, misses


def test_examination_precision_and_recall_on_the_rootset_notes() -> None:
    true_positive = predicted = expected = 0
    misses: list[tuple[str, object]] = []
    for row in load_golden_rootset():
        result = score(expected_exam_items(row["expect"]), predicted_exam_items(extract(row["text"]).case))
        true_positive += result.true_positive
        predicted += result.predicted
        expected += result.expected
        misses += [(row["source"], m) for m in result.missed or []]
        misses += [(row["source"], ("EXTRA", e)) for e in result.extra or []]
    precision = true_positive / predicted
    recall = true_positive / expected
    print(
        f"\nrootset examination: {expected} expected items, {predicted} read, "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    for miss in misses:
        print("  ", miss)
    assert precision >= PRECISION_FLOOR, misses
    assert recall >= RECALL_FLOOR, misses
