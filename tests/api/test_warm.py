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
