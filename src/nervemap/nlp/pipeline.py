"""The medSpaCy pipeline: sentences and ConText (negation, history, hypothetical, family,
uncertainty) over the mentions the rules found. Built once per process, on first use."""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass
from typing import Any

from nervemap.nlp.matching import Mention, matchers
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
    context.add([ConTextRule.from_dict(rule) for raw in defaults + ours for rule in as_literals(raw)])
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


def annotate(text: str) -> Annotated:
    """Find the mentions in ``text`` and mark each with its ConText flags."""
    pipeline = nlp()
    mentions = matchers().mentions(text)
    doc = pipeline.make_doc(text)
    for name, component in pipeline.pipeline:
        if name == "medspacy_context":
            break
        doc = component(doc)
    spans = []
    kept: list[Mention] = []
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        spans.append(span)
        kept.append(mention)
    doc.spans[SPAN_GROUP] = spans
    if spans:
        doc = pipeline.get_pipe("medspacy_context")(doc)
        for mention, span in zip(kept, doc.spans[SPAN_GROUP], strict=True):
            for attribute, flag in _FLAG_ATTRS:
                if getattr(span._, attribute):
                    mention.flags.add(flag)
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    return Annotated(text, sentences, mentions)
