"""The reader's vocabulary (nlp/data) is written for the packaged knowledge base. With a smaller one
(``--data``, a fixture) a note must still give a case that knowledge base accepts: what it lacks is
dropped with a warning naming it, instead of the whole note being rejected."""

from __future__ import annotations

import json
from pathlib import Path

from nervemap.engine.compiled import compile_knowledge
from nervemap.engine.encode import encode_case
from nervemap.knowledge.loader import load_knowledge
from nervemap.nlp import extract

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
NOTE = "45 year old woman with low back pain radiating below the knee. Absent left ankle jerk."
GOLDEN_NOTES = Path(__file__).resolve().parents[1] / "golden" / "extraction.jsonl"


def test_a_note_read_with_a_small_knowledge_base_is_accepted_by_it() -> None:
    loaded = load_knowledge(SMALL_KB)
    compiled = compile_knowledge(loaded)
    kb = loaded.knowledge
    extraction = extract(NOTE, knowledge=kb)
    case = extraction.case
    encode_case(case, compiled)  # raises CaseError on any id the knowledge base lacks
    findings = {f.id for f in kb.findings}
    regions = {r.id for r in kb.anatomy.regions}
    assert {f.id for f in case.findings} <= findings
    assert {m.region for m in case.pain_map or []} <= regions
    dropped = [w for w in extraction.warnings if "is not in this knowledge base" in w]
    # "below the knee" is the lower leg (body.yaml), whose front the small base lacks
    assert any("'leg_anterior'" in w for w in dropped), extraction.warnings
    # what the small base has is still read
    assert "back_pain" in {f.id for f in case.findings}


def test_the_packaged_knowledge_base_has_every_target_the_reader_names() -> None:
    """With the packaged base nothing is dropped: the filter changes no packaged reading."""
    lines = GOLDEN_NOTES.read_text(encoding="utf-8").splitlines()
    notes = [json.loads(line)["text"] for line in lines if line]
    assert len(notes) > 50
    for text in [*notes, NOTE]:
        warnings = extract(text).warnings
        assert not [w for w in warnings if "is not in this knowledge base" in w], text
