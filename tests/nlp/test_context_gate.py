"""ConText's token-pattern rules run only on notes holding their trigger words (issue 16 item 6),
and find exactly what medspaCy's own matcher finds: compared on every note of the golden,
development and root-level sets, and on notes built to hold each rule's words."""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.nlp.context_gate import required_words
from nervemap.nlp.pipeline import gated_matcher, nlp, sentence_docs
from tests.nlp.test_scan import NOTES


def _context() -> Any:
    return nlp().get_pipe("medspacy_context")


def test_gated_matches_equal_medspacy_matcher_on_every_note() -> None:
    context = _context()
    full, gated = context._ConText__matcher, gated_matcher(context)
    differ = [doc.text[:60] for doc in sentence_docs(NOTES, batch_size=64) if gated(doc) != full(doc)]
    assert differ == []


def test_most_rules_are_left_out_of_a_typical_note() -> None:
    gated = gated_matcher(_context())
    docs = list(sentence_docs(NOTES[:100], batch_size=64))
    run = sum(len(gated.candidates(doc)) for doc in docs)
    assert gated.rules and run < len(gated.rules) * len(docs) / 2


def test_a_rule_runs_when_its_words_are_there() -> None:
    """Each gated rule's own words (one per required token) let it through the gate."""
    gated = gated_matcher(_context())
    pipeline = nlp()
    for index, rule in enumerate(gated.rules):
        # a plain word of each (one that the tokenizer keeps whole when the words are spaced)
        words = [min(words, key=lambda w: (not w.isalpha(), w)) for _, words in required_words(rule.pattern)]
        doc = pipeline.make_doc(" ".join(words))
        assert index in gated.candidates(doc), rule.rule_id


def test_a_rule_without_its_words_is_left_out_and_could_not_match() -> None:
    context = _context()
    gated = gated_matcher(context)
    doc = nlp().make_doc("Pain in the left calf since Monday.")
    assert gated.candidates(doc) == ()
    assert gated(doc) == context._ConText__matcher(doc)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ([{"LOWER": "no"}], [("lower", {"no"})]),
        ([{"LOWER": {"IN": ["No", "without"]}}], [("lower", {"No", "no", "without"})]),
        ([{"TEXT": ":"}, {"LOWER": "no", "IS_SENT_START": False}], [("orth", {":"}), ("lower", {"no"})]),
        ([{"LOWER": "any", "OP": "?"}, {"LOWER": "pain", "OP": "+"}], [("lower", {"pain"})]),
        ([{"LIKE_NUM": True}, {"LOWER": {"IN": ["a"]}, "OP": "*"}], []),  # nothing that must be there
        ([{"LOWER": {"REGEX": "^no"}}], []),
    ],
)
def test_required_words(pattern: list[dict[str, Any]], expected: list[tuple[str, set[str]]]) -> None:
    assert [(attribute, set(words)) for attribute, words in required_words(pattern)] == expected


def test_bit_masks_judge_as_the_rules_words_do() -> None:
    """The candidates judged from bit masks of the note's words are those judged rule by rule,
    on every note and on notes holding one word of each required token of each rule."""
    gated = gated_matcher(_context())
    pipeline = nlp()
    docs = [*sentence_docs(NOTES, batch_size=64)]
    for rule in gated.rules:
        words = [min(words) for _, words in required_words(rule.pattern)]
        docs += [pipeline.make_doc(" ".join(words)), pipeline.make_doc(" ".join(words[:-1]))]
    chosen = [gated.candidates(doc) for doc in docs]
    assert chosen == [gated.candidates_plainly(doc) for doc in docs]
    assert sum(map(len, chosen)) > len(docs)  # rules were let through, not only left out
