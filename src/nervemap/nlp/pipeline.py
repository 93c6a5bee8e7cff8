"""The medSpaCy pipeline: sentences and ConText (negation, history, hypothetical, family,
uncertainty) over the mentions the rules found. Built once per process, on first use."""

from __future__ import annotations

import bisect
import functools
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nervemap.nlp.clause_scope import RED_FLAG_LABEL, SYMPTOM_LABEL, limit_negations_to_their_clause
from nervemap.nlp.context_gate import GatedMatcher
from nervemap.nlp.matching import Mention, matchers
from nervemap.nlp.onset import onset_words
from nervemap.nlp.rules import load_rules

SPAN_GROUP = "nervemap"
_FLAG_ATTRS = (
    ("is_negated", "negated"),
    ("is_historical", "historical"),
    ("is_hypothetical", "hypothetical"),
    ("is_family", "family"),
    ("is_uncertain", "uncertain"),
)
SENTENCE_PUNCT = [".", "!", "?", ";", "。"]


# words that head a list of denied items before a colon ("Denies:", "Negative for:", "No:")
_DENIAL_HEADS = frozenset({"denies", "denied", "no", "none", "without"})


def _is_denial_head(doc: Any, colon: int) -> bool:
    """The words before the colon at ``colon`` deny what follows ("Denies:", "Negative for:")."""
    before = doc[colon - 1].lower_ if colon >= 1 else ""
    if before in _DENIAL_HEADS:
        return True
    return before == "for" and colon >= 2 and doc[colon - 2].lower_ == "negative"


@dataclass(frozen=True)
class Annotated:
    """A note read by the pipeline: its sentences (character ranges) and flagged mentions."""

    text: str
    sentences: list[tuple[int, int]]
    mentions: list[Mention]


@functools.cache
def nlp() -> Any:
    """medSpaCy with spaCy's rule sentencizer (not PyRuSH, ~8x faster) and ConText."""
    import medspacy
    from loguru import logger
    from medspacy.context import ConTextRule
    from spacy.language import Language

    logger.disable("PyRuSH")
    pipeline = medspacy.load(
        medspacy_disable=["medspacy_pyrush", "medspacy_target_matcher", "medspacy_context"]
    )
    pipeline.add_pipe("sentencizer", first=True, config={"punct_chars": SENTENCE_PUNCT})

    if not Language.has_factory("nervemap_line_breaks"):

        @Language.component("nervemap_line_breaks")
        def line_breaks(doc: Any) -> Any:
            """A line break ends a sentence (headings, lists, one finding per line)."""
            if "\n" not in doc.text:
                return doc
            for token in doc[1:]:
                previous = doc[token.i - 1]
                if "\n" in previous.text or (previous.text.endswith(":") and token.is_title):
                    token.is_sent_start = True
            return doc

    pipeline.add_pipe("nervemap_line_breaks", after="sentencizer")

    if not Language.has_factory("nervemap_denial_lists"):

        @Language.component("nervemap_denial_lists")
        def denial_lists(doc: Any) -> Any:
            """The items of a list headed by a denial and a colon stay in the denial's sentence.

            "Denies: bowel incontinence; bladder incontinence; numbness in the saddle area": a semicolon
            ends a sentence, so the denial's scope stopped at the first item and the last two read as
            present (a cauda equina emergency from a note that denies it; E s9).
            """
            if ";" not in doc.text or ":" not in doc.text:
                return doc
            in_list = False
            for token in doc[1:]:
                previous = doc[token.i - 1]
                if token.is_sent_start and previous.text != ";":
                    in_list = False  # a full stop or a line break ends the list
                if token.text == ":" and _is_denial_head(doc, token.i):
                    in_list = True
                elif in_list and previous.text == ";" and token.is_sent_start:
                    token.is_sent_start = False
            return doc

    pipeline.add_pipe("nervemap_denial_lists", after="nervemap_line_breaks")
    context = pipeline.add_pipe(
        "medspacy_context",
        config={"input_span_type": "group", "span_group_name": SPAN_GROUP, "rules": None},
    )
    with open(context.DEFAULT_RULES_FILEPATH, encoding="utf-8") as handle:
        defaults: list[dict[str, Any]] = json.load(handle)["context_rules"]
    rules = load_rules().context
    replaced = {r.literal for r in rules if r.replaces_default}
    defaults = [rule for rule in defaults if rule["literal"] not in replaced]
    ours = [r.model_dump(exclude_none=True, exclude={"replaces_default"}) for r in rules]
    # a denial ends where a new clause begins (nlp/clause_scope.py)
    context.add(
        [
            limit_negations_to_their_clause(ConTextRule.from_dict(rule))
            for raw in defaults + ours
            for rule in as_literals(raw)
        ]
    )
    matchers()  # compile the text rules now, not on the first note
    return pipeline


def as_literals(rule: dict[str, Any]) -> list[dict[str, Any]]:
    """A rule whose token pattern only lists lower-case words, as the same rule once per
    phrase it can match: spaCy's PhraseMatcher finds those several times faster than the
    token Matcher, and ConText behaves the same."""
    pattern = rule.get("pattern")
    if not pattern:
        return [rule]
    choices: list[list[str]] = []
    for token in pattern:
        keys = set(token) - {"OP"}
        op = token.get("OP")
        value = token.get("LOWER")
        if keys != {"LOWER"} or op not in (None, "?"):
            return [rule]
        words = value["IN"] if isinstance(value, dict) and set(value) == {"IN"} else value
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            return [rule]
        choices.append([*words, ""] if op == "?" else list(words))
    phrases = {
        " ".join(w for w in combo if w).replace(" n't", "n't") for combo in itertools.product(*choices)
    }
    if len(phrases) > 400:
        return [rule]
    base = {k: v for k, v in rule.items() if k not in ("pattern", "literal")}
    return [{**base, "literal": phrase} for phrase in sorted(phrases) if phrase]


# components that change nothing in a text without their characters (each looks for them in
# ``doc.text``, which spaCy rebuilds from the tokens on every call): run only where the text has them
_ONLY_WITH: dict[str, tuple[str, ...]] = {
    "nervemap_line_breaks": ("\n",),
    "nervemap_denial_lists": (";", ":"),
}
_SKIPPED = ["medspacy_context", *_ONLY_WITH]


def _finish(pipeline: Any, text: str, doc: Any) -> Any:
    """``doc`` (tokenised and split by the sentencizer) through the components of
    :data:`_ONLY_WITH` whose characters ``text`` holds, in the pipeline's order."""
    for name, component in pipeline.pipeline:
        needs = _ONLY_WITH.get(name)
        if needs is not None and all(char in text for char in needs):
            doc = component(doc)
    return doc


def sentence_docs(texts: list[str], batch_size: int) -> Iterator[Any]:
    """The texts tokenised and split into sentences, in batches (spaCy's ``nlp.pipe``): the doc
    :func:`annotate` would make of each."""
    pipeline = nlp()
    docs = pipeline.pipe(texts, batch_size=batch_size, disable=_SKIPPED)
    return (_finish(pipeline, text, doc) for text, doc in zip(texts, docs, strict=True))


def annotate(
    text: str,
    doc: Any = None,
    red_flags: frozenset[str] | None = None,
    told: frozenset[str] | None = None,
) -> Annotated:
    """Find the mentions in ``text`` and mark each with its ConText flags; ``doc``: the text
    already split into sentences (from :func:`sentence_docs`); ``red_flags`` and ``told``: the
    red-flag findings and the symptom and history findings of the knowledge base the note is read
    with (the packaged base's when None)."""
    pipeline = nlp()
    mentions = matchers().mentions(text)
    # onset words are targets too, so that an onset has its own negation scope (nlp/onset.py)
    onsets = [Mention("onset", "sudden", start, end, words) for start, end, words in onset_words(text)]
    if onsets:
        mentions = sorted(mentions + onsets, key=lambda m: (m.start, -m.end))
    if doc is None:
        doc = pipeline.make_doc(text)
        for name, component in pipeline.pipeline:
            if name not in _SKIPPED:
                doc = component(doc)
        doc = _finish(pipeline, text, doc)
    spans = []
    kept: list[Mention] = []
    red_flag_rules = red_flag_finding_rules(packaged_red_flags() if red_flags is None else red_flags)
    # words that give a red-flag finding are labelled so that an ambiguous trailing denial leaves
    # them asserted (nlp/clause_scope.py); one rule may give several findings ("bilateral
    # sciatica": bilateral_sciatica and radiating_leg_pain), so the rule decides, not the key; and
    # every mention of the same words is labelled, as spans over the same words share their flags
    red_flag_words = {(m.start, m.end) for m in mentions if m.kind == "finding" and m.rule in red_flag_rules}
    # words that only say a symptom (or a history) take the denials a sign does not ("fever absent",
    # but "pulses absent" is the finding): every finding their rules give is one, none is a sign
    told_rules = told_finding_rules(packaged_told() if told is None else told)
    symptom_words = {(m.start, m.end) for m in mentions if m.kind == "symptom" or m.rule in told_rules}
    symptom_words -= {(m.start, m.end) for m in mentions if m.kind == "finding" and m.rule not in told_rules}
    for mention in mentions:
        where = (mention.start, mention.end)
        label = " ".join(
            name
            for name, words in ((RED_FLAG_LABEL, red_flag_words), (SYMPTOM_LABEL, symptom_words))
            if where in words
        )
        span = doc.char_span(mention.start, mention.end, label=label, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        spans.append(span)
        kept.append(mention)
    sents = list(doc.sents)
    if spans:
        attributes = context_attributes(pipeline.get_pipe("medspacy_context"), doc, spans, sents)
        for mention, found in zip(kept, attributes, strict=True):
            for attribute, flag in _FLAG_ATTRS:
                if found.get(attribute):
                    mention.flags.add(flag)
    sentences = [(s.start_char, s.end_char) for s in sents]
    return Annotated(text, sentences, mentions)


@functools.cache
def packaged_red_flags() -> frozenset[str]:
    """The red-flag findings (``red_flag: true``) of the packaged knowledge base."""
    from nervemap.nlp.knowledge import text_knowledge

    return text_knowledge().red_flags


@functools.cache
def packaged_told() -> frozenset[str]:
    """The symptom and history findings of the packaged knowledge base."""
    from nervemap.nlp.knowledge import text_knowledge

    return text_knowledge().told_findings


@functools.lru_cache(maxsize=8)
def told_finding_rules(told: frozenset[str]) -> frozenset[int]:
    """The indices of the finding rules every finding of which is one of ``told``."""
    return frozenset(
        i for i, rule in enumerate(load_rules().findings) if rule.ids and told.issuperset(rule.ids)
    )


@functools.lru_cache(maxsize=8)
def red_flag_finding_rules(red_flags: frozenset[str]) -> frozenset[int]:
    """The indices of the finding rules (as :func:`matchers` numbers them) that give one of the
    ``red_flags``."""
    return frozenset(i for i, rule in enumerate(load_rules().findings) if red_flags.intersection(rule.ids))


@functools.cache
def gated_matcher(context: Any) -> GatedMatcher:
    """ConText's matcher with its token-pattern rules gated by their trigger words (the same
    matches as ``context._ConText__matcher``, see :mod:`nervemap.nlp.context_gate`)."""
    return GatedMatcher(context._ConText__matcher, context.nlp.vocab)


def context_attributes(context: Any, doc: Any, targets: list[Any], sents: list[Any]) -> list[dict[str, bool]]:
    """medspaCy's ConText over ``targets`` (spans of ``doc``): the attributes (is_negated, ...) it
    would set on each, without writing spaCy extensions.

    The same algorithm as ``ConText.__call__`` (its matcher, modifiers, scopes, edges), with one
    saving: a modifier's scope lies in its own sentence, so scopes are limited, and targets
    checked, only between modifiers and targets of the same sentence - ConText compares every
    pair in the note, which is quadratic in a long note. A modifier that crosses a sentence
    boundary (": None" after a heading) takes its scope from the sentence of its first token, as
    ConText does, and belongs there unless it looks forward (its scope would then run backwards
    from its end and can overlap the next sentence's scopes). When such a forward modifier or a
    target crosses a sentence boundary, when ConText uses windows instead of sentences, or
    prunes on overlap, ConText's own graph does the work.
    """
    from medspacy.context import ConTextGraph, ConTextModifier

    matcher = context._ConText__matcher
    vocab = context.nlp.vocab
    modifiers = [
        ConTextModifier(matcher.rule_map[vocab[match_id].text], start, end, doc, max_scope=context.max_scope)
        for match_id, start, end in gated_matcher(context)(doc)
    ]
    graph = ConTextGraph(prune_on_modifier_overlap=context.prune_on_target_overlap)
    graph.targets = targets
    graph.modifiers = modifiers
    starts = [s.start for s in sents]

    def sentence(start: int, end: int) -> int:
        first = bisect.bisect_right(starts, start) - 1
        return first if bisect.bisect_right(starts, end - 1) - 1 == first else -1

    by_sentence: dict[int, list[Any]] = {}
    whole = bool(context.max_scope) or context.prune_on_target_overlap
    for modifier in modifiers:
        index = sentence(*modifier.modifier_span)
        if index < 0 and modifier.direction.upper() != "FORWARD":
            index = bisect.bisect_right(starts, modifier.modifier_span[0]) - 1
        whole = whole or index < 0
        by_sentence.setdefault(index, []).append(modifier)
    target_sentences = [sentence(t.start, t.end) for t in targets]
    if whole or min(target_sentences) < 0:
        graph.update_scopes()
        graph.apply_modifiers()
    else:
        for group in by_sentence.values():  # ConText's pairs (i < j), those of one sentence
            for i in range(len(group) - 1):
                for j in range(i + 1, len(group)):
                    group[i].limit_scope(group[j])
                    group[j].limit_scope(group[i])
        for target, index in zip(targets, target_sentences, strict=True):
            for modifier in by_sentence.get(index, ()):
                if modifier.modifies(target):
                    modifier.modify(target)
        edges: list[tuple[Any, Any]] = []
        for modifier in modifiers:
            modifier.reduce_targets()
            edges.extend((target, modifier) for target in modifier._targets)
        graph.edges = edges
    # spaCy keeps a span's extension values per character range: spans over the same words share them
    found: dict[tuple[int, int], dict[str, bool]] = {}
    mapping = context.context_attributes_mapping or {}
    for target, modifier in graph.edges:
        for attribute, value in mapping.get(modifier.category, {}).items():
            found.setdefault((target.start_char, target.end_char), {})[attribute] = value
    return [found.get((t.start_char, t.end_char), {}) for t in targets]
