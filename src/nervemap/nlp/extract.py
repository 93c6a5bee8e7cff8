"""extract(): clinical text -> Extraction (a Case plus the items and warnings behind it)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from nervemap.engine.records import exact_maker
from nervemap.knowledge.models import KnowledgeBase, Setting
from nervemap.nlp.assemble import assemble
from nervemap.nlp.draft import Draft
from nervemap.nlp.knowledge import TextKnowledge, text_knowledge
from nervemap.nlp.models import Extraction
from nervemap.nlp.pipeline import annotate, sentence_docs
from nervemap.nlp.read_body import read_body
from nervemap.nlp.read_findings import read_findings, read_tests
from nervemap.nlp.read_grades import read_grades
from nervemap.nlp.read_imaging import read_imaging
from nervemap.nlp.read_patient import read_patient
from nervemap.nlp.read_scores import read_scores
from nervemap.nlp.read_setting import detect_setting
from nervemap.nlp.read_values import read_values
from nervemap.nlp.text import clean, decode, looks_non_english

# an Extraction of the case and items the reader built (trusted records, every field given in
# declared order): made as validation would make it, without validating its parts again
_extraction = exact_maker(Extraction)

READERS = (
    read_findings,
    read_tests,
    read_body,
    read_grades,
    read_imaging,
    read_patient,
    read_values,
    read_scores,
)


def extract(text: str, *, setting: str | None = None, knowledge: KnowledgeBase | None = None) -> Extraction:
    """Read a clinical note into a :class:`~nervemap.engine.case.Case`.

    Never raises on odd text: empty, binary-looking, huge or non-English input gives an
    Extraction whose ``warnings`` say so. ``setting`` must be a known setting id; when it is not
    given, the setting the note names (e.g. "presents to the emergency department") is used,
    else primary care. ``knowledge``: the knowledge base whose findings, anatomy and reference
    ranges the readers use (default: the packaged one).
    """
    facts = text_knowledge(knowledge)
    chosen = Setting(setting) if setting is not None else None
    cleaned, warnings = _clean(text)
    return _read(cleaned, warnings, chosen, facts)


def extract_many(
    texts: Iterable[str],
    *,
    setting: str | None = None,
    knowledge: KnowledgeBase | None = None,
    batch_size: int = 64,
) -> Iterator[Extraction]:
    """:func:`extract` of each text, in order, the texts going through spaCy in batches of
    ``batch_size`` (``nlp.pipe``); the same extractions as one call per text."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    facts = text_knowledge(knowledge)
    chosen = Setting(setting) if setting is not None else None
    pending = iter(texts)
    while batch := list(itertools.islice(pending, batch_size)):
        cleaned = [_clean(text) for text in batch]
        docs = sentence_docs([c for c, _ in cleaned if c.strip()], batch_size)
        for text, warnings in cleaned:
            doc = next(docs) if text.strip() else None
            yield _read(text, warnings, chosen, facts, doc)


def _clean(text: str) -> tuple[str, list[str]]:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}; use extract_bytes for bytes")
    return clean(text)


def _read(
    cleaned: str, warnings: list[str], setting: Setting | None, facts: TextKnowledge, doc: Any = None
) -> Extraction:
    chosen = setting if setting is not None else Setting.PRIMARY_CARE
    if not cleaned.strip():
        return Extraction(
            case=assemble(
                Draft(annotate("", red_flags=facts.red_flags, told=facts.told_findings), facts), chosen
            ),
            warnings=[*warnings, "empty text"],
        )
    if setting is None:
        chosen = detect_setting(cleaned) or chosen
    draft = Draft(annotate(cleaned, doc, red_flags=facts.red_flags, told=facts.told_findings), facts)
    draft.warnings.extend(warnings)
    for reader in READERS:
        reader(draft)
    draft.items.sort(key=lambda item: (item.start, item.end, item.kind))
    case = assemble(draft, chosen)
    asserted = sum(item.status != "not asserted" for item in draft.items)
    if not asserted:
        draft.warn("no clinical finding found")
    if asserted < 3 and looks_non_english(cleaned):
        draft.warn("text looks non-English; only English notes are read")
    return _extraction({"case": case, "items": draft.items, "warnings": draft.warnings})


def extract_bytes(
    data: bytes, *, setting: str | None = None, knowledge: KnowledgeBase | None = None
) -> Extraction:
    """As :func:`extract`, for raw bytes: UTF-8 only; ValueError names what is wrong."""
    return extract(decode(data), setting=setting, knowledge=knowledge)
