"""The medSpaCy pipeline: sentences and ConText (negation, history, hypothetical, family,
uncertainty) over the mentions the rules found. Built once per process, on first use."""

from __future__ import annotations

import functools
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
            """A blank line, or a line break after a colon-less heading, ends a sentence."""
            for token in doc[1:]:
                previous = doc[token.i - 1]
                if "\n" in previous.text or (previous.text.endswith(":") and token.is_title):
                    token.is_sent_start = True
            return doc

    pipeline.add_pipe("nervemap_line_breaks", after="sentencizer")
    context = pipeline.add_pipe(
        "medspacy_context",
        config={"input_span_type": "group", "span_group_name": SPAN_GROUP},
    )
    context.add(
        [
            ConTextRule(
                literal=rule.literal,
                category=rule.category,
                pattern=rule.pattern,
                direction=rule.direction,
                max_scope=rule.max_scope,
            )
            for rule in load_rules().context
        ]
    )
    matchers()  # compile the text rules now, not on the first note
    return pipeline


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
