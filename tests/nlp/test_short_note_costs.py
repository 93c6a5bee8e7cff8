"""Per-note costs cut on short notes (issue 16 item 6, P s17) change nothing a caller sees:
each shortcut is compared with the plain way on every test note."""

from __future__ import annotations

import re

from nervemap.engine.items import Item, ItemKind, case_of
from nervemap.knowledge.models import Setting
from nervemap.nlp import extract_many
from nervemap.nlp.assemble import assemble, in_the_knowledge, said
from nervemap.nlp.draft import Draft
from nervemap.nlp.knowledge import text_knowledge
from nervemap.nlp.matching import _alternation, matchers
from nervemap.nlp.models import Extraction
from nervemap.nlp.pipeline import annotate, nlp, sentence_docs
from nervemap.nlp.read_imaging import read_imaging

from .test_scan import NOTES


def test_alternation_names_the_first_pattern_that_matches() -> None:
    """The precheck's ``lastindex`` is the first of its patterns that matches where it does, so
    the rule matcher skips the ones before it."""
    patterns = [
        re.compile(r"(?<![\w/])(?:pain\s+in\s+the\s+back)(?![\w])", re.IGNORECASE),
        re.compile(r"(?<![\w/])(?:pain)(?![\w])", re.IGNORECASE),
        re.compile(r"(?<![\w/])(?:PAIN\s+score)(?![\w])"),
        re.compile(r"(?<![\w/])(?:pain)(?![\w])", re.IGNORECASE),
    ]
    either = _alternation(patterns)
    assert either is not None
    for text in ["Pain in the BACK", "PAIN score 7", "pain score 7", "pain", "spain", "pains"]:
        hit = either.match(text)
        first = next((i for i, p in enumerate(patterns) if p.match(text)), None)
        assert (hit.lastindex - 1 if hit else None) == first, text
    # the rule matcher's own prechecks: the same for every word of every note
    m = matchers()
    checked = 0
    for text in NOTES[:150]:
        for word in re.finditer(r"[A-Za-z0-9]+", text):
            for precheck, entries in m._for_word(word.group(0).lower()):
                if precheck is None:
                    continue
                hit = precheck.match(text, word.start())
                first = next(
                    (i for i, e in enumerate(entries) if e.compiled.pattern.match(text, word.start())), None
                )
                assert (hit.lastindex - 1 if hit else None) == first
                checked += hit is not None
    assert checked > 100


def _all_components(text: str) -> list[tuple[int, int]]:
    pipeline = nlp()
    doc = pipeline.make_doc(text)
    for name, component in pipeline.pipeline:
        if name != "medspacy_context":
            doc = component(doc)
    return [(s.start_char, s.end_char) for s in doc.sents]


def test_sentences_as_with_every_component() -> None:
    """The line-break and denial-list components run only on texts with their characters: the
    same sentences as running every component on every text."""
    texts = [
        *NOTES[:200],
        *(note for note in NOTES[200:] if "\n" in note or ";" in note),
        "Denies: bowel incontinence; bladder incontinence; numbness in the saddle area. Afebrile.",
        "HPI:\nLeft leg pain\nSLR positive",
        "Pain; worse at night",
        "No: fever; weight loss\nExam: normal",
    ]
    special = [t for t in texts if "\n" in t or (";" in t and ":" in t)]
    assert len(special) > 8
    got = [[(s.start_char, s.end_char) for s in doc.sents] for doc in sentence_docs(texts, 16)]
    assert got == [_all_components(text) for text in texts]
    for text in special[:40]:  # one note alone (annotate makes its own doc)
        assert annotate(text).sentences == _all_components(text)


def test_imaging_given_as_the_case_field() -> None:
    """``assemble`` gives the imaging read as the case's field: the same case as the IMAGING item."""
    facts = text_knowledge()
    with_imaging = 0
    for text in NOTES:
        draft = Draft(annotate(text), facts)
        read_imaging(draft)
        plain = case_of(
            [
                *in_the_knowledge(draft, said(draft, Setting.PRIMARY_CARE)),
                (Item(ItemKind.IMAGING), list(dict.fromkeys(draft.imaging))),
            ],
            pain_map_complete=False,
            measurements=draft.measurements,
        )
        case = assemble(draft, Setting.PRIMARY_CARE)
        assert case == plain
        assert case.model_fields_set == plain.model_fields_set
        assert case.model_dump_json() == plain.model_dump_json()
        with_imaging += bool(case.imaging)
    assert with_imaging > 20


def test_extraction_is_what_validation_makes_of_it() -> None:
    for extraction in extract_many(NOTES[:200]):
        validated = Extraction.model_validate(extraction.model_dump())
        assert validated == extraction
        assert validated.model_fields_set == extraction.model_fields_set
        assert validated.model_dump_json() == extraction.model_dump_json()
