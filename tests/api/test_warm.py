"""Issue 16: the app pays the interview's first-step costs when it is built, not on the first request."""

from __future__ import annotations

from pathlib import Path

from nervemap.app import create_app
from nervemap.engine.compiled import compile_knowledge
from nervemap.interview import incremental
from nervemap.interview.catalogue import default_catalogue
from nervemap.knowledge.loader import load_knowledge
from nervemap.settings import Settings

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def test_create_app_finds_the_plain_findings_of_its_knowledge(settings: Settings) -> None:
    compiled = compile_knowledge(load_knowledge(SMALL_KB))
    assert not incremental.is_warm(compiled)  # a fresh knowledge base: nothing found yet
    app = create_app(settings, knowledge=compiled)
    try:
        assert app.state.knowledge is compiled
        assert incremental.is_warm(compiled)
        hits = default_catalogue.cache_info().hits
        default_catalogue()
        assert default_catalogue.cache_info().hits == hits + 1  # loaded already
    finally:
        app.state.engine.dispose()


def test_create_app_builds_the_text_reader_of_its_knowledge(settings: Settings) -> None:
    """The first note a server reads must not pay for loading medSpaCy and compiling the readers
    (seconds): the app reads a warm-up note with its own knowledge base when it is built."""
    from nervemap.nlp import knowledge as reader_knowledge

    loaded = load_knowledge(SMALL_KB)
    app = create_app(settings, knowledge=loaded)
    try:
        kb = app.state.knowledge.knowledge
        assert any(known.kb is kb for known in reader_knowledge._recent)
    finally:
        app.state.engine.dispose()


def test_the_warm_up_can_be_switched_off(settings: Settings) -> None:
    from nervemap.nlp import knowledge as reader_knowledge

    loaded = load_knowledge(SMALL_KB)
    app = create_app(settings.model_copy(update={"warm_text_reader": False}), knowledge=loaded)
    try:
        kb = app.state.knowledge.knowledge
        assert not any(known.kb is kb for known in reader_knowledge._recent)
    finally:
        app.state.engine.dispose()


def test_the_warm_up_note_reaches_the_readers_it_is_for() -> None:
    """The note is chosen to pass every reader's pre-check: if it stops reading a grade, a reflex,
    imaging, a vital sign or a denied red flag, that reader is built on a clinician's first note."""
    from nervemap.nlp import extract
    from nervemap.nlp.warm import WARM_UP_NOTE

    case = extract(WARM_UP_NOTE).case
    statuses = {f.id: f.status for f in case.findings}
    assert statuses.get("saddle_numbness") == "absent"
    assert statuses.get("fever") == "absent"
    assert statuses.get("slr_positive") == "present"
    assert case.strength and case.reflexes and case.sensation and case.imaging
    assert {m.quantity for m in case.measurements} >= {"temperature", "heart_rate", "systolic_bp", "crp"}
    assert case.pain_map and case.setting == "emergency"
